package org.trainbench.engine.prepare.columnar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ThriftCompactReaderTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void readsShortAndLongFieldHeadersZigzagIntegersBinaryListsAndNestedStructs() {
        byte[] data = bytes(
                0x15, 0x05,                   // field 1, i32, zigzag 5 = -3
                0x18, 0x02, 'h', 'i',         // field 2 (+1), binary "hi"
                0x29, 0x26, 0x02, 0xD8, 0x04, // field 4 (+2), list of 2 i64: 1, 300
                0x01, 0x28,                   // field 20 (long form, zigzag 40), boolean true
                0x1C, 0x12, 0x00,             // field 21 (+1), struct { field 1 false }
                0x00);
        ThriftCompactReader reader = new ThriftCompactReader(data, 0, data.length);
        ThriftStruct struct = reader.readStruct();
        assertEquals(data.length, reader.position());
        assertEquals(-3, struct.integer(1, 0));
        assertEquals("hi", struct.string(2));
        assertEquals(List.of(1L, 300L), struct.list(4));
        assertEquals(true, struct.bool(20, false));
        assertEquals(false, struct.struct(21).bool(1, true));
        assertEquals(7, struct.integer(3, 7), "absent fields give the fallback");
    }

    @Test
    void truncatedDataAndImpossibleListSizesAreErrorsNotCrashes() {
        byte[] truncated = bytes(0x18, 0x05, 'a');
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ThriftCompactReader(truncated, 0, truncated.length).readStruct());
        assertTrue(e.getMessage().contains("past the end"), e.getMessage());
        byte[] hugeList = bytes(0x19, 0xF5, 0xFF, 0xFF, 0xFF, 0x7F);
        e = assertThrows(IllegalArgumentException.class,
                () -> new ThriftCompactReader(hugeList, 0, hugeList.length).readStruct());
        assertTrue(e.getMessage().contains("cannot fit"), e.getMessage());
    }
}
