package org.trainbench.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming writer of a memmap dataset in the layout documented on {@link MemmapDataset} (version 3, as Fast-LLM's
 * last {@code .idx}/{@code .bin} writer produced). Memory stays constant in the number of documents: tokens go to
 * {@code <prefix>.bin.partial}, and the per-document index arrays go to small side files that {@link #commit()}
 * assembles into {@code <prefix>.idx.partial}. Only then are both renamed to their final names, the index last, so a
 * crash never leaves a pair of final names that looks complete; {@link #close()} without commit deletes the partial
 * files.
 *
 * <pre>{@code
 * try (var writer = MemmapDatasetWriter.create(prefix, TokenDataType.INT32, true)) {
 *     writer.add(tokens, spans);
 *     writer.commit();
 * }
 * }</pre>
 * Not thread safe.
 */
public final class MemmapDatasetWriter implements AutoCloseable {

    /** Suffix of files that are being written and are not yet a dataset. */
    public static final String PARTIAL_SUFFIX = ".partial";

    private final Path prefix;
    private final TokenDataType dataType;
    private final boolean lossMaskingSpans;
    private final Path dataPartial;
    private final Path indexPartial;
    private final Path lengthsPartial;
    private final Path spanCountsPartial;
    private final Path spansPartial;
    private final LittleEndianOutput data;
    private final LittleEndianOutput lengths;
    private final LittleEndianOutput spanCounts;
    private final LittleEndianOutput spans;
    private int documentCount;
    private long tokenCount;
    private long spanCount;
    private boolean committed;
    private boolean closed;

    private MemmapDatasetWriter(Path prefix, TokenDataType dataType, boolean lossMaskingSpans) throws IOException {
        if (!dataType.holdsTokenIds()) {
            throw new IllegalArgumentException(dataType + " cannot hold token ids");
        }
        this.prefix = prefix;
        this.dataType = dataType;
        this.lossMaskingSpans = lossMaskingSpans;
        Path parent = prefix.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        dataPartial = sibling(".bin" + PARTIAL_SUFFIX);
        indexPartial = sibling(".idx" + PARTIAL_SUFFIX);
        lengthsPartial = sibling(".lengths" + PARTIAL_SUFFIX);
        spanCountsPartial = sibling(".span-counts" + PARTIAL_SUFFIX);
        spansPartial = sibling(".spans" + PARTIAL_SUFFIX);
        List<LittleEndianOutput> opened = new ArrayList<>();
        try {
            data = open(dataPartial, opened);
            lengths = open(lengthsPartial, opened);
            spanCounts = lossMaskingSpans ? open(spanCountsPartial, opened) : null;
            spans = lossMaskingSpans ? open(spansPartial, opened) : null;
        } catch (IOException e) {
            for (LittleEndianOutput output : opened) {
                output.closeQuietly();
            }
            deletePartials();
            throw e;
        }
    }

    /**
     * Starts a dataset at {@code prefix} (path without {@code .idx}/{@code .bin}); existing final files are replaced
     * only at {@link #commit()}.
     *
     * @param lossMaskingSpans whether the index carries loss-masking spans (then every document may have zero or more)
     */
    public static MemmapDatasetWriter create(Path prefix, TokenDataType dataType, boolean lossMaskingSpans)
            throws IOException {
        return new MemmapDatasetWriter(MemmapDataset.stripSuffix(prefix), dataType, lossMaskingSpans);
    }

    private Path sibling(String suffix) {
        return prefix.resolveSibling(prefix.getFileName() + suffix);
    }

    private static LittleEndianOutput open(Path file, List<LittleEndianOutput> opened) throws IOException {
        LittleEndianOutput output = new LittleEndianOutput(Files.newOutputStream(file));
        opened.add(output);
        return output;
    }

    /** Appends a document without spans. */
    public void add(int[] tokens) throws IOException {
        add(tokens, 0, tokens.length, null);
    }

    /** Appends a document; {@code spans} holds inclusive {@code [begin, end]} token positions, may be null or empty. */
    public void add(int[] tokens, int[][] spans) throws IOException {
        add(tokens, 0, tokens.length, spans);
    }

    /**
     * Appends {@code tokens[from, to)} as one document.
     *
     * @throws IllegalArgumentException if a token does not fit the data type, a span lies outside the document or has
     *         begin > end, or spans are given to a writer created without them
     */
    public void add(int[] tokens, int from, int to, int[][] documentSpans) throws IOException {
        checkOpen();
        int length = to - from;
        for (int i = from; i < to; i++) {
            if (!dataType.canHold(tokens[i])) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at position " + (i - from)
                        + " of document " + documentCount + " does not fit the dataset's data type " + dataType);
            }
        }
        int count = documentSpans == null ? 0 : documentSpans.length;
        if (count > 0 && !lossMaskingSpans) {
            throw new IllegalArgumentException("document " + documentCount
                    + " has loss-masking spans but the writer was created without them");
        }
        for (int s = 0; s < count; s++) {
            int[] span = documentSpans[s];
            if (span.length != 2 || span[0] < 0 || span[0] > span[1] || span[1] >= length) {
                throw new IllegalArgumentException("span " + s + " " + java.util.Arrays.toString(span) + " of document "
                        + documentCount + " is not an inclusive [begin, end] range inside its " + length + " tokens");
            }
        }
        switch (dataType) {
            case UINT8, INT8 -> {
                for (int i = from; i < to; i++) {
                    data.writeByte(tokens[i]);
                }
            }
            case UINT16, INT16 -> {
                for (int i = from; i < to; i++) {
                    data.writeShort(tokens[i]);
                }
            }
            case INT32 -> {
                for (int i = from; i < to; i++) {
                    data.writeInt(tokens[i]);
                }
            }
            case INT64 -> {
                for (int i = from; i < to; i++) {
                    data.writeLong(tokens[i]);
                }
            }
            default -> throw new IllegalStateException("unreachable: " + dataType);
        }
        lengths.writeInt(length);
        if (lossMaskingSpans) {
            spanCounts.writeInt(count);
            for (int s = 0; s < count; s++) {
                spans.writeInt(documentSpans[s][0]);
                spans.writeInt(documentSpans[s][1]);
            }
            spanCount += count;
        }
        documentCount++;
        tokenCount += length;
        if (documentCount == Integer.MAX_VALUE) {
            throw new IllegalStateException("a memmap dataset holds at most " + (Integer.MAX_VALUE - 1) + " documents");
        }
    }

    public int documentCount() {
        return documentCount;
    }

    public long tokenCount() {
        return tokenCount;
    }

    public Path prefix() {
        return prefix;
    }

    /**
     * Finishes the index, syncs both files to disk and moves them to their final names. After this the dataset can be
     * opened with {@link MemmapDataset#open}.
     */
    public Summary commit() throws IOException {
        return commit(null);
    }

    /**
     * Like {@link #commit()}, but the index lists the documents in {@code order}: document {@code k} of the dataset is
     * the {@code order[k]}-th document added. Token data stays where it was written (the index holds a byte offset
     * per document), so a shuffled dataset costs no copy; memory is about 24 bytes per document.
     *
     * @param order a permutation of {@code 0 .. documentCount()-1}, or null for the order of addition
     */
    public Summary commit(int[] order) throws IOException {
        checkOpen();
        if (order != null) {
            checkPermutation(order);
        }
        data.close();
        lengths.close();
        if (lossMaskingSpans) {
            spanCounts.close();
            spans.close();
        }
        try (LittleEndianOutput index = new LittleEndianOutput(Files.newOutputStream(indexPartial))) {
            index.write(MemmapDataset.MAGIC);
            index.writeLong(3);
            index.writeByte(lossMaskingSpans ? 1 : 0);
            index.writeByte(0);
            index.writeByte(dataType.code());
            index.writeLong(documentCount);
            index.writeLong(documentCount + 1L);
            if (order == null) {
                copy(lengthsPartial, index);
                try (LittleEndianInput lengthsIn = new LittleEndianInput(Files.newInputStream(lengthsPartial))) {
                    long pointer = 0;
                    for (int i = 0; i < documentCount; i++) {
                        index.writeLong(pointer);
                        pointer += (long) lengthsIn.readInt() * dataType.byteSize();
                    }
                }
                if (lossMaskingSpans) {
                    copy(spanCountsPartial, index);
                    copy(spansPartial, index);
                }
            } else {
                writeReordered(index, order);
            }
            for (long i = 0; i <= documentCount; i++) {
                index.writeLong(i);
            }
        }
        sync(dataPartial);
        sync(indexPartial);
        move(dataPartial, MemmapDataset.dataFile(prefix));
        move(indexPartial, MemmapDataset.indexFile(prefix));
        Files.deleteIfExists(lengthsPartial);
        Files.deleteIfExists(spanCountsPartial);
        Files.deleteIfExists(spansPartial);
        committed = true;
        closed = true;
        return new Summary(prefix, documentCount, tokenCount, spanCount);
    }

    private void checkPermutation(int[] order) {
        if (order.length != documentCount) {
            throw new IllegalArgumentException("order has " + order.length + " entries for " + documentCount + " documents");
        }
        java.util.BitSet seen = new java.util.BitSet(documentCount);
        for (int index : order) {
            if (index < 0 || index >= documentCount || seen.get(index)) {
                throw new IllegalArgumentException("order is not a permutation of the " + documentCount + " documents");
            }
            seen.set(index);
        }
    }

    private void writeReordered(LittleEndianOutput index, int[] order) throws IOException {
        int[] lengthOf = readInts(lengthsPartial, documentCount);
        long[] pointerOf = new long[documentCount];
        long pointer = 0;
        for (int i = 0; i < documentCount; i++) {
            pointerOf[i] = pointer;
            pointer += (long) lengthOf[i] * dataType.byteSize();
        }
        for (int k = 0; k < documentCount; k++) {
            index.writeInt(lengthOf[order[k]]);
        }
        for (int k = 0; k < documentCount; k++) {
            index.writeLong(pointerOf[order[k]]);
        }
        if (!lossMaskingSpans) {
            return;
        }
        int[] countOf = readInts(spanCountsPartial, documentCount);
        long[] firstSpan = new long[documentCount];
        for (int i = 1; i < documentCount; i++) {
            firstSpan[i] = firstSpan[i - 1] + countOf[i - 1];
        }
        for (int k = 0; k < documentCount; k++) {
            index.writeInt(countOf[order[k]]);
        }
        try (FileChannel channel = FileChannel.open(spansPartial, StandardOpenOption.READ);
                java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment spanData = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            for (int k = 0; k < documentCount; k++) {
                int document = order[k];
                long base = firstSpan[document] * 8;
                for (int s = 0; s < countOf[document]; s++) {
                    index.writeInt(spanData.get(MemmapDataset.I32, base + 8L * s));
                    index.writeInt(spanData.get(MemmapDataset.I32, base + 8L * s + 4));
                }
            }
        }
    }

    private static int[] readInts(Path file, int count) throws IOException {
        int[] values = new int[count];
        try (LittleEndianInput in = new LittleEndianInput(Files.newInputStream(file))) {
            for (int i = 0; i < count; i++) {
                values[i] = in.readInt();
            }
        }
        return values;
    }

    /** What a committed dataset holds. */
    public record Summary(Path prefix, int documentCount, long tokenCount, long spanCount) {
    }

    private static void copy(Path from, OutputStream to) throws IOException {
        try (InputStream in = Files.newInputStream(from)) {
            in.transferTo(to);
        }
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the writer of " + prefix + " is already " + (committed ? "committed" : "closed"));
        }
    }

    /** Without a prior {@link #commit()}, discards everything written: no file of this dataset is left behind. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        data.closeQuietly();
        lengths.closeQuietly();
        if (lossMaskingSpans) {
            spanCounts.closeQuietly();
            spans.closeQuietly();
        }
        deletePartials();
    }

    private void deletePartials() throws IOException {
        for (Path partial : List.of(dataPartial, indexPartial, lengthsPartial, spanCountsPartial, spansPartial)) {
            Files.deleteIfExists(partial);
        }
    }

    /** Buffered little-endian primitive output (DataOutputStream is big-endian and synchronizes per byte). */
    static final class LittleEndianOutput extends OutputStream {
        private final OutputStream out;
        private final byte[] buffer = new byte[1 << 16];
        private int used;

        LittleEndianOutput(OutputStream out) {
            this.out = out;
        }

        private void ensure(int bytes) throws IOException {
            if (used + bytes > buffer.length) {
                flush();
            }
        }

        @Override
        public void flush() throws IOException {
            out.write(buffer, 0, used);
            used = 0;
        }

        @Override
        public void write(int b) throws IOException {
            writeByte(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            flush();
            out.write(b, off, len);
        }

        void writeByte(int value) throws IOException {
            ensure(1);
            buffer[used++] = (byte) value;
        }

        void writeShort(int value) throws IOException {
            ensure(2);
            buffer[used++] = (byte) value;
            buffer[used++] = (byte) (value >>> 8);
        }

        void writeInt(int value) throws IOException {
            ensure(4);
            buffer[used++] = (byte) value;
            buffer[used++] = (byte) (value >>> 8);
            buffer[used++] = (byte) (value >>> 16);
            buffer[used++] = (byte) (value >>> 24);
        }

        void writeLong(long value) throws IOException {
            writeInt((int) value);
            writeInt((int) (value >>> 32));
        }

        @Override
        public void close() throws IOException {
            try {
                flush();
            } finally {
                out.close();
            }
        }

        void closeQuietly() {
            try {
                out.close();
            } catch (IOException ignored) {
                // discarding partial output: a failed close changes nothing
            }
        }
    }

    static final class LittleEndianInput implements AutoCloseable {
        private final InputStream in;

        LittleEndianInput(InputStream in) {
            this.in = new java.io.BufferedInputStream(in, 1 << 16);
        }

        int readInt() throws IOException {
            int b0 = in.read();
            int b1 = in.read();
            int b2 = in.read();
            int b3 = in.read();
            if ((b0 | b1 | b2 | b3) < 0) {
                throw new java.io.EOFException();
            }
            return b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
