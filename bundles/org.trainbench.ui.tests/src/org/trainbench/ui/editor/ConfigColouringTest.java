package org.trainbench.ui.editor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.trainbench.ui.editor.EditorWorkbench.document;
import static org.trainbench.ui.editor.EditorWorkbench.open;
import static org.trainbench.ui.editor.EditorWorkbench.page;
import static org.trainbench.ui.editor.EditorWorkbench.parsed;
import static org.trainbench.ui.editor.EditorWorkbench.viewer;
import static org.trainbench.ui.editor.EditorWorkbench.waitUntil;
import static org.trainbench.ui.editor.EditorWorkbench.workspaceFile;

import org.eclipse.jface.text.ITextViewerExtension5;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.graphics.RGB;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trainbench.ui.editor.ConfigSyntaxColouring.Style;

class ConfigColouringTest {

	private static final String CONFIG = """
			# batch shape for one step
			batch:
			  micro_batch_size: 8
			  batch_size: 16
			  cross_document_attention: no
			  micro_batch_sise: 2
			run:
			  experiment_dir: "out/run"
			  tags:
			    - demo
			""";

	@AfterEach
	void closeEditors() throws Exception {
		page().closeAllEditors(false);
		EditorWorkbench.deleteTestProjects();
	}

	@Test
	void keysValuesCommentsAndDashesAreColouredByTheirRoleAndAnUnknownKeyByTheSchema() throws Exception {
		ConfigEditor editor = open(workspaceFile("editor-colouring", "batch.yaml", CONFIG));
		parsed(editor);
		int unknown = CONFIG.indexOf("micro_batch_sise");
		waitUntil("the unknown key is coloured as such",
				() -> ConfigSemanticColouring.Style.UNKNOWN_KEY.rgb.equals(foreground(editor, unknown)), 10_000);

		assertStyle(editor, CONFIG.indexOf("batch:"), Style.KEY.rgb, SWT.BOLD);
		assertStyle(editor, CONFIG.indexOf("micro_batch_size"), Style.KEY.rgb, SWT.BOLD);
		assertStyle(editor, CONFIG.indexOf("8\n"), Style.NUMBER.rgb, SWT.NORMAL);
		assertStyle(editor, CONFIG.indexOf("no\n"), Style.BOOLEAN.rgb, SWT.BOLD);
		assertStyle(editor, CONFIG.indexOf("\"out/run\"") + 3, Style.STRING.rgb, SWT.NORMAL);
		assertStyle(editor, CONFIG.indexOf("step"), Style.COMMENT.rgb, SWT.ITALIC);
		assertStyle(editor, CONFIG.indexOf("- demo"), Style.DASH.rgb, SWT.BOLD);
		assertStyle(editor, CONFIG.indexOf("demo\n"), Style.SCALAR.rgb, SWT.NORMAL);
		assertStyle(editor, unknown + 3, ConfigSemanticColouring.Style.UNKNOWN_KEY.rgb, SWT.BOLD | SWT.ITALIC);
		assertFalse(Style.KEY.rgb.equals(Style.SCALAR.rgb));

		// renamed to a key the schema knows, it is coloured as a key again once re-parsed
		document(editor).replace(unknown, "micro_batch_sise".length(), "sequence_length");
		int renamed = unknown;
		waitUntil("the renamed key is coloured as a known key",
				() -> Style.KEY.rgb.equals(foreground(editor, renamed + 3)), 10_000);
		assertStyle(editor, renamed + 3, Style.KEY.rgb, SWT.BOLD);
	}

	private static void assertStyle(ConfigEditor editor, int offset, RGB rgb, int fontStyle) {
		StyleRange range = range(editor, offset);
		assertEquals(rgb, range == null || range.foreground == null ? null : range.foreground.getRGB(),
				"colour at " + offset + " '" + CONFIG.substring(offset, Math.min(CONFIG.length(), offset + 8)) + "'");
		assertEquals(fontStyle, range.fontStyle, "font style at " + offset);
	}

	private static RGB foreground(ConfigEditor editor, int offset) {
		StyleRange range = range(editor, offset);
		return range == null || range.foreground == null ? null : range.foreground.getRGB();
	}

	private static StyleRange range(ConfigEditor editor, int offset) {
		int widgetOffset = ((ITextViewerExtension5) viewer(editor)).modelOffset2WidgetOffset(offset);
		return viewer(editor).getTextWidget().getStyleRangeAtOffset(widgetOffset);
	}
}
