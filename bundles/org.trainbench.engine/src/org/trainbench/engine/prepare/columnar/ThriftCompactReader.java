package org.trainbench.engine.prepare.columnar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Thrift's compact protocol (as Parquet writes its footer and page headers): zigzag varints, field headers
 * carrying a delta to the previous field id, and list headers carrying the element type. Malformed input raises
 * {@link IllegalArgumentException} with the byte position; the caller adds the file name.
 */
final class ThriftCompactReader {
    private static final int STOP = 0;
    private static final int TRUE = 1;
    private static final int FALSE = 2;
    private static final int I8 = 3;
    private static final int I16 = 4;
    private static final int I32 = 5;
    private static final int I64 = 6;
    private static final int DOUBLE = 7;
    private static final int BINARY = 8;
    private static final int LIST = 9;
    private static final int SET = 10;
    private static final int MAP = 11;
    private static final int STRUCT = 12;
    private static final int UUID = 13;
    /** Deeper nesting than any Parquet struct is corruption, not data: refuse it instead of overflowing the stack. */
    private static final int MAX_DEPTH = 64;

    private final byte[] bytes;
    private int position;
    private final int end;

    ThriftCompactReader(byte[] bytes, int offset, int end) {
        this.bytes = bytes;
        this.position = offset;
        this.end = end;
    }

    /** Where the reader stands: after {@link #readStruct()} the first byte after the struct. */
    int position() {
        return position;
    }

    ThriftStruct readStruct() {
        return readStruct(0);
    }

    private ThriftStruct readStruct(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("Thrift structs nested deeper than " + MAX_DEPTH + " at byte " + position);
        }
        Map<Integer, Object> fields = new HashMap<>();
        int id = 0;
        while (true) {
            int header = readByte() & 0xFF;
            int type = header & 0x0F;
            if (type == STOP) {
                return new ThriftStruct(fields);
            }
            int delta = header >>> 4;
            id = delta != 0 ? id + delta : zigzag32((int) readVarint());
            Object value = switch (type) {
                case TRUE -> Boolean.TRUE;
                case FALSE -> Boolean.FALSE;
                default -> readValue(type, depth);
            };
            fields.put(id, value);
        }
    }

    private Object readValue(int type, int depth) {
        return switch (type) {
            case I8 -> (long) readByte();
            case I16, I32, I64 -> zigzag64(readVarint());
            case DOUBLE -> Double.longBitsToDouble(readLittleEndianLong());
            case BINARY -> readBinary();
            case LIST, SET -> readList(depth);
            case MAP -> readMap(depth);
            case STRUCT -> readStruct(depth + 1);
            case UUID -> readFixed(16);
            default -> throw new IllegalArgumentException("unknown Thrift type " + type + " at byte " + (position - 1));
        };
    }

    private List<Object> readList(int depth) {
        int header = readByte() & 0xFF;
        long size = header >>> 4;
        int elementType = header & 0x0F;
        if (size == 15) {
            size = readVarint();
        }
        checkCount(size);
        List<Object> list = new ArrayList<>((int) Math.min(size, 1024));
        for (long i = 0; i < size; i++) {
            // Booleans inside a list are one byte each (1 true; writers differ on false, so anything else is false).
            list.add(elementType == TRUE || elementType == FALSE ? readByte() == 1 : readValue(elementType, depth + 1));
        }
        return list;
    }

    private Object readMap(int depth) {
        long size = readVarint();
        checkCount(size);
        if (size == 0) {
            return List.of();
        }
        int types = readByte() & 0xFF;
        List<Object> entries = new ArrayList<>();
        for (long i = 0; i < size; i++) {
            entries.add(readValue(types >>> 4, depth + 1));
            entries.add(readValue(types & 0x0F, depth + 1));
        }
        return entries;
    }

    private void checkCount(long size) {
        // Every element takes at least one byte, so a count beyond the remaining bytes is corruption.
        if (size < 0 || size > end - position) {
            throw new IllegalArgumentException("a Thrift list of " + size + " elements cannot fit in the "
                    + (end - position) + " bytes left at byte " + position);
        }
    }

    private byte[] readBinary() {
        long length = readVarint();
        if (length < 0 || length > end - position) {
            throw new IllegalArgumentException("a Thrift binary of " + length + " bytes runs past the end at byte " + position);
        }
        return readFixed((int) length);
    }

    private byte[] readFixed(int length) {
        if (length > end - position) {
            throw new IllegalArgumentException("unexpected end of Thrift data at byte " + position);
        }
        byte[] value = new byte[length];
        System.arraycopy(bytes, position, value, 0, length);
        position += length;
        return value;
    }

    private byte readByte() {
        if (position >= end) {
            throw new IllegalArgumentException("unexpected end of Thrift data at byte " + position);
        }
        return bytes[position++];
    }

    private long readVarint() {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = readByte() & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("a Thrift varint longer than 10 bytes at byte " + position);
    }

    private long readLittleEndianLong() {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value |= (long) (readByte() & 0xFF) << (8 * i);
        }
        return value;
    }

    private static int zigzag32(int n) {
        return (n >>> 1) ^ -(n & 1);
    }

    private static long zigzag64(long n) {
        return (n >>> 1) ^ -(n & 1);
    }
}
