package org.trainbench.engine.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFilesTest {

    @TempDir
    Path dir;

    /** Where the JDK's strict decoder stops, or -1: the reference for {@link TextFiles#malformedUtf8At}. */
    private static int jdkMalformedAt(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult result = decoder.decode(in, CharBuffer.allocate(bytes.length + 1), true);
        return result.isError() ? in.position() : -1;
    }

    @Test
    void malformedUtf8AtAgreesWithTheJdkStrictDecoderOnEdgeCasesAndRandomBytes() {
        byte[][] cases = {
                {}, "plain ascii".getBytes(StandardCharsets.UTF_8), "naïve 日本語 😀".getBytes(StandardCharsets.UTF_8),
                {(byte) 0xC0, (byte) 0x80}, // overlong NUL
                {(byte) 0xE0, (byte) 0x9F, (byte) 0xBF}, // overlong below U+0800
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // surrogate U+D800
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
                {'a', (byte) 0xE2, (byte) 0x82}, // truncated at the end
                {(byte) 0x80}, {(byte) 0xFF}, {'x', (byte) 0xF0, (byte) 0x9F, (byte) 0x98, 'y'},
        };
        for (byte[] bytes : cases) {
            assertEquals(jdkMalformedAt(bytes), TextFiles.malformedUtf8At(bytes, 0, bytes.length), java.util.Arrays.toString(bytes));
        }
        SplittableRandom random = new SplittableRandom(16);
        for (int n = 0; n < 20_000; n++) {
            byte[] bytes = new byte[random.nextInt(1, 12)];
            for (int i = 0; i < bytes.length; i++) {
                // Mostly high bytes, so that lead/continuation combinations are exercised.
                bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80));
            }
            assertEquals(jdkMalformedAt(bytes), TextFiles.malformedUtf8At(bytes, 0, bytes.length), java.util.Arrays.toString(bytes));
        }
    }

    @Test
    void readUtf8NamesTheFileAndTheByteWhereDecodingStops() throws IOException {
        Path file = dir.resolve("config.json");
        Files.write(file, new byte[] {'{', '}', ' ', (byte) 0xFE});
        IOException e = assertThrows(TextFiles.NotUtf8Exception.class, () -> TextFiles.readUtf8(file));
        assertTrue(e.getMessage().startsWith("not UTF-8 text at byte 3 of " + file), e.getMessage());
        Files.writeString(file, "{\"k\": \"日本語\"}");
        assertEquals("{\"k\": \"日本語\"}", TextFiles.readUtf8(file));
    }
}
