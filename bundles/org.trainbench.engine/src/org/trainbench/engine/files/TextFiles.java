package org.trainbench.engine.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the text files a user hands Trainbench (configs, tokenizer.json, config.json, dataset YAML). A file that is
 * not UTF-8 (a binary, a UTF-16 export) fails with the file and the byte where decoding stopped, instead of the JDK's
 * bare "Input length = 1".
 */
public final class TextFiles {
    private TextFiles() {
    }

    /** The file's content as UTF-8 text (a leading byte-order mark is kept, as Files.readString keeps it). */
    public static String readUtf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        // The JDK's decoder (intrinsic, vectorized) replaces each malformed sequence with U+FFFD; a text without one
        // was valid. Only a text with one is checked byte by byte, which takes a cold JVM about 100 ms on 10 MB.
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0) {
            int malformed = malformedUtf8At(bytes, 0, bytes.length);
            if (malformed >= 0) {
                throw new NotUtf8Exception(file, malformed);
            }
        }
        return text;
    }

    /**
     * The index of the first byte of {@code bytes[from, to)} that does not start a well-formed UTF-8 sequence (the
     * Unicode standard's table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence),
     * or -1 when the range is valid UTF-8. Strict as the JDK's decoder with {@code REPORT} is.
     */
    public static int malformedUtf8At(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xFF;
            int length;
            int low = 0x80;
            int high = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                length = 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                length = 3;
                if (b == 0xE0) {
                    low = 0xA0; // overlong below U+0800
                } else if (b == 0xED) {
                    high = 0x9F; // UTF-16 surrogates
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                length = 4;
                if (b == 0xF0) {
                    low = 0x90; // overlong below U+10000
                } else if (b == 0xF4) {
                    high = 0x8F; // above U+10FFFF
                }
            } else {
                return i;
            }
            if (i + length > to) {
                return i;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < low || second > high) {
                return i;
            }
            for (int k = 2; k < length; k++) {
                int next = bytes[i + k] & 0xFF;
                if (next < 0x80 || next > 0xBF) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }

    /** A text file that is not UTF-8. */
    public static final class NotUtf8Exception extends IOException {
        private static final long serialVersionUID = 1L;

        private final long offset;

        NotUtf8Exception(Path file, long offset) {
            super("not UTF-8 text at byte " + offset + " of " + file + " (a binary file, or text in another encoding:"
                    + " save it as UTF-8)");
            this.offset = offset;
        }

        /** The offset of the first byte that does not start a well-formed UTF-8 sequence. */
        public long offset() {
            return offset;
        }
    }
}
