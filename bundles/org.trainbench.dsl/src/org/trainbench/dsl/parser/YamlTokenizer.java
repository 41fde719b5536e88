package org.trainbench.dsl.parser;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the text of a config into the tokens of the YAML subset that Trainbench reads.
 *
 * <p>YAML's lexical rules depend on context, which an ANTLR lexer generated from terminal
 * rules cannot express: a plain scalar may contain spaces and ':' ({@code path: s3://b/x y}),
 * ':' ends a key only when a space or line end follows, '#' starts a comment only after a
 * space, and ',' '[' ']' '{' '}' end a scalar only inside a flow collection. So the lexers of
 * the runtime and content-assist parsers delegate here.
 *
 * <p>Everything outside the subset becomes one {@link Kind#UNSUPPORTED} token with the reason,
 * worded as the engine's YamlParser words it. The token swallows what belongs to the problem (the
 * value after an anchor, the lines of a block scalar, the rest of a line after a complete value)
 * so that one error is reported and the rest of the document still parses: anchors, aliases,
 * tags, merge keys, block scalars, explicit keys, directives, more than one document, reserved
 * indicators, quoted scalars not closed on their line, tabs outside quotes and comments (PyYAML
 * rejects those), text after a complete value, a sequence on its key's line, a ':' without key.
 */
public final class YamlTokenizer {

	public enum Kind {
		PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED, COLON, DASH, COMMA, LEFT_BRACKET, RIGHT_BRACKET,
		LEFT_BRACE, RIGHT_BRACE, WHITESPACE, COMMENT, UNSUPPORTED,
		/** A "---" line before any content: allowed, as PyYAML reads a single document that way. */
		DOCUMENT_START
	}

	/**
	 * A token: {@code [start, end)} character offsets, 1-based line, 0-based column, and for
	 * {@link Kind#UNSUPPORTED} what is wrong and what to write instead.
	 */
	public record Token(Kind kind, int start, int end, int line, int column, String problem) {
		public int length() {
			return end - start;
		}
	}

	/** Deepest nesting of flow collections, as in the engine's parser. */
	public static final int MAX_FLOW_DEPTH = 100;

	private static final String ANCHOR = "anchors (`&name`) are not supported: write the value out in full";
	private static final String ALIAS = "aliases (`*name`) are not supported: write the value out in full";
	private static final String TAG = "tags (`!type`) are not supported: remove the tag";
	private static final String MERGE_KEY = "merge keys (`<<`) are not supported: write the keys out in full";
	private static final String BLOCK_SCALAR = "block scalars (`|`, `>`) are not supported: write the value on one"
			+ " line, quoted if needed";
	private static final String EXPLICIT_KEY = "explicit keys (`? key`) are not supported: write `key: value`";
	private static final String DIRECTIVE = "directives (`%YAML`, `%TAG`) are not supported: remove the line";
	private static final String SEVERAL_DOCUMENTS = "several documents in one file (`---`, `...`) are not supported:"
			+ " one config per file";
	private static final String CONTENT_ON_MARKER = "content on the `---` line is not supported: start it on the"
			+ " next line";
	private static final String TAB = "a tab character: YAML configs may use tabs only inside quotes or comments;"
			+ " use spaces";
	private static final String MISSING_KEY = "missing key before `:`";
	private static final String COLON_OFF_KEY_LINE = "the `:` must be on the same line as its key";
	private static final String TEXT_AFTER_VALUE = "unexpected text after the value: quote the whole value, or start"
			+ " a new line";
	private static final String SEQUENCE_ON_KEY_LINE = "a sequence cannot start on the line of its key; put `- item`"
			+ " on the next lines, or write a flow sequence `[a, b]`";
	private static final String COMMENT_WITHOUT_SPACE = "a comment needs a space before `#`";
	private static final String TOO_DEEP = "collections are nested more than " + MAX_FLOW_DEPTH + " levels deep";

	private final String text;
	private final List<Token> tokens = new ArrayList<>();
	private int pos;
	private int line = 1;
	private int lineStart;
	private int flowDepth;
	private boolean contentSeen;
	/** The last token that is not whitespace or a comment, or null. */
	private Token lastSignificant;

	private YamlTokenizer(String text) {
		this.text = text;
	}

	public static List<Token> tokenize(String text) {
		YamlTokenizer tokenizer = new YamlTokenizer(text);
		tokenizer.run();
		return tokenizer.tokens;
	}

	private void run() {
		while (pos < text.length()) {
			char c = text.charAt(pos);
			int start = pos;
			if (c == ' ' || c == '\r' || c == '\n' || (c == '\uFEFF' && start == 0)) {
				whitespace();
				continue;
			}
			if (c == '\t') {
				while (pos < text.length() && text.charAt(pos) == '\t') {
					pos++;
				}
				unsupported(start, TAB);
				continue;
			}
			if (c == '#') {
				if (flowDepth == 0 && start > lineStart && text.charAt(start - 1) != ' ') {
					toCommentOrLineEnd();
					unsupported(start, COMMENT_WITHOUT_SPACE);
				} else {
					toLineEnd();
					add(Kind.COMMENT, start);
				}
				continue;
			}
			if (flowDepth == 0 && afterValueOnThisLine() && !(c == ':' && isBlankOrEnd(pos + 1))) {
				toCommentOrLineEnd();
				unsupported(start, TEXT_AFTER_VALUE);
				continue;
			}
			token(c, start);
		}
	}

	private void token(char c, int start) {
		switch (c) {
			case '[', '{' -> {
				pos++;
				if (flowDepth == MAX_FLOW_DEPTH) {
					unsupported(start, TOO_DEEP);
					return;
				}
				flowDepth++;
				add(c == '[' ? Kind.LEFT_BRACKET : Kind.LEFT_BRACE, start);
			}
			case ']', '}' -> {
				pos++;
				flowDepth = Math.max(0, flowDepth - 1);
				add(c == ']' ? Kind.RIGHT_BRACKET : Kind.RIGHT_BRACE, start);
			}
			case ',' -> {
				pos++;
				add(Kind.COMMA, start);
			}
			case '"', '\'' -> quoted(c, start);
			case ':' -> colon(start);
			case '-' -> dash(start);
			case '.' -> {
				if (start == lineStart && text.startsWith("...", pos) && isBlankOrEnd(pos + 3)) {
					pos += 3;
					unsupported(start, SEVERAL_DOCUMENTS);
				} else {
					plain(start);
				}
			}
			case '?' -> {
				if (flowDepth > 0 || isBlankOrEnd(pos + 1)) {
					pos++;
					toCommentOrLineEnd();
					unsupported(start, EXPLICIT_KEY);
				} else {
					plain(start);
				}
			}
			case '&', '*', '!' -> property(start, c == '&' ? ANCHOR : c == '*' ? ALIAS : TAG);
			case '|', '>' -> blockScalar(start);
			case '%' -> {
				toCommentOrLineEnd();
				unsupported(start, DIRECTIVE);
			}
			case '@', '`' -> {
				toCommentOrLineEnd();
				unsupported(start, "`" + c + "` is reserved in YAML and cannot start a value: quote the value");
			}
			case '<' -> {
				if (text.startsWith("<<:", pos)) {
					toCommentOrLineEnd();
					unsupported(start, MERGE_KEY);
				} else {
					plain(start);
				}
			}
			default -> plain(start);
		}
	}

	private void colon(int start) {
		boolean indicator = isBlankOrEnd(pos + 1)
				|| (flowDepth > 0 && (isFlowIndicator(pos + 1) || lastIsQuotedEndingAt(start)));
		boolean keyMissing = flowDepth > 0 ? !indicator || lastIsOneOf(Kind.LEFT_BRACE, Kind.LEFT_BRACKET, Kind.COMMA)
				: indicator && onlySpacesBefore(start);
		if (keyMissing) {
			pos++;
			unsupported(start, MISSING_KEY);
		} else if (indicator && flowDepth > 0 && lastSignificant != null && lastSignificant.line() != line) {
			pos++;
			unsupported(start, COLON_OFF_KEY_LINE);
		} else if (indicator) {
			pos++;
			add(Kind.COLON, start);
		} else {
			plain(start);
		}
	}

	private void dash(int start) {
		if (start == lineStart && text.startsWith("---", pos) && isBlankOrEnd(pos + 3)) {
			pos += 3;
			if (!contentSeen && restOfLineIsBlankOrComment(pos)) {
				add(Kind.DOCUMENT_START, start);
			} else {
				boolean first = !contentSeen;
				toCommentOrLineEnd();
				unsupported(start, first ? CONTENT_ON_MARKER : SEVERAL_DOCUMENTS);
			}
			return;
		}
		boolean indicator = isBlankOrEnd(pos + 1) || (flowDepth > 0 && isFlowIndicator(pos + 1));
		if (!indicator) {
			plain(start);
		} else if (flowDepth == 0 && lastSignificant != null && lastSignificant.kind() == Kind.COLON
				&& lastSignificant.line() == line) {
			pos++;
			unsupported(start, SEQUENCE_ON_KEY_LINE);
		} else {
			pos++;
			add(Kind.DASH, start);
		}
	}

	/** A run of spaces and line breaks (and a byte order mark at the very start). */
	private void whitespace() {
		int start = pos;
		while (pos < text.length()) {
			char c = text.charAt(pos);
			if (c == '\n') {
				pos++;
				line++;
				lineStart = pos;
			} else if (c == ' ' || c == '\r' || (c == '\uFEFF' && pos == 0)) {
				pos++;
			} else {
				break;
			}
		}
		tokens.add(new Token(Kind.WHITESPACE, start, pos, lineOf(start), start - lineStartOf(start), null));
	}

	/** A quoted scalar must close on its line; a backslash escapes in double quotes, '' in single quotes. */
	private void quoted(char quote, int start) {
		pos++;
		while (pos < text.length()) {
			char c = text.charAt(pos);
			if (c == '\n' || c == '\r') {
				break;
			}
			if (quote == '"' && c == '\\' && pos + 1 < text.length()) {
				pos += 2;
			} else if (c == quote && quote == '\'' && pos + 1 < text.length() && text.charAt(pos + 1) == '\'') {
				pos += 2;
			} else if (c == quote) {
				pos++;
				add(quote == '"' ? Kind.DOUBLE_QUOTED : Kind.SINGLE_QUOTED, start);
				return;
			} else {
				pos++;
			}
		}
		pos = Math.min(pos, lineEndOf(start));
		unsupported(start, "this quoted string is not closed on its line: add the closing " + quote
				+ " (strings that span lines are not supported)");
	}

	/**
	 * A plain scalar runs to the end of the line, to ": ", to " #", to a tab, and inside flow
	 * collections to a flow indicator or '?'; trailing spaces are not part of it.
	 */
	private void plain(int start) {
		scanPlain(start);
		add(Kind.PLAIN, start);
	}

	private void scanPlain(int start) {
		int lastNonBlank = pos;
		while (pos < text.length()) {
			char c = text.charAt(pos);
			if (c == '\n' || c == '\r' || c == '\t') {
				break;
			}
			if (c == ':' && (isBlankOrEnd(pos + 1) || (flowDepth > 0 && isFlowIndicator(pos + 1)))) {
				break;
			}
			if (c == '#' && pos > start && text.charAt(pos - 1) == ' ') {
				break;
			}
			if (flowDepth > 0 && (isFlowIndicator(pos) || (c == '?' && pos > start))) {
				break;
			}
			pos++;
			if (c != ' ') {
				lastNonBlank = pos;
			}
		}
		pos = lastNonBlank;
	}

	/** "&a value", "*a", "!!str value": the token takes a plain value along, so that it is not read as the next key. */
	private void property(int start, String problem) {
		pos++;
		while (!isBlankOrEnd(pos) && !isFlowIndicator(pos)) {
			pos++;
		}
		int afterProperty = pos;
		while (pos < text.length() && text.charAt(pos) == ' ') {
			pos++;
		}
		if (pos < text.length() && canStartPlain(text.charAt(pos))) {
			scanPlain(pos);
		} else {
			pos = afterProperty;
		}
		unsupported(start, problem);
	}

	/**
	 * The indicator line of a block scalar and every following line that is blank or indented
	 * deeper than the indicator's line: the whole scalar is one error.
	 */
	private void blockScalar(int start) {
		int ownIndent = indentationOf(lineStart);
		int tokenLine = line;
		int tokenColumn = start - lineStart;
		toLineEnd();
		while (pos < text.length()) {
			int next = text.indexOf('\n', pos);
			if (next < 0) {
				break;
			}
			int nextLineStart = next + 1;
			int nextLineEnd = lineEndOf(nextLineStart);
			boolean blank = text.substring(nextLineStart, nextLineEnd).isBlank();
			if (!blank && indentationOf(nextLineStart) <= ownIndent) {
				break;
			}
			pos = nextLineStart;
			line++;
			lineStart = nextLineStart;
			toLineEnd();
		}
		Token token = new Token(Kind.UNSUPPORTED, start, pos, tokenLine, tokenColumn, BLOCK_SCALAR);
		tokens.add(token);
		contentSeen = true;
	}

	private boolean afterValueOnThisLine() {
		if (lastSignificant == null || lastSignificant.line() != line) {
			return false;
		}
		return switch (lastSignificant.kind()) {
			case PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED, RIGHT_BRACKET, RIGHT_BRACE -> true;
			default -> false;
		};
	}

	private boolean lastIsQuotedEndingAt(int offset) {
		return lastSignificant != null && lastSignificant.end() == offset
				&& lastIsOneOf(Kind.SINGLE_QUOTED, Kind.DOUBLE_QUOTED);
	}

	private boolean lastIsOneOf(Kind... kinds) {
		if (lastSignificant == null) {
			return false;
		}
		for (Kind kind : kinds) {
			if (lastSignificant.kind() == kind) {
				return true;
			}
		}
		return false;
	}

	private int indentationOf(int offset) {
		int i = offset;
		while (i < text.length() && text.charAt(i) == ' ') {
			i++;
		}
		return i - offset;
	}

	private boolean onlySpacesBefore(int offset) {
		return lineStart + indentationOf(lineStart) == offset;
	}

	private void toLineEnd() {
		pos = lineEndOf(pos);
	}

	private int lineEndOf(int offset) {
		int i = offset;
		while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
			i++;
		}
		return i;
	}

	/** To the end of the line or the start of a comment, trailing blanks excluded. */
	private void toCommentOrLineEnd() {
		int lastNonBlank = pos;
		while (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
			char c = text.charAt(pos);
			if (c == '#' && pos > 0 && text.charAt(pos - 1) == ' ') {
				break;
			}
			pos++;
			if (c != ' ' && c != '\t') {
				lastNonBlank = pos;
			}
		}
		pos = lastNonBlank;
	}

	private boolean restOfLineIsBlankOrComment(int from) {
		int i = from;
		while (i < text.length() && text.charAt(i) == ' ') {
			i++;
		}
		return i >= text.length() || text.charAt(i) == '\n' || text.charAt(i) == '\r' || text.charAt(i) == '#';
	}

	/** Whether a plain scalar may start with {@code c} (indicators other than '-', '?', ':' may not). */
	private static boolean canStartPlain(char c) {
		return switch (c) {
			case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', '\n', '\r', '\t' -> false;
			default -> true;
		};
	}

	private boolean isBlankOrEnd(int at) {
		if (at >= text.length()) {
			return true;
		}
		char c = text.charAt(at);
		return c == ' ' || c == '\t' || c == '\n' || c == '\r';
	}

	private boolean isFlowIndicator(int at) {
		if (at >= text.length()) {
			return false;
		}
		char c = text.charAt(at);
		return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
	}

	private void add(Kind kind, int start) {
		Token token = new Token(kind, start, pos, line, start - lineStart, null);
		tokens.add(token);
		if (kind != Kind.DOCUMENT_START) {
			contentSeen = true;
			lastSignificant = token;
		}
	}

	private void unsupported(int start, String problem) {
		tokens.add(new Token(Kind.UNSUPPORTED, start, pos, line, start - lineStart, problem));
		contentSeen = true;
	}

	// Only whitespace and block scalars span lines; whitespace looks back for its first line.
	private int lineOf(int offset) {
		int l = line;
		for (int i = lineStart - 1; i >= offset; i--) {
			if (text.charAt(i) == '\n') {
				l--;
			}
		}
		return l;
	}

	private int lineStartOf(int offset) {
		int i = Math.min(offset, text.length()) - 1;
		while (i >= 0 && text.charAt(i) != '\n') {
			i--;
		}
		return i + 1;
	}
}
