package org.trainbench.dsl.tree;

import java.util.Arrays;

import org.trainbench.engine.config.yaml.SourceRange;

/**
 * Lines and columns of offsets in a text, counted as the engine counts them: a line ends at
 * "\n", "\r\n" or a lone "\r"; columns are 1-based UTF-16 chars.
 */
public final class LineMap {

	private final int[] lineStarts;
	private final int length;

	public LineMap(CharSequence text) {
		int[] starts = new int[16];
		int count = 1;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean lineBreak = c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'));
			if (lineBreak) {
				if (count == starts.length) {
					starts = Arrays.copyOf(starts, count * 2);
				}
				starts[count++] = i + 1;
			}
		}
		this.lineStarts = Arrays.copyOf(starts, count);
		this.length = text.length();
	}

	/** 1-based line of an offset. */
	public int line(int offset) {
		int index = Arrays.binarySearch(lineStarts, offset);
		return index >= 0 ? index + 1 : -index - 1;
	}

	/** 0-based offset at which a 1-based line starts. */
	public int lineStart(int line) {
		return lineStarts[Math.max(0, Math.min(line, lineStarts.length) - 1)];
	}

	/** 0-based column of an offset. */
	public int column(int offset) {
		return offset - lineStarts[line(offset) - 1];
	}

	public int lineCount() {
		return lineStarts.length;
	}

	public int textLength() {
		return length;
	}

	public SourceRange range(int offset, int rangeLength) {
		return new SourceRange(line(offset), column(offset) + 1, offset, rangeLength);
	}
}
