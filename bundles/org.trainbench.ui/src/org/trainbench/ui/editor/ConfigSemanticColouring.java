package org.trainbench.ui.editor;

import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.ITextPresentationListener;
import org.eclipse.jface.text.Position;
import org.eclipse.jface.text.TextPresentation;
import org.eclipse.jface.text.source.IAnnotationModel;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.RGB;
import org.trainbench.engine.config.check.IssueCodes;
import org.trainbench.ui.editor.ConfigSourceViewerConfiguration.IssueAnnotation;

/**
 * Semantic colouring: what the schema says about a key, laid over the syntax colours. A key the
 * schema does not know at its place is red italic, a legacy key (Fast-LLM still reads it, but it
 * has a replacement) is struck through. The facts come from the engine's diagnostics of the last
 * validation (unknown-key, legacy-key), so the editor never keeps a second copy of the schema;
 * their ranges are read from the annotations, whose positions follow the edits made since.
 */
final class ConfigSemanticColouring implements ITextPresentationListener {

	/** Styles merged over a key's syntax style (foreground and font style replace, strike-out adds). */
	enum Style {
		UNKNOWN_KEY(new RGB(200, 0, 0), SWT.BOLD | SWT.ITALIC, false),
		LEGACY_KEY(new RGB(150, 110, 0), SWT.BOLD, true);

		final RGB rgb;
		final int fontStyle;
		final boolean strikeout;

		Style(RGB rgb, int fontStyle, boolean strikeout) {
			this.rgb = rgb;
			this.fontStyle = fontStyle;
			this.strikeout = strikeout;
		}

		static Style of(String issueCode) {
			if (IssueCodes.UNKNOWN_KEY.equals(issueCode)) {
				return UNKNOWN_KEY;
			}
			if (IssueCodes.LEGACY_KEY.equals(issueCode)) {
				return LEGACY_KEY;
			}
			return null;
		}
	}

	private final ISourceViewer viewer;

	ConfigSemanticColouring(ISourceViewer viewer) {
		this.viewer = viewer;
	}

	@Override
	public void applyTextPresentation(TextPresentation presentation) {
		IAnnotationModel model = viewer.getAnnotationModel();
		if (model == null) {
			return;
		}
		IRegion extent = presentation.getExtent();
		int documentLength = viewer.getDocument() == null ? 0 : viewer.getDocument().getLength();
		model.getAnnotationIterator().forEachRemaining(annotation -> {
			if (!(annotation instanceof IssueAnnotation issue)) {
				return;
			}
			Style style = Style.of(issue.issue().getCode());
			Position position = model.getPosition(annotation);
			if (style == null || position == null || position.isDeleted() || position.getLength() == 0) {
				return;
			}
			int start = Math.max(position.getOffset(), extent.getOffset());
			int end = Math.min(Math.min(position.getOffset() + position.getLength(), documentLength),
					extent.getOffset() + extent.getLength());
			if (start < end) {
				StyleRange range = new StyleRange(start, end - start, new Color(style.rgb), null);
				range.fontStyle = style.fontStyle;
				range.strikeout = style.strikeout;
				presentation.replaceStyleRange(range);
			}
		});
	}
}
