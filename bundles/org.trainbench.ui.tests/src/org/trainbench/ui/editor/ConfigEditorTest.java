package org.trainbench.ui.editor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.contentassist.ICompletionProposal;
import org.eclipse.jface.text.source.Annotation;
import org.eclipse.jface.text.source.IAnnotationModel;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IEditorPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigEditorTest {

	@Test
	void aMisspelledKeyIsAnnotatedCompletedAndFixed(@TempDir Path temp) throws Exception {
		Path example = Path.of(System.getProperty("user.dir")).resolve("../../examples/llama-3.1-8b-sft-train.yaml").normalize();
		Path file = temp.resolve("sft.yaml");
		Files.copy(example, file);
		IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
		IEditorPart part = IDE.openEditorOnFileStore(page, EFS.getLocalFileSystem().getStore(file.toUri()));
		ConfigEditor editor = assertInstanceOf(ConfigEditor.class, part);
		ISourceViewer viewer = (ISourceViewer) editor.getAdapter(ITextViewer.class);
		IDocument document = viewer.getDocument();

		int at = document.get().indexOf("micro_batch_size");
		document.replace(at, "micro_batch_size".length(), "micro_batch_sise");
		waitUntil(() -> unknownKeyAnnotations(viewer.getAnnotationModel()).size() == 1);

		int insideBatch = document.get().indexOf("\n", at) + 3;
		ICompletionProposal[] proposals = editor.configuration().new CompletionProcessor()
				.computeCompletionProposals(viewer, insideBatch);
		assertTrue(Arrays.stream(proposals).anyMatch(// micro_batch_size is missing from batch: while it is misspelled
				p -> p.getDisplayString().startsWith("micro_batch_size")
				&& p.getAdditionalProposalInfo() != null && !p.getAdditionalProposalInfo().isBlank()),
				Arrays.stream(proposals).map(ICompletionProposal::getDisplayString).toList().toString());

		// The hover of the misspelled key says its problem and fix; a hover's Markdown is drawn, not shown raw.
		org.eclipse.jface.text.ITextHover hover = editor.configuration().getTextHover(viewer, IDocument.DEFAULT_CONTENT_TYPE);
		String onTypo = hover.getHoverInfo(viewer, new org.eclipse.jface.text.Region(at + 3, 0));
		assertTrue(onTypo != null && onTypo.contains("micro_batch_sise") && onTypo.contains("Quick fix (Ctrl+1): ")
				&& onTypo.contains("micro_batch_size"), String.valueOf(onTypo));
		int known = document.get().indexOf("sequence_length");
		String onKey = hover.getHoverInfo(viewer, new org.eclipse.jface.text.Region(known + 3, 0));
		assertTrue(onKey != null && onKey.startsWith("<b>") && onKey.contains("sequence_length</b>")
				&& !onKey.contains("**") && !onKey.contains("`"), String.valueOf(onKey));

		viewer.setSelectedRange(at + 3, 0);
		ICompletionProposal[] fixes = editor.configuration().new FixProcessor()
				.computeQuickAssistProposals(new org.eclipse.jface.text.quickassist.IQuickAssistInvocationContext() {
					public int getOffset() { return at + 3; }
					public int getLength() { return 0; }
					public ISourceViewer getSourceViewer() { return viewer; }
				});
		ICompletionProposal fix = Arrays.stream(fixes).filter(p -> p.getDisplayString().contains("micro_batch_size"))
				.findFirst().orElseThrow(() -> new AssertionError(Arrays.toString(fixes)));
		fix.apply(document);
		// The caret stays at the fix: after the corrected key, not somewhere further down the file.
		assertTrue(fix.getSelection(document).x == at + "micro_batch_size".length(), fix.getSelection(document) + " for " + at);
		assertTrue(document.get().contains("micro_batch_size"));
		assertFalse(document.get().contains("micro_batch_sise"));
		waitUntil(() -> unknownKeyAnnotations(viewer.getAnnotationModel()).isEmpty());
		editor.close(false);
	}

	private static List<Annotation> unknownKeyAnnotations(IAnnotationModel model) {
		List<Annotation> found = new ArrayList<>();
		model.getAnnotationIterator().forEachRemaining(a -> {
			// the editor's own annotations; the Problems view's markers have invisible annotations in the model too
			if (a instanceof ConfigSourceViewerConfiguration.IssueAnnotation && a.getText() != null
					&& a.getText().contains("micro_batch_sise")) {
				found.add(a);
			}
		});
		return found;
	}

	private static void waitUntil(BooleanSupplier condition) {
		Display display = Display.getCurrent();
		long end = System.currentTimeMillis() + 10_000;
		while (!condition.getAsBoolean()) {
			if (System.currentTimeMillis() > end) {
				throw new AssertionError("condition not reached in 10 s");
			}
			if (!display.readAndDispatch()) {
				display.timerExec(20, () -> { });
				display.sleep();
			}
		}
	}
}
