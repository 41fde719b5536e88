package org.trainbench.engine.config.yaml;

/**
 * A span of config text: where a key, value or diagnostic sits.
 *
 * @param line   1-based line of the first character
 * @param column 1-based column of the first character, counted in UTF-16 chars (as Java strings and editors do)
 * @param offset 0-based char offset of the first character
 * @param length number of chars covered; 0 marks a position (e.g. the missing value after {@code key:})
 */
public record SourceRange(int line, int column, int offset, int length) {

    public SourceRange {
        if (line < 1 || column < 1 || offset < 0 || length < 0) {
            throw new IllegalArgumentException("invalid source range: line " + line + ", column " + column
                    + ", offset " + offset + ", length " + length);
        }
    }

    /** The start of a text: line 1, column 1, nothing covered. */
    public static final SourceRange START = new SourceRange(1, 1, 0, 0);

    /** 0-based offset just past the last covered char. */
    public int endOffset() {
        return offset + length;
    }

    /** From the start of {@code first} to the end of {@code last} (which must not start before {@code first}). */
    public static SourceRange span(SourceRange first, SourceRange last) {
        return new SourceRange(first.line, first.column, first.offset, Math.max(0, last.endOffset() - first.offset));
    }

    /** Whether {@code textOffset} lies inside this range, or at its end. */
    public boolean contains(int textOffset) {
        return textOffset >= offset && textOffset <= endOffset();
    }

    @Override
    public String toString() {
        return line + ":" + column + " (offset " + offset + ", length " + length + ")";
    }
}
