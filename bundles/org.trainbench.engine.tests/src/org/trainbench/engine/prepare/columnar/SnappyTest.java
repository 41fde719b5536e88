package org.trainbench.engine.prepare.columnar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SnappyTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void literalsAndAnOverlappingCopyRepeatThePattern() {
        // 13 bytes: literal "abc", copy 9 bytes from distance 3 (1-byte offset form), literal "X".
        byte[] block = bytes(13, 0x08, 'a', 'b', 'c', (5 << 2) | 1, 3, 0x00, 'X');
        assertArrayEquals("abcabcabcabcX".getBytes(StandardCharsets.US_ASCII), Snappy.decompress(block, 0, block.length, 13));
    }

    @Test
    void twoByteOffsetCopyAndLongLiteralWithLengthByte() {
        byte[] literal = new byte[100];
        for (int i = 0; i < literal.length; i++) {
            literal[i] = (byte) (i * 7);
        }
        byte[] header = {(byte) 0xAA, 0x01}; // varint of the length 170
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(header);
        b.write(60 << 2); // literal, length - 1 in the next byte
        b.write(99);
        b.writeBytes(literal);
        b.write(((64 - 1) << 2) | 2); // copy 64 bytes (the most one tag holds), 2-byte offset 100
        b.write(100);
        b.write(0);
        b.write((6 - 1) << 2 | 2); // copy 6 bytes from offset 160 = 0x00A0, little-endian
        b.write(0xA0);
        b.write(0x00);
        byte[] expected = new byte[170];
        System.arraycopy(literal, 0, expected, 0, 100);
        System.arraycopy(literal, 0, expected, 100, 64);
        System.arraycopy(literal, 4, expected, 164, 6);
        byte[] compressed = b.toByteArray();
        assertArrayEquals(expected, Snappy.decompress(compressed, 0, compressed.length, 170));
    }

    @Test
    void copyFromBeforeTheStartIsRejected() {
        byte[] block = bytes(8, 0x04, 'a', 'b', (0 << 2) | 1, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Snappy.decompress(block, 0, block.length, 8));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void declaredLengthMustMatchThePageHeader() {
        byte[] block = bytes(3, 0x08, 'a', 'b', 'c');
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Snappy.decompress(block, 0, block.length, 4));
        assertTrue(e.getMessage().contains("declares 3"), e.getMessage());
        byte[] shortBlock = bytes(5, 0x08, 'a', 'b', 'c');
        assertThrows(IllegalArgumentException.class, () -> Snappy.decompress(shortBlock, 0, shortBlock.length, 5));
    }
}
