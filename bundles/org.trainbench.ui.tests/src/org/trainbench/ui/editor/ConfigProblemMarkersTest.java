package org.trainbench.ui.editor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.ui.editor.EditorWorkbench.document;
import static org.trainbench.ui.editor.EditorWorkbench.example;
import static org.trainbench.ui.editor.EditorWorkbench.open;
import static org.trainbench.ui.editor.EditorWorkbench.page;
import static org.trainbench.ui.editor.EditorWorkbench.parsed;
import static org.trainbench.ui.editor.EditorWorkbench.viewer;
import static org.trainbench.ui.editor.EditorWorkbench.waitUntil;
import static org.trainbench.ui.editor.EditorWorkbench.workspaceFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.jface.text.IDocument;
import org.eclipse.ui.ide.FileStoreEditorInput;
import org.eclipse.ui.ide.IDE;
import org.eclipse.ui.part.FileEditorInput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigProblemMarkersTest {

	private static final String KEY = "micro_batch_size";

	@AfterEach
	void closeEditors() throws Exception {
		page().closeAllEditors(false);
		EditorWorkbench.deleteTestProjects();
	}

	@Test
	void aMisspelledKeyIsAProblemMarkerWhileTypingThatGoesWhenFixedAndSaved() throws Exception {
		String text = Files.readString(example("llama-3.1-8b-sft-train.yaml"));
		IFile file = workspaceFile("editor-markers", "sft.yaml", text);
		ConfigEditor editor = open(file);
		IDocument document = document(editor);
		parsed(editor);
		int at = text.indexOf(KEY);
		int line = document.getLineOfOffset(at) + 1;

		document.replace(at, KEY.length(), "micro_batch_sise");
		IMarker marker = waitForMarker(file, "micro_batch_sise");
		assertEquals(ConfigProblemMarkers.TYPE, marker.getType());
		assertTrue(marker.isSubtypeOf(IMarker.PROBLEM));
		assertEquals(IMarker.SEVERITY_ERROR, marker.getAttribute(IMarker.SEVERITY, -1));
		assertEquals(line, marker.getAttribute(IMarker.LINE_NUMBER, -1));
		assertEquals(at, marker.getAttribute(IMarker.CHAR_START, -1));
		assertEquals(at + KEY.length(), marker.getAttribute(IMarker.CHAR_END, -1));
		assertEquals("unknown-key", marker.getAttribute(ConfigProblemMarkers.CODE, ""));

		editor.doSave(null);
		waitUntil("saved", () -> !editor.isDirty(), 10_000);
		assertTrue(new String(file.getContents().readAllBytes(), StandardCharsets.UTF_8).contains("micro_batch_sise"));
		assertEquals(1, markers(file, "micro_batch_sise").size());

		document.replace(at, KEY.length(), KEY);
		editor.doSave(null);
		waitUntil("the marker of the fixed key is gone", () -> markers(file, "micro_batch_sise").isEmpty(), 10_000);

		// an error typed and not saved: when the editor closes, the markers describe the file on disk again
		document.replace(at, KEY.length(), "micro_batch_sixe");
		waitForMarker(file, "micro_batch_sixe");
		editor.close(false);
		waitUntil("the unsaved error's marker is gone after closing", () -> markers(file, "micro_batch_sixe").isEmpty(),
				10_000);
	}

	@Test
	void aFileOutsideTheWorkspaceIsEditedThroughALinkWhoseMarkersNameTheFileAndOpenItAtTheLine(@TempDir Path temp)
			throws Exception {
		String text = Files.readString(example("llama-3.1-8b-sft-train.yaml")).replace(KEY, "micro_batch_sise");
		Path config = temp.resolve("sft.yaml");
		Files.writeString(config, text);
		ConfigEditor editor = assertInstanceOf(ConfigEditor.class,
				IDE.openEditorOnFileStore(page(), EFS.getLocalFileSystem().getStore(config.toUri())));
		IFile link = editor.file();
		assertEquals("/" + ExternalConfigFiles.PROJECT + "/" + temp.getFileName() + "/sft.yaml", link.getFullPath().toString());
		assertTrue(link.isLinked());
		assertEquals(config.toRealPath(), Path.of(link.getLocation().toOSString()).toRealPath());
		assertEquals("sft.yaml", editor.getPartName());
		// remembered across restarts as the file itself, not as the link (which goes with the editor)
		assertEquals("org.eclipse.ui.ide.FileStoreEditorInputFactory", editor.getEditorInput().getPersistable().getFactoryId());

		IMarker marker = waitForMarker(link, "micro_batch_sise");
		int at = text.indexOf("micro_batch_sise");
		int line = document(editor).getLineOfOffset(at) + 1;
		assertEquals("line " + line + " of " + link.getLocation().toOSString(), marker.getAttribute(IMarker.LOCATION, ""));

		// opening the same file again finds this editor; opening the marker selects the key
		assertSame(editor, IDE.openEditorOnFileStore(page(), EFS.getLocalFileSystem().getStore(config.toUri())));
		viewer(editor).setSelectedRange(0, 0);
		assertSame(editor, IDE.openEditor(page(), marker));
		assertEquals(at, viewer(editor).getSelectedRange().x);
		assertEquals("micro_batch_sise".length(), viewer(editor).getSelectedRange().y);

		// closed and at once opened again: the new editor keeps the link
		assertTrue(page().closeEditor(editor, false));
		ConfigEditor again = assertInstanceOf(ConfigEditor.class,
				IDE.openEditorOnFileStore(page(), EFS.getLocalFileSystem().getStore(config.toUri())));
		assertNotSame(editor, again);
		assertEquals(link, again.file());
		EditorWorkbench.spin(1000);
		assertTrue(link.exists());

		// nothing re-checks the file once its editor is closed: the link goes, and its markers with it
		again.close(false);
		waitUntil("the link is removed", () -> !link.exists(), 10_000);
		assertTrue(Files.exists(config));
	}

	@Test
	void linksLeftByTheLastSessionAreRemovedAtStartupButAnOpenEditorKeepsItsLink(@TempDir Path temp) throws Exception {
		Path leftOver = temp.resolve("old/left.yaml");
		Path open = temp.resolve("new/open.yaml");
		for (Path p : List.of(leftOver, open)) {
			Files.createDirectories(p.getParent());
			Files.writeString(p, Files.readString(example("llama-3.1-8b-sft-train.yaml")));
		}
		// a link whose editor went with the last session: made and counted, then uncounted without a removal job
		IFile stale = ((FileEditorInput) ExternalConfigFiles.inWorkspace(
				new FileStoreEditorInput(EFS.getLocalFileSystem().getStore(leftOver.toUri())))).getFile();
		ExternalConfigFiles.closed(stale);
		assertTrue(stale.exists());
		ConfigEditor editor = assertInstanceOf(ConfigEditor.class,
				IDE.openEditorOnFileStore(page(), EFS.getLocalFileSystem().getStore(open.toUri())));

		ConfigEditor.removeUnusedLinks();
		waitUntil("the left-over link is removed", () -> !stale.exists(), 10_000);
		EditorWorkbench.spin(300);
		assertTrue(editor.file().exists(), "the open editor's link stays");
		assertTrue(Files.exists(leftOver), "only the link goes, never the file");
		editor.close(false);
	}

	private static IMarker waitForMarker(IFile file, String text) {
		waitUntil("a marker about " + text, () -> markers(file, text).size() == 1, 10_000);
		return markers(file, text).get(0);
	}

	private static List<IMarker> markers(IFile file, String text) {
		List<IMarker> found = new ArrayList<>();
		try {
			for (IMarker marker : file.findMarkers(ConfigProblemMarkers.TYPE, false, IResource.DEPTH_ZERO)) {
				if (marker.getAttribute(IMarker.MESSAGE, "").contains(text)) {
					found.add(marker);
				}
			}
		} catch (CoreException e) {
			throw new AssertionError(e);
		}
		return found;
	}
}
