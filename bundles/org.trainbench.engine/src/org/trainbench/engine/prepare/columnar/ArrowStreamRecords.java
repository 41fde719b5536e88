package org.trainbench.engine.prepare.columnar;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the rows of an Arrow IPC file as Hugging Face's {@code save_to_disk} writes them ({@code data-*.arrow}: the
 * streaming format, a Schema message then RecordBatch messages, each an encapsulated FlatBuffer Message followed by
 * its body); the random-access file format ({@code ARROW1} magic around the same stream) is read the same way.
 * One record batch is decoded at a time, so memory holds one batch.
 * <p>
 * Types: utf8 and large_utf8 (String), binary and large_binary, fixed_size_binary (byte[]), signed and unsigned
 * integers, date, time, timestamp and duration (Long, their stored integer), float and double (Double), bool,
 * null, list, large_list and fixed_size_list (List), struct (Map) and map (Map with text keys). Others (decimal,
 * union, dictionary-encoded, view and run-end encoded types) are refused with the column's name, but only when that
 * column is selected. Record batches compressed with LZ4_FRAME or ZSTD ({@code pyarrow.ipc.IpcWriteOptions
 * (compression=...)}) are decompressed buffer by buffer ({@link Compression}).
 */
public final class ArrowStreamRecords implements ColumnarRecords {
    private static final int HEADER_SCHEMA = 1;
    private static final int HEADER_DICTIONARY_BATCH = 2;
    private static final int HEADER_RECORD_BATCH = 3;

    // Type union members of Schema.fbs.
    private static final int NULL = 1;
    private static final int INT = 2;
    private static final int FLOATING_POINT = 3;
    private static final int BINARY = 4;
    private static final int UTF8 = 5;
    private static final int BOOL = 6;
    private static final int DECIMAL = 7;
    private static final int DATE = 8;
    private static final int TIME = 9;
    private static final int TIMESTAMP = 10;
    private static final int INTERVAL = 11;
    private static final int LIST = 12;
    private static final int STRUCT = 13;
    private static final int UNION = 14;
    private static final int FIXED_SIZE_BINARY = 15;
    private static final int FIXED_SIZE_LIST = 16;
    private static final int MAP = 17;
    private static final int DURATION = 18;
    private static final int LARGE_BINARY = 19;
    private static final int LARGE_UTF8 = 20;
    private static final int LARGE_LIST = 21;
    private static final int RUN_END_ENCODED = 22;
    private static final int BINARY_VIEW = 23;
    private static final int UTF8_VIEW = 24;
    private static final int LIST_VIEW = 25;
    private static final int LARGE_LIST_VIEW = 26;
    private static final String[] TYPE_NAMES = {"NONE", "null", "int", "floating point", "binary", "utf8", "bool",
            "decimal", "date", "time", "timestamp", "interval", "list", "struct", "union", "fixed_size_binary",
            "fixed_size_list", "map", "duration", "large_binary", "large_utf8", "large_list", "run_end_encoded",
            "binary_view", "utf8_view", "list_view", "large_list_view"};
    private static final int METADATA_V5 = 4;

    /** A schema field: its type union member and table, children, and whether it is dictionary-encoded. */
    private record Field(String name, int type, FlatBufferTable typeTable, boolean dictionary, List<Field> children) {
        String typeName() {
            return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "unknown type " + type;
        }
    }

    /** One encapsulated message: its FlatBuffer header and where its body lies in the file. */
    private record Message(int version, int headerType, FlatBufferTable header, long bodyPosition, long bodyLength) {
    }

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final List<Field> fields;
    private final List<String> columns;
    private final boolean[] selected;
    private long position;
    private boolean ended;

    private Object[][] batch;
    private int batchRows;
    private int batchRow;
    private long row = -1;

    // Decoding state of the current batch.
    private FlatBufferTable recordBatch;
    private byte[] body;
    private int nodeIndex;
    private int bufferIndex;
    /** Where each buffer of a batch with a compressed body lies in the decompressed {@link #body}; null otherwise. */
    private int[][] decompressedBuffers;
    private int variadicIndex;
    private int nodeCount;
    private int bufferCount;
    private int messageVersion;

    private ArrowStreamRecords(Path file, FileChannel channel, Set<String> selection) throws IOException {
        this.file = file;
        this.channel = channel;
        this.size = channel.size();
        if (size >= 6 && Arrays.equals(read(0, 6), "ARROW1".getBytes(StandardCharsets.US_ASCII))) {
            position = 8;
        }
        Message first = nextMessage();
        if (first == null) {
            throw new ColumnarFileException(file, "the Arrow stream is empty: it has no schema message");
        }
        if (first.headerType != HEADER_SCHEMA) {
            throw new ColumnarFileException(file, "the Arrow stream does not start with a schema message");
        }
        try {
            if (first.header.int16(0, 0) != 0) {
                throw new ColumnarFileException(file, "the Arrow data is big-endian; trainbench reads little-endian "
                        + "Arrow files only");
            }
            List<Field> parsed = new ArrayList<>();
            for (int i = 0; i < first.header.vectorLength(1); i++) {
                parsed.add(field(first.header.tableAt(1, i), 0));
            }
            fields = parsed;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ColumnarFileException(file, "the Arrow schema message is corrupt: " + e.getMessage());
        }
        List<String> names = new ArrayList<>();
        selected = new boolean[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            names.add(fields.get(i).name);
            selected[i] = selection == null || selection.contains(fields.get(i).name);
            if (selected[i]) {
                checkSupported(fields.get(i), fields.get(i).name);
            }
        }
        columns = Collections.unmodifiableList(names);
        position = first.bodyPosition + first.bodyLength;
    }

    /** Opens an Arrow IPC file; {@code selection} names the top-level columns to decode (null: all). */
    public static ArrowStreamRecords open(Path file, Set<String> selection) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new ArrowStreamRecords(file, channel, selection);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The number of rows: the sum of the record batches' lengths, read from their headers (bodies are skipped). */
    public static long rowCount(Path file) throws IOException {
        try (ArrowStreamRecords records = open(file, Set.of())) {
            long rows = 0;
            Message message;
            while ((message = records.nextMessage()) != null) {
                if (message.headerType == HEADER_RECORD_BATCH) {
                    rows += records.batchLength(message);
                }
                records.position = message.bodyPosition + message.bodyLength;
            }
            return rows;
        }
    }

    private static Field field(FlatBufferTable table, int depth) {
        if (depth > 64) {
            throw new IllegalArgumentException("fields nested deeper than 64 levels");
        }
        List<Field> children = new ArrayList<>();
        for (int i = 0; i < table.vectorLength(5); i++) {
            children.add(field(table.tableAt(5, i), depth + 1));
        }
        String name = table.string(0);
        return new Field(name == null ? "" : name, Byte.toUnsignedInt(table.int8(2, 0)), table.table(3), table.has(4),
                children);
    }

    private void checkSupported(Field field, String path) {
        if (field.dictionary) {
            throw new ColumnarFileException(file, "column '" + path + "' is dictionary-encoded, which trainbench does "
                    + "not read in Arrow files (decode it first, e.g. dataset.cast_column or pyarrow's dictionary_decode)");
        }
        boolean supported = switch (field.type) {
            case NULL, INT, BINARY, UTF8, BOOL, DATE, TIME, TIMESTAMP, DURATION, LARGE_BINARY, LARGE_UTF8,
                    FIXED_SIZE_BINARY, LIST, LARGE_LIST, FIXED_SIZE_LIST, STRUCT, MAP -> true;
            case FLOATING_POINT -> field.typeTable == null || field.typeTable.int16(0, 0) != 0;
            default -> false;
        };
        if (!supported) {
            throw new ColumnarFileException(file, "column '" + path + "' is of the Arrow type "
                    + (field.type == FLOATING_POINT ? "halffloat" : field.typeName()) + ", which trainbench does not "
                    + "read (it reads text, integers, floats, booleans, binary, lists and structs)");
        }
        for (Field child : field.children) {
            checkSupported(child, path + "." + child.name);
        }
    }

    private byte[] read(long at, int length) throws IOException {
        if (at < 0 || length < 0 || at + length > size) {
            throw new ColumnarFileException(file, "the Arrow file ends at byte " + size + " inside a message (bytes "
                    + at + " to " + (at + length) + "): the file is truncated, or it is not an Arrow IPC file");
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, at + buffer.position()) < 0) {
                throw new ColumnarFileException(file, "unexpected end of the Arrow file at byte " + (at + buffer.position()));
            }
        }
        return buffer.array();
    }

    /** The next encapsulated message, or null at the end-of-stream marker (or at the very end of the file). */
    private Message nextMessage() throws IOException {
        if (ended || position == size) {
            ended = true;
            return null;
        }
        long start = position;
        int length = ParquetColumnChunk.littleEndianInt(read(position, 4), 0);
        position += 4;
        if (length == -1) {
            // Continuation marker (format >= 0.15): the metadata length follows.
            length = ParquetColumnChunk.littleEndianInt(read(position, 4), 0);
            position += 4;
        }
        if (length == 0) {
            ended = true;
            return null;
        }
        if (length < 0) {
            throw new ColumnarFileException(file, "the Arrow message at byte " + start + " has the negative metadata "
                    + "length " + length + ": the file is corrupt or not an Arrow IPC file");
        }
        byte[] metadata = read(position, length);
        position += length;
        try {
            FlatBufferTable message = FlatBufferTable.root(metadata);
            int version = message.int16(0, 0);
            int headerType = Byte.toUnsignedInt(message.int8(1, 0));
            FlatBufferTable header = message.table(2);
            long bodyLength = message.int64(3, 0);
            if (header == null) {
                throw new IllegalArgumentException("the message has no header");
            }
            if (bodyLength < 0 || position + bodyLength > size) {
                throw new ColumnarFileException(file, "the Arrow message at byte " + start + " declares a body of "
                        + bodyLength + " bytes, past the end of the file (" + size + " bytes): the file is truncated");
            }
            return new Message(version, headerType, header, position, bodyLength);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ColumnarFileException(file, "the Arrow message at byte " + start + " is corrupt or this is not "
                    + "an Arrow IPC file (" + e.getMessage() + ")");
        }
    }

    private long batchLength(Message message) {
        try {
            return message.header.int64(0, 0);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ColumnarFileException(file, "the record batch header at byte " + message.bodyPosition
                    + " is corrupt: " + e.getMessage());
        }
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public long row() {
        return row;
    }

    @Override
    public Map<String, Object> next() throws IOException {
        while (batch == null || batchRow >= batchRows) {
            Message message = nextMessage();
            if (message == null) {
                return null;
            }
            position = message.bodyPosition + message.bodyLength;
            switch (message.headerType) {
                case HEADER_RECORD_BATCH -> decodeBatch(message);
                case HEADER_DICTIONARY_BATCH -> {
                    // Only dictionary-encoded columns use it, and those are refused when selected.
                }
                case HEADER_SCHEMA -> throw new ColumnarFileException(file, "the Arrow stream holds a second schema "
                        + "message at byte " + message.bodyPosition + ": the file is corrupt");
                default -> throw new ColumnarFileException(file, "the Arrow stream holds a message of type "
                        + message.headerType + " (tensor?), which is not a record batch");
            }
        }
        row++;
        Map<String, Object> record = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            record.put(fields.get(i).name, selected[i] ? batch[i][batchRow] : NOT_READ);
        }
        batchRow++;
        return record;
    }

    private void decodeBatch(Message message) throws IOException {
        long length = batchLength(message);
        if (message.bodyLength > Integer.MAX_VALUE - 16) {
            throw new ColumnarFileException(file, "a record batch body of " + message.bodyLength + " bytes is larger "
                    + "than trainbench reads at once (2 GB); rewrite the dataset with smaller batches");
        }
        if (length < 0 || length > Integer.MAX_VALUE - 16 || length > 8L * message.bodyLength + (1 << 16)) {
            throw new ColumnarFileException(file, "a record batch declares " + length + " rows");
        }
        try {
            recordBatch = message.header;
            messageVersion = message.version;
            body = read(message.bodyPosition, (int) message.bodyLength);
            batchRows = (int) length;
            batchRow = 0;
            batch = null;
            nodeCount = recordBatch.vectorLength(1);
            bufferCount = recordBatch.vectorLength(2);
            decompressedBuffers = null;
            if (recordBatch.has(3)) {
                decompressBody(recordBatch.table(3), message.bodyPosition);
            }
            nodeIndex = 0;
            bufferIndex = 0;
            variadicIndex = 0;
            Object[][] decoded = new Object[fields.size()][];
            for (int i = 0; i < fields.size(); i++) {
                Field field = fields.get(i);
                if (selected[i]) {
                    decoded[i] = decode(field, field.name);
                    if (decoded[i].length != length) {
                        throw new IllegalArgumentException("column '" + field.name + "' has " + decoded[i].length
                                + " values in a batch of " + length + " rows");
                    }
                } else {
                    skip(field);
                }
            }
            batch = decoded;
            body = null;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ColumnarFileException(file, "the record batch at byte " + message.bodyPosition + " (rows from "
                    + (row + 1) + ") is corrupt: " + e.getMessage());
        }
    }

    private long[] node() {
        if (nodeIndex >= nodeCount) {
            throw new IllegalArgumentException("the batch has fewer field nodes than the schema needs");
        }
        long[] node = {recordBatch.structLong(1, nodeIndex, 2, 0), recordBatch.structLong(1, nodeIndex, 2, 1)};
        nodeIndex++;
        // Every value takes at least a validity bit or a byte of data (only null columns take none, and they are
        // no longer than their batch): a longer node is corrupt metadata, refused before anything is allocated.
        if (node[0] < 0 || node[0] > Math.max(batchRows, 8L * body.length + 64) || node[0] > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a field node declares " + node[0] + " values for a body of "
                    + body.length + " bytes");
        }
        return node;
    }

    /**
     * A compressed body (BodyCompression: each buffer on its own, as an 8-byte little-endian uncompressed length, -1
     * for a buffer stored as is, then the codec's bytes) is replaced by the buffers decompressed one after the other,
     * and {@link #buffer()} then gives their places in it.
     */
    private void decompressBody(FlatBufferTable compression, long bodyPosition) throws ColumnarFileException {
        int codecNumber = compression.int8(0, 0);
        if (compression.int8(1, 0) != 0) {
            throw new ColumnarFileException(file, "the record batch at byte " + bodyPosition + " compresses its body "
                    + "with method " + compression.int8(1, 0) + "; Arrow defines only BUFFER (0)");
        }
        if (codecNumber < 0 || codecNumber >= Compression.ARROW.length) {
            throw new ColumnarFileException(file, "the record batch at byte " + bodyPosition + " uses compression codec "
                    + codecNumber + ", which Arrow does not define (LZ4_FRAME is 0, ZSTD 1)");
        }
        Compression codec = Compression.ARROW[codecNumber];
        int[][] places = new int[bufferCount][];
        byte[][] parts = new byte[bufferCount][];
        long total = 0;
        for (int i = 0; i < bufferCount; i++) {
            int[] stored = storedBuffer(i);
            if (stored[1] == 0) {
                parts[i] = new byte[0];
            } else {
                if (stored[1] < 8) {
                    throw new IllegalArgumentException("compressed buffer " + i + " has " + stored[1]
                            + " bytes, fewer than its 8-byte length");
                }
                long uncompressed = littleEndianLong(body, stored[0]);
                if (uncompressed == -1) {
                    parts[i] = Arrays.copyOfRange(body, stored[0] + 8, stored[0] + stored[1]);
                } else if (uncompressed < 0 || uncompressed > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException("compressed buffer " + i + " declares " + uncompressed
                            + " uncompressed bytes");
                } else {
                    try {
                        parts[i] = codec.decompress(body, stored[0] + 8, stored[1] - 8, (int) uncompressed);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("buffer " + i + " (" + Compression.ARROW_NAMES[codecNumber]
                                + "): " + e.getMessage(), e);
                    }
                }
            }
            places[i] = new int[] {(int) total, parts[i].length};
            total += (parts[i].length + 7) / 8 * 8;
            if (total > Integer.MAX_VALUE - 16) {
                throw new ColumnarFileException(file, "a record batch at byte " + bodyPosition + " decompresses to more "
                        + "than trainbench reads at once (2 GB); rewrite the dataset with smaller batches");
            }
        }
        byte[] decompressed = new byte[(int) total];
        for (int i = 0; i < bufferCount; i++) {
            System.arraycopy(parts[i], 0, decompressed, places[i][0], parts[i].length);
        }
        body = decompressed;
        decompressedBuffers = places;
    }

    private static long littleEndianLong(byte[] b, int at) {
        long value = 0;
        for (int k = 7; k >= 0; k--) {
            value = value << 8 | (b[at + k] & 0xFF);
        }
        return value;
    }

    /** The next buffer as {offset, length} inside the body, checked to lie inside it. */
    private int[] buffer() {
        if (bufferIndex >= bufferCount) {
            throw new IllegalArgumentException("the batch has fewer buffers than the schema needs");
        }
        if (decompressedBuffers != null) {
            return decompressedBuffers[bufferIndex++];
        }
        return storedBuffer(bufferIndex++);
    }

    /** Buffer {@code index} as the batch stores it, {offset, length} inside the stored body, checked to lie inside it. */
    private int[] storedBuffer(int index) {
        int bufferIndex = index + 1;
        long offset = recordBatch.structLong(2, index, 2, 0);
        long length = recordBatch.structLong(2, index, 2, 1);
        if (offset < 0 || length < 0 || offset + length > body.length) {
            throw new IllegalArgumentException("buffer " + (bufferIndex - 1) + " (bytes " + offset + " to "
                    + (offset + length) + ") lies outside the batch body of " + body.length + " bytes");
        }
        return new int[] {(int) offset, (int) length};
    }

    private void skip(Field field) {
        nodeIndex++;
        int buffers = switch (field.type) {
            case NULL, RUN_END_ENCODED -> 0;
            case STRUCT, FIXED_SIZE_LIST -> 1;
            case BINARY, UTF8, LARGE_BINARY, LARGE_UTF8, LIST_VIEW, LARGE_LIST_VIEW -> 3;
            case UNION -> (messageVersion < METADATA_V5 ? 1 : 0)
                    + (field.typeTable != null && field.typeTable.int16(0, 0) == 1 ? 2 : 1);
            case BINARY_VIEW, UTF8_VIEW -> 2 + (int) recordBatch.longAt(4, variadicIndex++);
            default -> 2;
        };
        bufferIndex += buffers;
        for (Field child : field.children) {
            skip(child);
        }
    }

    private Object[] decode(Field field, String path) {
        long[] node = node();
        int length = (int) node[0];
        boolean hasNulls = node[1] > 0;
        Object[] values = new Object[length];
        if (field.type == NULL) {
            return values;
        }
        int[] validity = buffer();
        if (hasNulls && validity[1] < (length + 7) / 8) {
            throw new IllegalArgumentException("column '" + path + "' has a validity bitmap shorter than its values");
        }
        switch (field.type) {
            case INT, DATE, TIME, TIMESTAMP, DURATION -> {
                int width = switch (field.type) {
                    case INT -> field.typeTable.int32(0, 0) / 8;
                    case DATE -> field.typeTable == null || field.typeTable.int16(0, 1) == 1 ? 8 : 4;
                    case TIME -> field.typeTable == null ? 4 : field.typeTable.int32(1, 32) / 8;
                    default -> 8;
                };
                boolean signed = field.type != INT || field.typeTable.bool(1, false);
                int[] data = buffer();
                need(data, (long) width * length, path);
                for (int i = 0; i < length; i++) {
                    if (valid(validity, hasNulls, i)) {
                        long value = integer(data[0] + width * i, width, signed);
                        // uint64 beyond Long.MAX_VALUE: a Double, as the JSON reader gives for integers that do not fit.
                        values[i] = !signed && value < 0 ? (Object) Double.parseDouble(Long.toUnsignedString(value)) : (Object) value;
                    }
                }
            }
            case FLOATING_POINT -> {
                int width = field.typeTable.int16(0, 0) == 1 ? 4 : 8;
                int[] data = buffer();
                need(data, (long) width * length, path);
                for (int i = 0; i < length; i++) {
                    if (valid(validity, hasNulls, i)) {
                        long bits = integer(data[0] + width * i, width, false);
                        values[i] = width == 4 ? (double) Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
                    }
                }
            }
            case BOOL -> {
                int[] data = buffer();
                need(data, (length + 7L) / 8, path);
                for (int i = 0; i < length; i++) {
                    if (valid(validity, hasNulls, i)) {
                        values[i] = bit(data[0], i);
                    }
                }
            }
            case UTF8, LARGE_UTF8, BINARY, LARGE_BINARY -> {
                boolean large = field.type == LARGE_UTF8 || field.type == LARGE_BINARY;
                boolean text = field.type == UTF8 || field.type == LARGE_UTF8;
                long[] offsets = offsets(buffer(), length, large, path);
                int[] data = buffer();
                for (int i = 0; i < length; i++) {
                    if (valid(validity, hasNulls, i)) {
                        long begin = offsets[i];
                        long end = offsets[i + 1];
                        if (begin < 0 || end < begin || end > data[1]) {
                            throw new IllegalArgumentException("column '" + path + "' value " + i + " has offsets "
                                    + begin + " to " + end + " outside its data of " + data[1] + " bytes");
                        }
                        // Malformed UTF-8 becomes U+FFFD, as in the JSON Lines reader.
                        values[i] = text ? new String(body, data[0] + (int) begin, (int) (end - begin), StandardCharsets.UTF_8)
                                : Arrays.copyOfRange(body, data[0] + (int) begin, data[0] + (int) end);
                    }
                }
            }
            case FIXED_SIZE_BINARY -> {
                int width = field.typeTable.int32(0, 0);
                int[] data = buffer();
                need(data, (long) width * length, path);
                for (int i = 0; i < length; i++) {
                    if (valid(validity, hasNulls, i)) {
                        values[i] = Arrays.copyOfRange(body, data[0] + width * i, data[0] + width * (i + 1));
                    }
                }
            }
            case LIST, LARGE_LIST, MAP -> {
                long[] offsets = offsets(buffer(), length, field.type == LARGE_LIST, path);
                if (field.children.size() != 1) {
                    throw new IllegalArgumentException("list column '" + path + "' has " + field.children.size()
                            + " child fields, expected 1");
                }
                Object[] items = decode(field.children.get(0), path + "." + field.children.get(0).name);
                for (int i = 0; i < length; i++) {
                    if (valid(validity, hasNulls, i)) {
                        long begin = offsets[i];
                        long end = offsets[i + 1];
                        if (begin < 0 || end < begin || end > items.length) {
                            throw new IllegalArgumentException("list column '" + path + "' value " + i + " has offsets "
                                    + begin + " to " + end + " outside its " + items.length + " items");
                        }
                        List<Object> list = new ArrayList<>(Arrays.asList(items).subList((int) begin, (int) end));
                        values[i] = field.type == MAP ? map(list) : list;
                    }
                }
            }
            case FIXED_SIZE_LIST -> {
                int size = field.typeTable.int32(0, 0);
                Object[] items = decode(field.children.get(0), path + "." + field.children.get(0).name);
                if ((long) size * length > items.length || size < 0) {
                    throw new IllegalArgumentException("fixed-size list column '" + path + "' needs " + size * (long) length
                            + " items, it has " + items.length);
                }
                for (int i = 0; i < length; i++) {
                    if (valid(validity, hasNulls, i)) {
                        values[i] = new ArrayList<>(Arrays.asList(items).subList(size * i, size * (i + 1)));
                    }
                }
            }
            case STRUCT -> {
                List<Object[]> children = new ArrayList<>();
                for (Field child : field.children) {
                    Object[] decoded = decode(child, path + "." + child.name);
                    if (decoded.length < length) {
                        throw new IllegalArgumentException("struct column '" + path + "' field '" + child.name + "' has "
                                + decoded.length + " values for " + length + " structs");
                    }
                    children.add(decoded);
                }
                for (int i = 0; i < length; i++) {
                    if (valid(validity, hasNulls, i)) {
                        Map<String, Object> struct = new LinkedHashMap<>();
                        for (int c = 0; c < field.children.size(); c++) {
                            struct.put(field.children.get(c).name, children.get(c)[i]);
                        }
                        values[i] = struct;
                    }
                }
            }
            default -> throw new IllegalArgumentException("column '" + path + "' has the unsupported type "
                    + field.typeName());
        }
        return values;
    }

    private static Map<String, Object> map(List<Object> entries) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Object entry : entries) {
            if (entry instanceof Map<?, ?> pair) {
                java.util.Iterator<?> it = pair.values().iterator();
                Object key = it.hasNext() ? it.next() : null;
                map.put(String.valueOf(key), it.hasNext() ? it.next() : null);
            }
        }
        return map;
    }

    private long[] offsets(int[] buffer, int length, boolean large, String path) {
        long[] offsets = new long[length + 1];
        if (length == 0) {
            return offsets;
        }
        int width = large ? 8 : 4;
        need(buffer, (long) width * (length + 1), path);
        for (int i = 0; i <= length; i++) {
            offsets[i] = integer(buffer[0] + width * i, width, true);
        }
        return offsets;
    }

    private static void need(int[] buffer, long bytes, String path) {
        if (buffer[1] < bytes) {
            throw new IllegalArgumentException("column '" + path + "' has a buffer of " + buffer[1] + " bytes where its "
                    + "values need " + bytes);
        }
    }

    private boolean valid(int[] validity, boolean hasNulls, int i) {
        return !hasNulls || bit(validity[0], i);
    }

    private boolean bit(int offset, int i) {
        return ((body[offset + (i >>> 3)] >>> (i & 7)) & 1) != 0;
    }

    private long integer(int at, int width, boolean signed) {
        long value = 0;
        for (int k = 0; k < width; k++) {
            value |= (long) (body[at + k] & 0xFF) << (8 * k);
        }
        if (signed && width < 8) {
            int shift = 64 - 8 * width;
            value = (value << shift) >> shift;
        }
        return value;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
