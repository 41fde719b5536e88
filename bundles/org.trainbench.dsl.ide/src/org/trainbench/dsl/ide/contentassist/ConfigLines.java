package org.trainbench.dsl.ide.contentassist;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.xtext.conversion.ValueConverterException;
import org.trainbench.dsl.parser.QuotedScalarConverter;
import org.trainbench.dsl.parser.YamlTokenizer;
import org.trainbench.dsl.parser.YamlTokenizer.Kind;
import org.trainbench.dsl.parser.YamlTokenizer.Token;

/**
 * The block structure of a config text, line by line, as far as it can be read while the user
 * types: for each line the columns of its "- " markers and of its key, and whether a value follows
 * the key on the line. Completion reads the enclosing keys of the cursor from it, because the text
 * being typed rarely parses.
 */
final class ConfigLines {

	/**
	 * One line. {@code dashColumns} are the columns of its leading "- " markers, {@code keyColumn}
	 * is -1 when the line has no "key:"; {@code contentColumn} is -1 for blank and comment-only
	 * lines and for lines inside a flow collection.
	 */
	record Line(int start, int contentColumn, List<Integer> dashColumns, String key, int keyColumn, boolean valueOnLine) {

		boolean isStructural() {
			return contentColumn >= 0;
		}

		/** A key with nothing after its colon: its value is the block below. */
		boolean opensBlock() {
			return key != null && !valueOnLine;
		}
	}

	private static final QuotedScalarConverter QUOTED = new QuotedScalarConverter();

	private final String text;
	private final List<Line> lines;
	private final int[] lineStarts;

	ConfigLines(String text) {
		this.text = text;
		List<Integer> starts = new ArrayList<>();
		starts.add(0);
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) == '\n') {
				starts.add(i + 1);
			}
		}
		this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
		this.lines = readLines(text, lineStarts);
	}

	String text() {
		return text;
	}

	int lineCount() {
		return lineStarts.length;
	}

	Line line(int index) {
		return lines.get(index);
	}

	/** 0-based line of an offset. */
	int lineOf(int offset) {
		int low = 0;
		int high = lineStarts.length - 1;
		while (low < high) {
			int mid = (low + high + 1) >>> 1;
			if (lineStarts[mid] <= offset) {
				low = mid;
			} else {
				high = mid - 1;
			}
		}
		return low;
	}

	int lineStart(int index) {
		return lineStarts[index];
	}

	private static List<Line> readLines(String text, int[] lineStarts) {
		List<List<Token>> byLine = new ArrayList<>();
		for (int i = 0; i < lineStarts.length; i++) {
			byLine.add(new ArrayList<>());
		}
		List<Token> tokens = YamlTokenizer.tokenize(text);
		int flowDepth = 0;
		boolean[] inFlow = new boolean[lineStarts.length];
		for (Token token : tokens) {
			if (token.kind() == Kind.WHITESPACE || token.kind() == Kind.COMMENT) {
				continue;
			}
			int line = token.line() - 1;
			if (flowDepth > 0) {
				inFlow[line] = true;
			}
			byLine.get(line).add(token);
			if (token.kind() == Kind.LEFT_BRACKET || token.kind() == Kind.LEFT_BRACE) {
				flowDepth++;
			} else if ((token.kind() == Kind.RIGHT_BRACKET || token.kind() == Kind.RIGHT_BRACE) && flowDepth > 0) {
				flowDepth--;
			}
		}
		List<Line> result = new ArrayList<>(lineStarts.length);
		for (int i = 0; i < lineStarts.length; i++) {
			result.add(read(text, lineStarts[i], byLine.get(i), inFlow[i]));
		}
		return result;
	}

	private static Line read(String text, int start, List<Token> tokens, boolean inFlow) {
		if (tokens.isEmpty() || inFlow || tokens.getFirst().kind() == Kind.DOCUMENT_START) {
			return new Line(start, -1, List.of(), null, -1, false);
		}
		List<Integer> dashes = new ArrayList<>();
		int i = 0;
		while (i < tokens.size() && tokens.get(i).kind() == Kind.DASH) {
			dashes.add(tokens.get(i).column());
			i++;
		}
		String key = null;
		int keyColumn = -1;
		boolean valueOnLine = false;
		if (i + 1 < tokens.size() && isScalar(tokens.get(i).kind()) && tokens.get(i + 1).kind() == Kind.COLON) {
			Token keyToken = tokens.get(i);
			key = unquote(text.substring(keyToken.start(), keyToken.end()), keyToken.kind());
			keyColumn = keyToken.column();
			valueOnLine = i + 2 < tokens.size();
		} else if (i < tokens.size()) {
			valueOnLine = true;
		}
		return new Line(start, tokens.getFirst().column(), List.copyOf(dashes), key, keyColumn, valueOnLine);
	}

	private static boolean isScalar(Kind kind) {
		return kind == Kind.PLAIN || kind == Kind.SINGLE_QUOTED || kind == Kind.DOUBLE_QUOTED;
	}

	private static String unquote(String token, Kind kind) {
		if (kind == Kind.PLAIN) {
			return token;
		}
		try {
			return QUOTED.toValue(token, null);
		} catch (ValueConverterException e) {
			return token; // a bad escape: the key stays as written, the parser reports it
		}
	}
}
