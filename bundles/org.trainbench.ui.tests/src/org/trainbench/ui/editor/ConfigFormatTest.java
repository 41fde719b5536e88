package org.trainbench.ui.editor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.ui.editor.EditorWorkbench.document;
import static org.trainbench.ui.editor.EditorWorkbench.open;
import static org.trainbench.ui.editor.EditorWorkbench.page;
import static org.trainbench.ui.editor.EditorWorkbench.workspaceFile;

import java.util.Arrays;

import org.eclipse.jface.bindings.keys.KeySequence;
import org.eclipse.ui.handlers.IHandlerService;
import org.eclipse.ui.keys.IBindingService;
import org.eclipse.ui.texteditor.ITextEditorActionConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfigFormatTest {

	private static final String MESSY = """
			training:
			    train_iters: 100
			    logs:
			          interval: 10
			batch:
			   micro_batch_size:    1
			   batch_size: 2
			""";
	private static final String FORMATTED = """
			training:
			  train_iters: 100
			  logs:
			    interval: 10
			batch:
			  micro_batch_size: 1
			  batch_size: 2
			""";

	@AfterEach
	void closeEditors() throws Exception {
		page().closeAllEditors(false);
		EditorWorkbench.deleteTestProjects();
	}

	@Test
	void ctrlShiftFFormatsTheConfigAndOneUndoRestoresIt() throws Exception {
		ConfigEditor editor = open(workspaceFile("editor-format", "messy.yaml", MESSY));
		page().activate(editor);

		IBindingService bindings = editor.getSite().getService(IBindingService.class);
		assertTrue(Arrays.asList(bindings.getActiveBindingsFor(ConfigEditor.FORMAT_COMMAND))
				.contains(KeySequence.getInstance("M1+M2+F")),
				Arrays.toString(bindings.getActiveBindingsFor(ConfigEditor.FORMAT_COMMAND)));

		editor.getSite().getService(IHandlerService.class).executeCommand(ConfigEditor.FORMAT_COMMAND, null);
		assertEquals(FORMATTED, document(editor).get());
		assertTrue(editor.isDirty());

		editor.getAction(ITextEditorActionConstants.UNDO).run();
		assertEquals(MESSY, document(editor).get());
	}
}
