package org.trainbench.engine.tokenizer;

/**
 * GPT-2's reversible byte-to-character table used by byte-level BPE: printable Latin-1 bytes stand for themselves, the
 * other 68 bytes (controls, space, DEL, NBSP, soft hyphen...) map in order to U+0100 onwards, so every token is a
 * printable string (a space is "Ġ", a newline "Ċ").
 */
final class ByteLevelAlphabet {
    static final int[] BYTE_TO_CHAR = new int[256];
    /** Inverse table, indexed by character (all mapped characters are below U+0144). */
    static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? b : next++;
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private ByteLevelAlphabet() {
    }
}
