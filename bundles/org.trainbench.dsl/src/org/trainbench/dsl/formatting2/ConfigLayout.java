package org.trainbench.dsl.formatting2;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.trainbench.dsl.parser.YamlTokenizer;
import org.trainbench.dsl.parser.YamlTokenizer.Kind;
import org.trainbench.dsl.parser.YamlTokenizer.Token;

/**
 * The formatted layout of a config that parses: each block indented two spaces deeper than the
 * key or "- " that opens it, one space after ':', '-' and ',', none inside brackets, no trailing
 * blanks, at most one blank line in a row, one line break at the end. Comments stay, as written,
 * where they are: a comment line takes the indentation of the line it comments (the next one), a
 * trailing comment keeps its distance. Lines inside a flow collection that spans lines move with
 * the line that opens it. A block sequence written at its key's column stays there.
 *
 * <p>The result is computed per line, so that a formatter can replace only the lines that change.
 */
public final class ConfigLayout {

	/** An original line {@code [start, end)} (its line break excluded) and its formatted text; null when it goes. */
	public record Line(int start, int end, String formatted) {
	}

	private record Level(int originalColumn, int targetColumn) {
	}

	private ConfigLayout() {
	}

	/** The formatted text. */
	public static String format(String text) {
		StringBuilder out = new StringBuilder();
		for (Line line : lines(text)) {
			if (line.formatted() != null) {
				out.append(line.formatted()).append('\n');
			}
		}
		return out.toString();
	}

	/** Every line of the text with its formatted form (for a text that parses without errors). */
	public static List<Line> lines(String text) {
		List<int[]> bounds = lineBounds(text);
		List<List<Token>> tokensByLine = new ArrayList<>();
		List<Token> commentByLine = new ArrayList<>();
		for (int i = 0; i < bounds.size(); i++) {
			tokensByLine.add(new ArrayList<>());
			commentByLine.add(null);
		}
		boolean[] startsInFlow = new boolean[bounds.size()];
		int flowDepth = 0;
		int currentLine = 0;
		for (Token token : YamlTokenizer.tokenize(text)) {
			int line = token.line() - 1;
			while (currentLine < line) {
				currentLine++;
				startsInFlow[currentLine] = flowDepth > 0;
			}
			switch (token.kind()) {
				case WHITESPACE -> {
				}
				case COMMENT -> commentByLine.set(line, token);
				default -> {
					tokensByLine.get(line).add(token);
					if (token.kind() == Kind.LEFT_BRACKET || token.kind() == Kind.LEFT_BRACE) {
						flowDepth++;
					} else if ((token.kind() == Kind.RIGHT_BRACKET || token.kind() == Kind.RIGHT_BRACE) && flowDepth > 0) {
						flowDepth--;
					}
				}
			}
		}
		while (currentLine < bounds.size() - 1) {
			currentLine++;
			startsInFlow[currentLine] = flowDepth > 0;
		}

		String[] formatted = new String[bounds.size()];
		int[] shift = new int[bounds.size()];
		Deque<Level> levels = new ArrayDeque<>();
		int flowShift = 0;
		for (int i = 0; i < bounds.size(); i++) {
			List<Token> tokens = tokensByLine.get(i);
			String original = text.substring(bounds.get(i)[0], bounds.get(i)[1]);
			if (startsInFlow[i]) {
				formatted[i] = shifted(original, flowShift);
				continue;
			}
			if (tokens.isEmpty()) {
				continue; // blank or comment-only: decided below, from the next line
			}
			Token first = tokens.getFirst();
			if (first.kind() == Kind.DOCUMENT_START) {
				formatted[i] = body(text, tokens, commentByLine.get(i), new ArrayDeque<>(), 0);
				continue;
			}
			int target = targetColumn(levels, first.column());
			shift[i] = target - first.column();
			flowShift = shift[i];
			formatted[i] = " ".repeat(target) + body(text, tokens, commentByLine.get(i), levels, target);
		}
		// comment-only lines take the indentation of the next line with content
		int next = -1;
		for (int i = bounds.size() - 1; i >= 0; i--) {
			if (formatted[i] != null) {
				next = i;
			} else if (commentByLine.get(i) != null) {
				String comment = commentText(text, commentByLine.get(i));
				int indent = next >= 0 ? indentation(formatted[next]) : commentByLine.get(i).column();
				formatted[i] = " ".repeat(indent) + comment;
			}
		}
		List<Line> result = new ArrayList<>();
		boolean previousBlank = true;
		for (int i = 0; i < bounds.size(); i++) {
			boolean blank = formatted[i] == null;
			boolean lastLines = true;
			for (int j = i; j < bounds.size() && lastLines; j++) {
				lastLines = formatted[j] == null;
			}
			String line = blank ? (previousBlank || lastLines ? null : "") : formatted[i].stripTrailing();
			result.add(new Line(bounds.get(i)[0], bounds.get(i)[1], line));
			previousBlank = blank;
		}
		return result;
	}

	/**
	 * The target column of a line whose content starts at {@code column}: the level it returns to,
	 * or a new level two deeper than the innermost open one.
	 */
	private static int targetColumn(Deque<Level> levels, int column) {
		while (!levels.isEmpty() && column < levels.peek().originalColumn()) {
			levels.pop();
		}
		if (levels.isEmpty()) {
			levels.push(new Level(column, 0));
		} else if (column > levels.peek().originalColumn()) {
			levels.push(new Level(column, levels.peek().targetColumn() + 2));
		}
		return levels.peek().targetColumn();
	}

	/** The tokens of a line with normalized spaces; content after "- " opens a level at its own column. */
	private static String body(String text, List<Token> tokens, Token comment, Deque<Level> levels, int target) {
		StringBuilder out = new StringBuilder();
		int column = target;
		Token previous = null;
		for (Token token : tokens) {
			String space = previous == null ? "" : separator(previous, token);
			if (previous != null && previous.kind() == Kind.DASH) {
				levels.push(new Level(token.column(), column + space.length()));
			}
			out.append(space).append(text, token.start(), token.end());
			column += space.length() + token.length();
			previous = token;
		}
		if (comment != null) {
			int gap = Math.max(1, comment.start() - tokens.getLast().end());
			out.append(" ".repeat(gap)).append(commentText(text, comment));
		}
		return out.toString();
	}

	private static String separator(Token previous, Token token) {
		return switch (token.kind()) {
			case COLON, COMMA, RIGHT_BRACKET, RIGHT_BRACE -> "";
			default -> switch (previous.kind()) {
				case LEFT_BRACKET, LEFT_BRACE -> "";
				case COLON, COMMA, DASH -> " ";
				default -> previous.end() == token.start() ? "" : " ";
			};
		};
	}

	private static String commentText(String text, Token comment) {
		return text.substring(comment.start(), comment.end()).stripTrailing();
	}

	private static String shifted(String line, int shift) {
		if (shift > 0) {
			return " ".repeat(shift) + line;
		}
		int remove = 0;
		while (remove < -shift && remove < line.length() && line.charAt(remove) == ' ') {
			remove++;
		}
		return line.substring(remove);
	}

	private static int indentation(String line) {
		int i = 0;
		while (i < line.length() && line.charAt(i) == ' ') {
			i++;
		}
		return i;
	}

	/** Line bounds, line breaks ("\n", "\r\n") excluded. */
	private static List<int[]> lineBounds(String text) {
		List<int[]> bounds = new ArrayList<>();
		int start = 0;
		while (true) {
			int lf = text.indexOf('\n', start);
			if (lf < 0) {
				int end = text.length();
				if (end > start && text.charAt(end - 1) == '\r') {
					end--;
				}
				bounds.add(new int[] { start, end });
				return bounds;
			}
			int end = lf > start && text.charAt(lf - 1) == '\r' ? lf - 1 : lf;
			bounds.add(new int[] { start, end });
			start = lf + 1;
		}
	}
}
