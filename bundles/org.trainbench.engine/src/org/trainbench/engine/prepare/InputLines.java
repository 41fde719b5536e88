package org.trainbench.engine.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of a JSON Lines or text input as bytes, so that each line is decoded on its own and strictly: a line
 * that is not UTF-8 is named by its number instead of being read with U+FFFD in place of its bytes. Lines end at
 * {@code \n}, {@code \r} or {@code \r\n}, as {@link java.io.BufferedReader#readLine()} ends them.
 */
final class InputLines implements AutoCloseable {
    private static final int CHUNK = 1 << 16;
    /** After a longer line the buffer shrinks back, so one huge record does not pin its size for the whole file. */
    private static final int KEPT_LINE_CAPACITY = 1 << 20;

    private final InputStream in;
    private final byte[] chunk = new byte[CHUNK];
    private int chunkPosition;
    private int chunkLimit;
    private boolean skipLineFeed;
    private byte[] line = new byte[256];
    private int length;

    InputLines(InputStream in) {
        this.in = in;
    }

    /** Reads the next line into {@link #bytes()} / {@link #length()}; false at the end of the input. */
    boolean next() throws IOException {
        length = 0;
        boolean any = false;
        while (true) {
            if (chunkPosition == chunkLimit) {
                chunkLimit = in.read(chunk, 0, CHUNK);
                chunkPosition = 0;
                if (chunkLimit <= 0) {
                    chunkLimit = 0;
                    return any;
                }
            }
            if (skipLineFeed) {
                skipLineFeed = false;
                if (chunk[chunkPosition] == '\n') {
                    chunkPosition++;
                    continue;
                }
            }
            any = true;
            int start = chunkPosition;
            int end = start;
            while (end < chunkLimit && chunk[end] != '\n' && chunk[end] != '\r') {
                end++;
            }
            append(start, end);
            if (end < chunkLimit) {
                skipLineFeed = chunk[end] == '\r';
                chunkPosition = end + 1;
                return true;
            }
            chunkPosition = end;
        }
    }

    private void append(int start, int end) {
        int n = end - start;
        if (length + n > line.length) {
            long wanted = Math.max((long) line.length * 2, (long) length + n);
            if (wanted > Integer.MAX_VALUE - 8) {
                if ((long) length + n > Integer.MAX_VALUE - 8) {
                    throw new PreparationException("a line longer than 2 GiB: a JSON Lines record must fit in one line"
                            + " of at most 2 GiB");
                }
                wanted = Integer.MAX_VALUE - 8;
            }
            line = Arrays.copyOf(line, (int) wanted);
        }
        System.arraycopy(chunk, start, line, length, n);
        length += n;
    }

    /** The current line's bytes, valid up to {@link #length()} until the next call of {@link #next()}. */
    byte[] bytes() {
        return line;
    }

    int length() {
        return length;
    }

    /**
     * The current line as text, valid UTF-8 assumed (checked by the caller). A buffer grown for a long line is let
     * go here, so that while the line's record is tokenized its bytes are not held as well.
     */
    String text() {
        String text = new String(line, 0, length, java.nio.charset.StandardCharsets.UTF_8);
        if (line.length > KEPT_LINE_CAPACITY) {
            line = new byte[256];
            length = 0;
        }
        return text;
    }

    /**
     * Whether the current line holds only white space ({@link String#isBlank()} of its text). Decides from the bytes
     * when a line has an ASCII character that is not white space, which is nearly always the first one.
     */
    boolean isBlank() {
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b < 0) {
                return new String(line, 0, length, java.nio.charset.StandardCharsets.UTF_8).isBlank();
            }
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
