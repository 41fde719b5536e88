package org.trainbench.ui.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReadableNumbersTest {

    @Test
    void parametersShowBillionsOrMillionsWithTheExactCount() {
        assertEquals("8.03 B (8,030,261,248)", ReadableNumbers.parameters(8_030_261_248L));
        assertEquals("1.24 M (1,235,456)", ReadableNumbers.parameters(1_235_456));
        assertEquals("21,760", ReadableNumbers.parameters(21_760));
    }

    @Test
    void memoryIsInBinaryUnitsWithThreeSignificantDigits() {
        assertEquals("61.2 GiB", ReadableNumbers.bytes(Math.round(61.2 * (1L << 30))));
        assertEquals("239 MiB", ReadableNumbers.bytes(2 * 8_030_261_248L / 64));
        assertEquals("1.0 KiB", ReadableNumbers.bytes(1024));
        assertEquals("1023 B", ReadableNumbers.bytes(1023));
    }

    @Test
    void flopsUseDecimalPrefixes() {
        assertEquals("48.2 GFLOP", ReadableNumbers.flops(48.18e9));
        assertEquals("94.8 PFLOP", ReadableNumbers.flops(9.478e16));
        assertEquals("1.00 TFLOP", ReadableNumbers.flops(999.7e9));
        assertEquals("512 FLOP", ReadableNumbers.flops(512));
    }

    @Test
    void timesSwitchBetweenMillisecondsSecondsMinutesAndHours() {
        assertEquals("850 ms", ReadableNumbers.seconds(0.85));
        assertEquals("3.99 s", ReadableNumbers.seconds(3.9904));
        assertEquals("152 s (2.5 min)", ReadableNumbers.seconds(152));
        assertEquals("7,200 s (2.0 h)", ReadableNumbers.seconds(7200));
    }
}
