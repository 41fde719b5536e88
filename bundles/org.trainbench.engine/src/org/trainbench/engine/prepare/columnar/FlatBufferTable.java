package org.trainbench.engine.prepare.columnar;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A table inside a FlatBuffer (the encoding of Arrow's IPC metadata), read in place. A table starts with a signed
 * offset back to its vtable; the vtable lists, per field id, the field's offset inside the table (0: absent, the
 * schema default applies). Strings, vectors and sub-tables are stored behind unsigned 32-bit offsets relative to
 * where the offset itself is stored. Every access is bounds-checked by the ByteBuffer: corrupt metadata raises
 * IndexOutOfBoundsException or IllegalArgumentException, never reads outside the message.
 */
final class FlatBufferTable {
    private final ByteBuffer buffer;
    private final int position;

    private FlatBufferTable(ByteBuffer buffer, int position) {
        this.buffer = buffer;
        this.position = position;
    }

    /** The root table of a FlatBuffer held in {@code bytes}. */
    static FlatBufferTable root(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return new FlatBufferTable(buffer, checked(buffer, buffer.getInt(0)));
    }

    private static int checked(ByteBuffer buffer, long position) {
        if (position < 0 || position >= buffer.limit()) {
            throw new IllegalArgumentException("a FlatBuffer offset points outside the message (" + position + ")");
        }
        return (int) position;
    }

    /** The position of field {@code id} inside the buffer, or 0 when the field is absent. */
    private int field(int id) {
        int vtable = checked(buffer, (long) position - buffer.getInt(position));
        int vtableSize = Short.toUnsignedInt(buffer.getShort(vtable));
        int entry = 4 + 2 * id;
        if (entry + 2 > vtableSize) {
            return 0;
        }
        int offset = Short.toUnsignedInt(buffer.getShort(vtable + entry));
        return offset == 0 ? 0 : position + offset;
    }

    boolean has(int id) {
        return field(id) != 0;
    }

    byte int8(int id, int fallback) {
        int at = field(id);
        return at == 0 ? (byte) fallback : buffer.get(at);
    }

    short int16(int id, int fallback) {
        int at = field(id);
        return at == 0 ? (short) fallback : buffer.getShort(at);
    }

    int int32(int id, int fallback) {
        int at = field(id);
        return at == 0 ? fallback : buffer.getInt(at);
    }

    long int64(int id, long fallback) {
        int at = field(id);
        return at == 0 ? fallback : buffer.getLong(at);
    }

    boolean bool(int id, boolean fallback) {
        int at = field(id);
        return at == 0 ? fallback : buffer.get(at) != 0;
    }

    private int indirect(int at) {
        return checked(buffer, at + Integer.toUnsignedLong(buffer.getInt(at)));
    }

    FlatBufferTable table(int id) {
        int at = field(id);
        return at == 0 ? null : new FlatBufferTable(buffer, indirect(at));
    }

    String string(int id) {
        int at = field(id);
        if (at == 0) {
            return null;
        }
        int start = indirect(at);
        int length = buffer.getInt(start);
        if (length < 0 || length > buffer.limit() - start - 4) {
            throw new IllegalArgumentException("a FlatBuffer string runs past the end of the message");
        }
        byte[] bytes = new byte[length];
        buffer.get(start + 4, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The number of elements of vector field {@code id} (0 when absent). */
    int vectorLength(int id) {
        int at = field(id);
        if (at == 0) {
            return 0;
        }
        int length = buffer.getInt(indirect(at));
        if (length < 0) {
            throw new IllegalArgumentException("a FlatBuffer vector has a negative length");
        }
        return length;
    }

    /** The position of the first element of vector field {@code id}, checked to hold {@code elementSize} bytes each. */
    private int vector(int id, int elementSize) {
        int start = indirect(field(id));
        int length = buffer.getInt(start);
        if ((long) length * elementSize > buffer.limit() - start - 4L) {
            throw new IllegalArgumentException("a FlatBuffer vector runs past the end of the message");
        }
        return start + 4;
    }

    /** Element {@code index} of a vector of tables. */
    FlatBufferTable tableAt(int id, int index) {
        int element = vector(id, 4) + 4 * index;
        return new FlatBufferTable(buffer, indirect(element));
    }

    /** Long {@code slot} of struct element {@code index} in a vector of structs made of longs (Arrow's FieldNode, Buffer). */
    long structLong(int id, int index, int longsPerStruct, int slot) {
        return buffer.getLong(vector(id, 8 * longsPerStruct) + 8 * (longsPerStruct * index + slot));
    }

    /** Element {@code index} of a vector of longs. */
    long longAt(int id, int index) {
        return buffer.getLong(vector(id, 8) + 8 * index);
    }
}
