package org.trainbench.engine.prepare.columnar;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the rows of a Parquet file, row group by row group: the footer (magic {@code PAR1} at both ends, Thrift
 * compact FileMetaData before the trailing length) gives the schema and the row groups; for each row group the
 * selected columns' chunks are read, then rows are assembled from their repetition and definition levels (Dremel
 * record assembly) into maps, lists and values. Memory holds one row group's compressed chunks of the selected columns
 * and one decoded page per column.
 * <p>
 * Nested data: structs (groups), LIST-annotated groups in the standard 3-level layout and the older 2-level ones
 * (following the format's backward-compatibility rules), MAP-annotated groups (as maps with text keys), and bare
 * repeated fields (as lists). So {@code list<list<int64>>} span columns and {@code list<struct<role, content>>}
 * conversations read as the same values as their JSON.
 */
public final class ParquetRecords implements ColumnarRecords {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final FileChannel channel;
    private final ParquetSchema schema;
    private final List<ThriftStruct> rowGroups;
    private final List<String> columns;
    private final boolean[] selected;
    private final long dataEnd;

    private int rowGroup = -1;
    private long rowsLeftInGroup;
    private long row = -1;
    private ParquetColumnChunk[] chunks;

    private ParquetRecords(Path file, FileChannel channel, ThriftStruct metadata, long dataEnd, Set<String> selection) {
        this.file = file;
        this.channel = channel;
        this.dataEnd = dataEnd;
        try {
            this.schema = ParquetSchema.of(metadata.list(2));
        } catch (IllegalArgumentException e) {
            throw new ColumnarFileException(file, "the Parquet schema is malformed: " + e.getMessage());
        }
        List<ThriftStruct> groups = new ArrayList<>();
        for (Object group : metadata.list(4)) {
            if (group instanceof ThriftStruct s) {
                groups.add(s);
            }
        }
        this.rowGroups = groups;
        List<String> names = new ArrayList<>();
        selected = new boolean[schema.root.children.size()];
        for (int i = 0; i < schema.root.children.size(); i++) {
            String name = schema.root.children.get(i).name;
            names.add(name);
            selected[i] = selection == null || selection.contains(name);
            if (selected[i]) {
                for (int column : schema.root.children.get(i).leaves) {
                    ParquetSchema.Node leaf = schema.leaves.get(column);
                    try {
                        ParquetColumnChunk.checkType(leaf);
                    } catch (ParquetColumnChunk.UnsupportedFeature e) {
                        throw new ColumnarFileException(file, "column '" + leaf.path + "' " + e.getMessage());
                    }
                }
            }
        }
        this.columns = Collections.unmodifiableList(names);
    }

    /** Opens a Parquet file; {@code selection} names the top-level columns to decode (null: all). */
    public static ParquetRecords open(Path file, Set<String> selection) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            Footer footer = footer(file, channel, size);
            return new ParquetRecords(file, channel, footer.metadata, footer.dataEnd, selection);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The number of rows the footer declares (no data page is read). */
    public static long rowCount(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ThriftStruct metadata = footer(file, channel, channel.size()).metadata;
            long rows = 0;
            for (Object group : metadata.list(4)) {
                if (group instanceof ThriftStruct s) {
                    rows += s.integer(3, 0);
                }
            }
            return rows;
        }
    }

    private record Footer(ThriftStruct metadata, long dataEnd) {
    }

    private static Footer footer(Path file, FileChannel channel, long size) throws IOException {
        if (size < 12) {
            throw new ColumnarFileException(file, "not a complete Parquet file: it has " + size + " bytes, fewer than "
                    + "the 12 of the smallest one (PAR1, footer length, PAR1); the file is truncated");
        }
        byte[] head = read(channel, 0, 4);
        byte[] tail = read(channel, size - 8, 8);
        if (!java.util.Arrays.equals(head, MAGIC)) {
            throw new ColumnarFileException(file, "not a Parquet file: it does not start with the magic bytes PAR1");
        }
        if (tail[4] == 'P' && tail[5] == 'A' && tail[6] == 'R' && tail[7] == 'E') {
            throw new ColumnarFileException(file, "the Parquet footer is encrypted (magic PARE); trainbench does not "
                    + "read encrypted Parquet files");
        }
        if (!java.util.Arrays.equals(java.util.Arrays.copyOfRange(tail, 4, 8), MAGIC)) {
            throw new ColumnarFileException(file, "the Parquet file does not end with the magic bytes PAR1: it is "
                    + "truncated or was not completely written");
        }
        long length = ParquetColumnChunk.littleEndianInt(tail, 0) & 0xFFFFFFFFL;
        if (length > size - 12) {
            throw new ColumnarFileException(file, "the Parquet footer length " + length + " is larger than the file ("
                    + size + " bytes): the file is truncated or corrupt");
        }
        long start = size - 8 - length;
        byte[] bytes = read(channel, start, (int) length);
        try {
            return new Footer(new ThriftCompactReader(bytes, 0, bytes.length).readStruct(), start);
        } catch (IllegalArgumentException e) {
            throw new ColumnarFileException(file, "the Parquet footer (FileMetaData) is corrupt: " + e.getMessage());
        }
    }

    private static byte[] read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
        return buffer.array();
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
        try {
            return nextRow();
        } catch (ParquetColumnChunk.UnsupportedFeature e) {
            throw new ColumnarFileException(file, "row group " + rowGroup + ": " + e.getMessage());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ColumnarFileException(file, "row group " + rowGroup + ", row " + row + ": the data is corrupt: "
                    + e.getMessage());
        }
    }

    private Map<String, Object> nextRow() throws IOException {
        while (rowsLeftInGroup == 0) {
            if (rowGroup >= 0) {
                checkGroupConsumed();
            }
            if (++rowGroup >= rowGroups.size()) {
                return null;
            }
            loadRowGroup();
        }
        row++;
        rowsLeftInGroup--;
        List<ParquetSchema.Node> fields = schema.root.children;
        Map<String, Object> record = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            ParquetSchema.Node field = fields.get(i);
            if (!selected[i]) {
                record.put(field.name, NOT_READ);
            } else if (field.repetition == ParquetSchema.REPEATED) {
                record.put(field.name, repeated(field));
            } else {
                record.put(field.name, value(field));
            }
        }
        return record;
    }

    private void checkGroupConsumed() {
        for (ParquetColumnChunk chunk : chunks) {
            if (chunk != null && !chunk.exhausted()) {
                throw new ColumnarFileException(file, "row group " + rowGroup + " holds more values than its "
                        + rowGroups.get(rowGroup).integer(3, 0) + " rows: the file is corrupt");
            }
        }
    }

    private void loadRowGroup() throws IOException {
        ThriftStruct group = rowGroups.get(rowGroup);
        rowsLeftInGroup = group.integer(3, 0);
        List<Object> columnChunks = group.list(1);
        if (columnChunks.size() != schema.leaves.size()) {
            throw new ColumnarFileException(file, "row group " + rowGroup + " has " + columnChunks.size()
                    + " column chunks, the schema " + schema.leaves.size() + " columns: the file is corrupt");
        }
        chunks = new ParquetColumnChunk[schema.leaves.size()];
        for (int i = 0; i < schema.root.children.size(); i++) {
            if (!selected[i]) {
                continue;
            }
            for (int column : schema.root.children.get(i).leaves) {
                chunks[column] = chunk(column, (ThriftStruct) columnChunks.get(column));
            }
        }
    }

    private ParquetColumnChunk chunk(int column, ThriftStruct columnChunk) throws IOException {
        ParquetSchema.Node leaf = schema.leaves.get(column);
        String where = "row group " + rowGroup + ", column '" + leaf.path + "'";
        if (columnChunk.has(1)) {
            throw new ColumnarFileException(file, where + " keeps its data in another file (" + columnChunk.string(1)
                    + "); trainbench reads self-contained Parquet files only");
        }
        ThriftStruct meta = columnChunk.struct(3);
        if (meta == null) {
            throw new ColumnarFileException(file, where + " has no column metadata (encrypted or corrupt)");
        }
        long dataOffset = meta.integer(9, -1);
        long dictionaryOffset = meta.integer(11, -1);
        long start = dictionaryOffset > 0 && dictionaryOffset < dataOffset ? dictionaryOffset : dataOffset;
        long length = meta.integer(7, -1);
        if (start < 4 || length < 0 || start + length > dataEnd || length > Integer.MAX_VALUE - 16) {
            throw new ColumnarFileException(file, where + " points at bytes " + start + " to " + (start + length)
                    + ", outside the file's data (4 to " + dataEnd + "): the file is truncated or corrupt");
        }
        byte[] bytes = read(channel, start, (int) length);
        try {
            return new ParquetColumnChunk(leaf, (int) meta.integer(4, -1), bytes, meta.integer(5, 0));
        } catch (ParquetColumnChunk.UnsupportedFeature e) {
            throw new ColumnarFileException(file, "column '" + leaf.path + "' (row group " + rowGroup + ") "
                    + e.getMessage() + "; rewrite the file with a supported codec, e.g. pyarrow.parquet.write_table("
                    + "table, path, compression=\"snappy\")");
        }
    }

    // Record assembly. Each call consumes exactly the entries of one instance of the node from every leaf under it;
    // a null or empty node has one entry per leaf, whose definition level stops above the node.

    private ParquetColumnChunk first(ParquetSchema.Node node) {
        return chunks[node.leaves.get(0)];
    }

    private void skip(ParquetSchema.Node node) {
        for (int column : node.leaves) {
            chunks[column].take();
        }
    }

    /** An optional or required node: null when its definition level is not reached. */
    private Object value(ParquetSchema.Node node) {
        if (node.repetition == ParquetSchema.OPTIONAL && first(node).definition() < node.definitionLevel) {
            skip(node);
            return null;
        }
        return present(node);
    }

    /** A repeated node: the list of its instances (empty when its definition level is not reached). */
    private List<Object> repeated(ParquetSchema.Node node) {
        ParquetColumnChunk first = first(node);
        if (first.definition() < node.definitionLevel) {
            skip(node);
            return new ArrayList<>();
        }
        List<Object> list = new ArrayList<>();
        do {
            list.add(element(node));
        } while (first.repetition() == node.repetitionLevel);
        return list;
    }

    /** A node known to be present: leaf value, list, map or struct. */
    private Object present(ParquetSchema.Node node) {
        if (node.isLeaf()) {
            return first(node).take();
        }
        if ((node.isList() || node.isMap()) && node.children.size() == 1
                && node.children.get(0).repetition == ParquetSchema.REPEATED) {
            List<Object> list = repeated(node.children.get(0));
            return node.isMap() ? map(list) : list;
        }
        Map<String, Object> struct = new LinkedHashMap<>();
        for (ParquetSchema.Node child : node.children) {
            struct.put(child.name, child.repetition == ParquetSchema.REPEATED ? repeated(child) : value(child));
        }
        return struct;
    }

    /**
     * One instance of a repeated node. Inside a LIST, the repeated group is a wrapper around the element (3-level
     * layout) unless it is a primitive, has several fields, or is named "array" or "&lt;list&gt;_tuple" (2-level
     * layouts of older writers, where the repeated node is the element itself).
     */
    private Object element(ParquetSchema.Node node) {
        if (!node.isLeaf() && node.children.size() == 1 && isListWrapper(node)) {
            ParquetSchema.Node element = node.children.get(0);
            return element.repetition == ParquetSchema.REPEATED ? repeated(element) : value(element);
        }
        return present(node);
    }

    private static boolean isListWrapper(ParquetSchema.Node repeated) {
        ParquetSchema.Node parent = repeated.parent;
        return parent != null && parent.isList() && !parent.isMap() && !repeated.name.equals("array")
                && !repeated.name.equals(parent.name + "_tuple");
    }

    /** MAP key/value entries as a map with text keys (JSON objects have text keys). */
    private static Map<String, Object> map(List<Object> entries) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Object entry : entries) {
            if (entry instanceof Map<?, ?> pair) {
                java.util.Iterator<?> values = pair.values().iterator();
                Object key = values.hasNext() ? values.next() : null;
                Object value = values.hasNext() ? values.next() : null;
                map.put(String.valueOf(key), value);
            }
        }
        return map;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
