package org.trainbench.ui.editor;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;
import org.trainbench.testing.Screenshots;
import org.trainbench.testing.UiPump;
import org.trainbench.ui.TrainbenchPerspective;

/**
 * The editor tests' access to the real workbench (they run on the UI thread): workspace files, opening them in the
 * config editor, waiting by spinning the event loop (the editor re-parses in a job and applies the result with
 * asyncExec), and screenshots of the window filling the 1600x1000 Xvfb screen.
 */
final class EditorWorkbench {

	private EditorWorkbench() {
	}

	static IWorkbenchPage page() {
		IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
		if (!TrainbenchPerspective.ID.equals(page.getPerspective().getId())) {
			page.setPerspective(PlatformUI.getWorkbench().getPerspectiveRegistry().findPerspectiveWithId(TrainbenchPerspective.ID));
		}
		return page;
	}

	static Path example(String name) {
		return Path.of(System.getProperty("user.dir")).resolve("../../examples").resolve(name).normalize();
	}

	/** A file with {@code text} in a (new or existing) open workspace project. */
	static IFile workspaceFile(String project, String name, String text) throws CoreException {
		IProject p = ResourcesPlugin.getWorkspace().getRoot().getProject(project);
		if (!p.exists()) {
			p.create(null);
		}
		if (!p.isOpen()) {
			p.open(null);
		}
		IFile file = p.getFile(name);
		ByteArrayInputStream contents = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
		if (file.exists()) {
			file.setContents(contents, true, false, null);
		} else {
			file.create(contents, true, null);
		}
		return file;
	}

	/** Deletes the projects the editor tests made ("editor-..."), so that no test sees another's markers. */
	static void deleteTestProjects() throws CoreException {
		for (IProject project : ResourcesPlugin.getWorkspace().getRoot().getProjects()) {
			if (project.getName().startsWith("editor-")) {
				project.delete(true, true, null);
			}
		}
	}

	static ConfigEditor open(IFile file) throws PartInitException {
		return assertInstanceOf(ConfigEditor.class, IDE.openEditor(page(), file));
	}

	static ISourceViewer viewer(ConfigEditor editor) {
		return (ISourceViewer) editor.getAdapter(ITextViewer.class);
	}

	static IDocument document(ConfigEditor editor) {
		return viewer(editor).getDocument();
	}

	/** Waits until the editor has applied a re-parse of exactly its current text. */
	static ConfigSnapshot parsed(ConfigEditor editor) {
		waitUntil("the editor re-parsed its text",
				() -> editor.snapshot() != null && editor.snapshot().text().equals(document(editor).get()), 15_000);
		return editor.snapshot();
	}

	static void spin(long millis) {
		UiPump.spin(Duration.ofMillis(millis));
	}

	static void waitUntil(String what, BooleanSupplier condition, long timeoutMillis) {
		UiPump.waitUntil(what, Duration.ofMillis(timeoutMillis), condition);
	}

	/** Makes the workbench window fill the Xvfb screen (1600x1000); GTK without a window manager needs a nudge. */
	static void fillScreen() {
		Screenshots.fillScreen(PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell());
	}

	/**
	 * Copies the screen's pixels (the window and any popup over it) from the X server into the screenshots folder;
	 * the caller arranges the window with {@link #fillScreen()} first, and popups after that.
	 */
	static Path screenshot(String name) throws IOException {
		return Screenshots.screen(Display.getCurrent(), name);
	}

}
