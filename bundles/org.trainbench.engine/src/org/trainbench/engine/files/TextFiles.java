package org.trainbench.engine.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new NotUtf8Exception(file, in.position());
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** A text file that is not UTF-8. */
    public static final class NotUtf8Exception extends IOException {
        private static final long serialVersionUID = 1L;

        NotUtf8Exception(Path file, long offset) {
            super("not UTF-8 text at byte " + offset + " of " + file + " (a binary file, or text in another encoding:"
                    + " save it as UTF-8)");
        }
    }
}
