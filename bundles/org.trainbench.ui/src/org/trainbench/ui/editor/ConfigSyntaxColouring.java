package org.trainbench.ui.editor;

import java.util.List;

import org.eclipse.jface.text.DocumentEvent;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.ITypedRegion;
import org.eclipse.jface.text.Region;
import org.eclipse.jface.text.TextPresentation;
import org.eclipse.jface.text.presentation.IPresentationDamager;
import org.eclipse.jface.text.presentation.IPresentationRepairer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.RGB;
import org.trainbench.dsl.parser.YamlTokenizer;
import org.trainbench.dsl.parser.YamlTokenizer.Kind;
import org.trainbench.dsl.parser.YamlTokenizer.Token;
import org.trainbench.engine.config.yaml.ScalarResolution;

/**
 * Syntax colouring of a config from the language's own tokenizer ({@link YamlTokenizer}, the one
 * the parser uses), so that the editor colours a key exactly where the parser sees one; plain
 * scalars are typed with the engine's YAML 1.1 rules ({@link ScalarResolution}), so that
 * {@code no} shows as a boolean and {@code 1e-5} as text, as Fast-LLM reads them.
 *
 * <p>The damage is always the whole document: YAML tokens depend on what precedes them (inside a
 * flow collection or not, key or value), and configs are a few hundred lines (the cost on much
 * larger files has not been measured).
 */
public final class ConfigSyntaxColouring implements IPresentationDamager, IPresentationRepairer {

	/** The colour and font style of each kind of token; semantic styles are in {@link ConfigSemanticColouring}. */
	public enum Style {
		KEY(new RGB(0, 70, 140), SWT.BOLD),
		SCALAR(new RGB(30, 100, 30), SWT.NORMAL),
		STRING(new RGB(42, 0, 255), SWT.NORMAL),
		NUMBER(new RGB(150, 40, 150), SWT.NORMAL),
		BOOLEAN(new RGB(127, 0, 85), SWT.BOLD),
		COMMENT(new RGB(110, 120, 110), SWT.ITALIC),
		DASH(new RGB(190, 95, 0), SWT.BOLD);

		public final RGB rgb;
		public final int fontStyle;

		Style(RGB rgb, int fontStyle) {
			this.rgb = rgb;
			this.fontStyle = fontStyle;
		}

		StyleRange range(int offset, int length) {
			return new StyleRange(offset, length, new Color(rgb), null, fontStyle);
		}
	}

	private IDocument document;

	@Override
	public void setDocument(IDocument document) {
		this.document = document;
	}

	@Override
	public IRegion getDamageRegion(ITypedRegion partition, DocumentEvent event, boolean documentPartitioningChanged) {
		return new Region(0, event.getDocument().getLength());
	}

	@Override
	public void createPresentation(TextPresentation presentation, ITypedRegion damage) {
		String text = document.get();
		int from = damage.getOffset();
		int to = damage.getOffset() + damage.getLength();
		List<Token> tokens = YamlTokenizer.tokenize(text);
		for (int i = 0; i < tokens.size(); i++) {
			Token token = tokens.get(i);
			if (token.end() <= from || token.start() >= to) {
				continue;
			}
			Style style = style(text, tokens, i);
			if (style != null) {
				int start = Math.max(from, token.start());
				int end = Math.min(to, token.end());
				presentation.addStyleRange(style.range(start, end - start));
			}
		}
	}

	/** The style of token {@code i}, or null for punctuation, whitespace and unsupported text (that is annotated). */
	static Style style(String text, List<Token> tokens, int i) {
		Token token = tokens.get(i);
		return switch (token.kind()) {
			case COMMENT -> Style.COMMENT;
			case DASH -> Style.DASH;
			case PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED -> {
				if (isKey(tokens, i)) {
					yield Style.KEY;
				}
				if (token.kind() != Kind.PLAIN) {
					yield Style.STRING;
				}
				yield switch (ScalarResolution.kind(text.substring(token.start(), token.end()))) {
					case INTEGER, FLOAT -> Style.NUMBER;
					case BOOLEAN, NULL -> Style.BOOLEAN;
					default -> Style.SCALAR;
				};
			}
			default -> null;
		};
	}

	/** A scalar is a key when the next token, spaces on the same line aside, is the ':' indicator. */
	private static boolean isKey(List<Token> tokens, int i) {
		int next = i + 1;
		if (next < tokens.size() && tokens.get(next).kind() == Kind.WHITESPACE
				&& tokens.get(next).line() == tokens.get(i).line() && next + 1 < tokens.size()
				&& tokens.get(next + 1).line() == tokens.get(i).line()) {
			next++;
		}
		return next < tokens.size() && tokens.get(next).kind() == Kind.COLON;
	}
}
