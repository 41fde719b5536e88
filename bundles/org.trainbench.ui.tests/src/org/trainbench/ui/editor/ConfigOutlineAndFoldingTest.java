package org.trainbench.ui.editor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.ui.editor.EditorWorkbench.document;
import static org.trainbench.ui.editor.EditorWorkbench.example;
import static org.trainbench.ui.editor.EditorWorkbench.open;
import static org.trainbench.ui.editor.EditorWorkbench.page;
import static org.trainbench.ui.editor.EditorWorkbench.parsed;
import static org.trainbench.ui.editor.EditorWorkbench.viewer;
import static org.trainbench.ui.editor.EditorWorkbench.waitUntil;
import static org.trainbench.ui.editor.EditorWorkbench.workspaceFile;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.Position;
import org.eclipse.jface.text.source.Annotation;
import org.eclipse.jface.text.source.projection.ProjectionAnnotation;
import org.eclipse.jface.text.source.projection.ProjectionAnnotationModel;
import org.eclipse.jface.text.source.projection.ProjectionViewer;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IPageLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trainbench.dsl.ide.outline.ConfigOutline.OutlineNode;

class ConfigOutlineAndFoldingTest {

	private static final List<String> SECTIONS = List.of("training", "batch", "data", "optimizer", "pretrained", "model", "run");

	@AfterEach
	void closeEditors() throws Exception {
		page().closeAllEditors(false);
		EditorWorkbench.deleteTestProjects();
	}

	@Test
	void theOutlineListsTheTopLevelSectionsFollowsEditsAndTheCaretAndRevealsTheChosenKey() throws Exception {
		String text = Files.readString(example("llama-3.1-8b-sft-train.yaml"));
		ConfigEditor editor = open(workspaceFile("editor-outline", "sft.yaml", text));
		page().showView(IPageLayout.ID_OUTLINE);
		page().activate(editor);
		parsed(editor);
		waitUntil("the outline shows the sections",
				() -> editor.outlinePage() != null && editor.outlinePage().topLevelLabels().size() == SECTIONS.size(), 10_000);
		ConfigOutlinePage outline = editor.outlinePage();
		assertEquals(SECTIONS, outline.topLevelLabels().stream().map(l -> l.split(" ")[0]).toList());
		assertEquals("batch  4 keys", outline.topLevelLabels().get(1));

		TreeItem model = outline.viewer().getTree().getItem(5);
		outline.viewer().setSelection(new StructuredSelection(model.getData()), true);
		int modelKey = text.indexOf("\nmodel:") + 1;
		assertEquals(modelKey, viewer(editor).getSelectedRange().x);
		assertEquals("model".length(), viewer(editor).getSelectedRange().y);

		// the outline follows the caret to the innermost key it is in
		viewer(editor).setSelectedRange(text.indexOf("4096"), 0);
		waitUntil("the outline selects sequence_length", () -> selected(outline).equals("sequence_length"), 10_000);
		viewer(editor).setSelectedRange(text.indexOf("type: loss") + 2, 0);
		waitUntil("the outline selects the evaluator's type", () -> selected(outline).equals("type"), 10_000);

		IDocument document = document(editor);
		document.replace(document.getLength(), 0, "callbacks:\n  wandb: {}\n");
		waitUntil("the outline shows the added section",
				() -> outline.topLevelLabels().size() == SECTIONS.size() + 1, 10_000);
		assertEquals("callbacks  1 key", outline.topLevelLabels().get(SECTIONS.size()));
	}

	private static String selected(ConfigOutlinePage outline) {
		Object first = ((StructuredSelection) outline.viewer().getStructuredSelection()).getFirstElement();
		return first instanceof OutlineNode node ? node.name() : "";
	}

	@Test
	void eachTopLevelSectionFoldsFromItsKeyLineToTheNextSection() throws Exception {
		String text = Files.readString(example("llama-3.1-8b-sft-train.yaml"));
		ConfigEditor editor = open(workspaceFile("editor-folding", "sft.yaml", text));
		IDocument document = document(editor);
		parsed(editor);
		ProjectionViewer viewer = (ProjectionViewer) viewer(editor);
		ProjectionAnnotationModel model = viewer.getProjectionAnnotationModel();
		assertNotNull(model);

		List<Position> folds = new ArrayList<>();
		List<Annotation> annotations = new ArrayList<>();
		model.getAnnotationIterator().forEachRemaining(a -> {
			annotations.add(a);
			folds.add(model.getPosition(a));
		});
		for (int i = 0; i < SECTIONS.size(); i++) {
			int start = text.startsWith(SECTIONS.get(i) + ":") ? 0 : text.indexOf("\n" + SECTIONS.get(i) + ":") + 1;
			int end = i + 1 < SECTIONS.size() ? text.indexOf("\n" + SECTIONS.get(i + 1) + ":") + 1 : document.getLength();
			assertTrue(folds.contains(new Position(start, end - start)),
					SECTIONS.get(i) + " [" + start + ", " + end + ") not among " + folds);
		}
		// the five comment lines at the top fold too
		assertTrue(folds.contains(new Position(0, text.indexOf("\ntraining:") + 1)), folds.toString());

		int trainingStart = text.indexOf("\ntraining:") + 1;
		int trainingLines = document.getLineOfOffset(text.indexOf("\nbatch:") + 1) - document.getLineOfOffset(trainingStart);
		ProjectionAnnotation training = (ProjectionAnnotation) annotations.get(folds.indexOf(
				new Position(trainingStart, text.indexOf("\nbatch:") + 1 - trainingStart)));
		int linesBefore = viewer.getTextWidget().getLineCount();
		model.collapse(training);
		assertTrue(training.isCollapsed());
		assertEquals(linesBefore - (trainingLines - 1), viewer.getTextWidget().getLineCount());
	}
}
