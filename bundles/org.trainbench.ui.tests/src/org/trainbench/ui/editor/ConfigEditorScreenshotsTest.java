package org.trainbench.ui.editor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.ui.editor.EditorWorkbench.example;
import static org.trainbench.ui.editor.EditorWorkbench.fillScreen;
import static org.trainbench.ui.editor.EditorWorkbench.page;
import static org.trainbench.ui.editor.EditorWorkbench.parsed;
import static org.trainbench.ui.editor.EditorWorkbench.screenshot;
import static org.trainbench.ui.editor.EditorWorkbench.spin;
import static org.trainbench.ui.editor.EditorWorkbench.viewer;
import static org.trainbench.ui.editor.EditorWorkbench.waitUntil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IResource;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.ITextOperationTarget;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.jface.text.source.projection.ProjectionAnnotation;
import org.eclipse.jface.text.source.projection.ProjectionViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The editor's screenshots for docs/EDITOR.md, taken from the real workbench on the SFT example opened from an
 * experiment directory as the New Experiment wizard opens it: completion with documentation, a misspelled key
 * with its marker in the Problems view and the quick fix, and colouring with the outline and a folded section.
 * Stacks the picture does not need are minimized as a user would; the perspective is reset after.
 */
class ConfigEditorScreenshotsTest {

	private static final String EXPERIMENTS_VIEW = "org.trainbench.ui.views.experiments";
	private static final String CHARTS_VIEW = "org.trainbench.ui.views.charts";
	private static final String SUMMARY_VIEW = "org.trainbench.ui.views.summary";

	@BeforeEach
	void defaultLayout() throws Exception {
		EditorWorkbench.deleteTestProjects();
		page().resetPerspective();
		fillScreen();
	}

	@AfterEach
	void closeEditors() {
		page().closeAllEditors(false);
		page().resetPerspective();
	}

	private static ConfigEditor openExperimentConfig(Path temp) throws Exception {
		Path config = Files.createDirectories(temp.resolve("llama-sft")).resolve("config.yaml");
		Files.copy(example("llama-3.1-8b-sft-train.yaml"), config);
		ConfigEditor editor = assertInstanceOf(ConfigEditor.class,
				IDE.openEditorOnFileStore(page(), EFS.getLocalFileSystem().getStore(config.toUri())));
		parsed(editor);
		return editor;
	}

	private static void minimizeStackOf(String viewId) {
		if (page().findViewReference(viewId) != null) {
			page().setPartState(page().findViewReference(viewId), IWorkbenchPage.STATE_MINIMIZED);
			spin(300);
		}
	}

	@Test
	void completionPopupWithDocumentation(@TempDir Path temp) throws Exception {
		ConfigEditor editor = openExperimentConfig(temp);
		minimizeStackOf(EXPERIMENTS_VIEW);
		minimizeStackOf(CHARTS_VIEW);
		ISourceViewer viewer = viewer(editor);
		IDocument document = viewer.getDocument();
		// the user deleted micro_batch_size and asks what batch may hold
		String line = "  micro_batch_size: 1\n";
		int at = document.get().indexOf(line);
		document.replace(at, line.length(), "  \n");
		parsed(editor);
		page().activate(editor);
		editor.setFocus();
		viewer.getTextWidget().setTopIndex(Math.max(0, document.getLineOfOffset(at) - 10));
		viewer.setSelectedRange(at + 2, 0);
		ITextOperationTarget operations = (ITextOperationTarget) viewer;
		assertTrue(operations.canDoOperation(ISourceViewer.CONTENTASSIST_PROPOSALS));
		viewer.getTextWidget().getDisplay().asyncExec(() -> operations.doOperation(ISourceViewer.CONTENTASSIST_PROPOSALS));
		waitUntil("the completion popup and its documentation", () -> popups() >= 2, 10_000);
		spin(800);
		screenshot("editor-completion.png");
	}

	@Test
	void misspelledKeyWithItsProblemAndQuickFix(@TempDir Path temp) throws Exception {
		page().showView(IPageLayout.ID_PROBLEM_VIEW);
		ConfigEditor editor = openExperimentConfig(temp);
		minimizeStackOf(EXPERIMENTS_VIEW);
		minimizeStackOf(SUMMARY_VIEW);
		ISourceViewer viewer = viewer(editor);
		IDocument document = viewer.getDocument();
		int at = document.get().indexOf("micro_batch_size");
		document.replace(at, "micro_batch_size".length(), "micro_batch_sise");
		editor.doSave(null);
		parsed(editor);
		waitUntil("the marker", () -> {
			try {
				for (IMarker m : editor.file().findMarkers(ConfigProblemMarkers.TYPE, false, IResource.DEPTH_ZERO)) {
					if (m.getAttribute(IMarker.MESSAGE, "").contains("micro_batch_sise")) {
						return true;
					}
				}
				return false;
			} catch (Exception e) {
				throw new AssertionError(e);
			}
		}, 10_000);
		page().activate(editor);
		Predicate<Tree> problems = t -> t.getItemCount() > 0 && t.getItem(0).getText().startsWith("Errors (");
		waitUntil("the Problems view lists the error", () -> find(problems) != null, 10_000);
		Tree tree = find(problems);
		// wide enough for the whole message, the experiment's folder and the file's path and line
		int[] widths = { 612, 88, 180, 440, 170 };
		for (int i = 0; i < Math.min(widths.length, tree.getColumnCount()); i++) {
			tree.getColumn(i).setWidth(widths[i]);
		}
		for (TreeItem group : tree.getItems()) {
			Event expand = new Event();
			expand.item = group;
			tree.notifyListeners(SWT.Expand, expand);
			group.setExpanded(true);
		}
		spin(500);
		editor.setFocus();
		viewer.getTextWidget().setTopIndex(Math.max(0, document.getLineOfOffset(at) - 2));
		viewer.setSelectedRange(at + 5, 0);
		ITextOperationTarget operations = (ITextOperationTarget) viewer;
		viewer.getTextWidget().getDisplay().asyncExec(() -> operations.doOperation(ISourceViewer.QUICK_ASSIST));
		waitUntil("the quick fix popup", () -> popups() >= 1, 10_000);
		spin(1000);
		screenshot("editor-problems.png");
	}

	@Test
	void colouringOutlineAndFolding(@TempDir Path temp) throws Exception {
		ConfigEditor editor = openExperimentConfig(temp);
		page().showView(IPageLayout.ID_OUTLINE);
		page().activate(editor);
		waitUntil("the outline", () -> editor.outlinePage() != null && editor.outlinePage().topLevelLabels().size() == 7,
				10_000);
		minimizeStackOf(CHARTS_VIEW);
		minimizeStackOf(SUMMARY_VIEW);
		Tree outline = editor.outlinePage().viewer().getTree();
		ProjectionViewer viewer = (ProjectionViewer) viewer(editor);
		assertEquals(7, outline.getItemCount());
		String text = viewer.getDocument().get();
		int data = text.indexOf("\ndata:") + 1;
		viewer.getProjectionAnnotationModel().getAnnotationIterator().forEachRemaining(a -> {
			int offset = viewer.getProjectionAnnotationModel().getPosition(a).getOffset();
			if (offset == data || offset == 0) { // the data section and the comment lines at the top
				viewer.getProjectionAnnotationModel().collapse(a);
			}
		});
		int[] collapsed = { 0 };
		viewer.getProjectionAnnotationModel().getAnnotationIterator().forEachRemaining(a -> {
			if (((ProjectionAnnotation) a).isCollapsed()) {
				collapsed[0]++;
			}
		});
		assertEquals(2, collapsed[0]);
		viewer.setSelectedRange(text.indexOf("micro_batch_size"), 0);
		viewer.getTextWidget().setTopIndex(0);
		spin(800);
		screenshot("editor-outline.png");
	}

	/** Visible shells other than the workbench window: completion, its documentation, the quick fix list. */
	private static int popups() {
		Shell window = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell();
		int count = 0;
		for (Shell shell : window.getDisplay().getShells()) {
			if (shell != window && shell.isVisible()) {
				count++;
			}
		}
		return count;
	}

	private static Tree find(Predicate<Tree> wanted) {
		Tree found = find(PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell(), wanted);
		return found;
	}

	private static Tree find(Composite parent, Predicate<Tree> wanted) {
		for (Control child : parent.getChildren()) {
			if (child instanceof Tree tree && child.isVisible() && wanted.test(tree)) {
				return tree;
			}
			if (child instanceof Composite composite) {
				Tree found = find(composite, wanted);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

}
