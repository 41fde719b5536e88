package org.trainbench.engine.prepare.columnar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RleBitPackedHybridTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void bitPackedRunOfTheFormatsExampleGivesZeroToSeven() {
        // Encodings.md: 0..7 with bit width 3 pack into 10001000 11000110 11111010.
        byte[] data = bytes(0x03, 0b10001000, 0b11000110, 0b11111010);
        int[] out = new int[8];
        RleBitPackedHybrid.decode(data, 0, data.length, 3, out, 8);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, out);
    }

    @Test
    void repeatedRunsAndBitPackedRunsFollowEachOther() {
        // 5 x 1 (repeated run, one value byte), then one group of 8 bit-packed 1-bit values 1,0,1,1,0,0,0,1.
        byte[] data = bytes(5 << 1, 1, 0x03, 0b10001101);
        int[] out = new int[9];
        RleBitPackedHybrid.decode(data, 0, data.length, 1, out, 8);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 0, 1, 0}, out, "only 8 values are taken: the rest stays 0");
        int[] bits = new int[8];
        RleBitPackedHybrid.decode(data, 2, data.length, 1, bits, 8);
        assertArrayEquals(new int[] {1, 0, 1, 1, 0, 0, 0, 1}, bits);
    }

    @Test
    void wideRepeatedValueUsesLittleEndianBytes() {
        byte[] data = bytes(3 << 1, 0x34, 0x12);
        int[] out = new int[3];
        RleBitPackedHybrid.decode(data, 0, data.length, 13, out, 3);
        assertArrayEquals(new int[] {0x1234, 0x1234, 0x1234}, out);
    }

    @Test
    void deprecatedBitPackedLevelsReadMostSignificantBitFirst() {
        // Encodings.md: 0..7 with bit width 3 in the deprecated encoding: 00000101 00111001 01110111.
        byte[] data = bytes(0b00000101, 0b00111001, 0b01110111);
        int[] out = new int[8];
        RleBitPackedHybrid.decodeBitPacked(data, 0, data.length, 3, out, 8);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, out);
    }

    @Test
    void dataEndingBeforeTheValuesIsAnError() {
        byte[] data = bytes(0x05, 0xFF); // 2 groups of 8 values at width 3 need 6 bytes, 1 is there
        assertThrows(IllegalArgumentException.class, () -> RleBitPackedHybrid.decode(data, 0, data.length, 3, new int[16], 16));
        assertThrows(IllegalArgumentException.class, () -> RleBitPackedHybrid.decode(bytes(4 << 1), 0, 1, 1, new int[4], 4));
    }

    @Test
    void bitWidthOfMaximumLevel() {
        assertEquals(0, RleBitPackedHybrid.bitWidth(0));
        assertEquals(1, RleBitPackedHybrid.bitWidth(1));
        assertEquals(2, RleBitPackedHybrid.bitWidth(3));
        assertEquals(3, RleBitPackedHybrid.bitWidth(4));
    }
}
