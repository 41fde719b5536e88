package org.trainbench.engine.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Reader of Fast-LLM's memmap dataset (the Megatron-LM-derived {@code .idx} + {@code .bin} pair, versions 1 to 3), the
 * format {@code trainbench prepare} writes and Fast-LLM's {@code LegacyMemmapDataset} reads.
 *
 * <h2>Byte layout</h2> All integers are little-endian; nothing is aligned.
 * <p>
 * {@code <prefix>.bin}: the tokens of all documents back to back, each token one element of the header's data type.
 * <p>
 * {@code <prefix>.idx}:
 * <pre>
 * offset  size        field
 * 0       9           magic "MMIDIDX\0\0"
 * 9       8  u64      version: 1, 2 (adds loss-masking spans) or 3 (adds preference spans)
 *            u8       version >= 2 only: 1 if loss-masking spans follow, else 0
 *            u8       version >= 3 only: 1 if chosen/rejected preference spans follow, else 0
 *            u8       token data type code ({@link TokenDataType}: 1 uint8, 2 int8, 3 int16, 4 int32, 5 int64, 8 uint16)
 *            u64      N, the number of documents ("sequences" in Megatron)
 *            u64      N + 1 (Megatron's document count; unused)
 *            i32[N]   document lengths in tokens
 *            i64[N]   document start offsets in the .bin file, in BYTES
 *   if loss-masking spans:
 *            i32[N]   number of spans of each document
 *            i32[S*2] the spans of all documents in document order, S = sum of the counts, each (begin, end) as token
 *                     positions inside the document, end INCLUSIVE
 *   if preference spans (not together with loss-masking spans):
 *            i32[N*2] chosen span of each document, (begin, end) inclusive
 *            i32[N*2] rejected span of each document
 *            i64[N+1] 0, 1, ..., N (Megatron's document index; unused, written for compatibility)
 * </pre>
 * With version 3 and no spans, Fast-LLM's writer still writes an i32[N] span-count array when it was given empty span
 * lists; readers skip it because the flag is 0. This reader never reads past the arrays the flags announce.
 * <p>
 * Thread safety: after {@link #open}, all read methods may be called from several threads.
 */
public final class MemmapDataset implements DocumentDataset {

    static final byte[] MAGIC = "MMIDIDX\0\0".getBytes(StandardCharsets.US_ASCII);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path prefix;
    private final Arena arena;
    private final MemorySegment index;
    private final MemorySegment data;
    private final long version;
    private final TokenDataType dataType;
    private final int documentCount;
    private final long lengthsOffset;
    private final long pointersOffset;
    private final boolean hasLossMaskingSpans;
    private final boolean hasPreferenceSpans;
    private final long spansOffset;
    /** spanStart[i] = number of spans of documents before i, so the spans of i begin at spansOffset + 8 * spanStart[i]. */
    private final long[] spanStart;
    private final long preferenceOffset;

    private MemmapDataset(Path prefix, Arena arena, MemorySegment index, MemorySegment data) throws IOException {
        this.prefix = prefix;
        this.arena = arena;
        this.index = index;
        this.data = data;
        Path indexFile = indexFile(prefix);
        long size = index.byteSize();
        require(size >= MAGIC.length + 8, indexFile, "the file is " + size + " bytes, shorter than the header");
        for (int i = 0; i < MAGIC.length; i++) {
            require(index.get(ValueLayout.JAVA_BYTE, i) == MAGIC[i], indexFile,
                    "it does not start with the memmap index magic \"MMIDIDX\\0\\0\": not a Fast-LLM/Megatron index file");
        }
        long position = MAGIC.length;
        version = index.get(I64, position);
        position += 8;
        require(version >= 1 && version <= 3, indexFile,
                "unsupported memmap version " + version + " (this reader knows versions 1, 2 and 3)");
        require(size >= position + (version >= 3 ? 2 : version >= 2 ? 1 : 0) + 1 + 16, indexFile, "the header is truncated");
        hasLossMaskingSpans = version >= 2 && index.get(ValueLayout.JAVA_BYTE, position++) != 0;
        hasPreferenceSpans = version >= 3 && index.get(ValueLayout.JAVA_BYTE, position++) != 0;
        int code = index.get(ValueLayout.JAVA_BYTE, position++) & 0xFF;
        try {
            dataType = TokenDataType.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw new DatasetFormatException(indexFile, e.getMessage());
        }
        require(dataType.holdsTokenIds(), indexFile, "token data type " + dataType + " cannot hold token ids");
        long documents = index.get(I64, position);
        position += 16;
        require(documents >= 0 && documents <= Integer.MAX_VALUE && documents * 12 <= size - position, indexFile,
                "the header announces " + documents + " documents, which do not fit in the file's " + size + " bytes");
        documentCount = (int) documents;
        lengthsOffset = position;
        pointersOffset = lengthsOffset + 4L * documentCount;
        long afterPointers = pointersOffset + 8L * documentCount;

        long dataSize = data.byteSize();
        require(dataSize % dataType.byteSize() == 0, dataFile(prefix),
                "its size " + dataSize + " is not a multiple of the token size " + dataType.byteSize() + " (" + dataType + ")");
        for (int i = 0; i < documentCount; i++) {
            long length = index.get(I32, lengthsOffset + 4L * i);
            long pointer = index.get(I64, pointersOffset + 8L * i);
            if (length < 0 || pointer < 0 || pointer + length * dataType.byteSize() > dataSize) {
                throw new DatasetFormatException(indexFile, "document " + i + " (length " + length + ", byte offset "
                        + pointer + ") lies outside the " + dataSize + "-byte token file " + dataFile(prefix));
            }
        }

        if (hasLossMaskingSpans) {
            require(afterPointers + 4L * documentCount <= size, indexFile, "the span counts are truncated");
            spanStart = new long[documentCount + 1];
            for (int i = 0; i < documentCount; i++) {
                int count = index.get(I32, afterPointers + 4L * i);
                require(count >= 0, indexFile, "document " + i + " has a negative span count " + count);
                spanStart[i + 1] = spanStart[i] + count;
            }
            spansOffset = afterPointers + 4L * documentCount;
            require(spansOffset + 8L * spanStart[documentCount] <= size, indexFile,
                    "the spans are truncated: " + spanStart[documentCount] + " spans announced");
        } else {
            spanStart = null;
            spansOffset = -1;
        }
        preferenceOffset = afterPointers;
        if (hasPreferenceSpans) {
            require(preferenceOffset + 16L * documentCount <= size, indexFile, "the preference spans are truncated");
        }
    }

    /**
     * Opens {@code prefix.idx} and {@code prefix.bin} (the prefix is the path without suffix, as in Fast-LLM configs; a
     * prefix given with {@code .idx} or {@code .bin} is accepted too).
     *
     * @throws NoSuchFileException if either file is missing
     * @throws DatasetFormatException if the files do not follow the layout, naming the file and what is wrong
     */
    public static MemmapDataset open(Path prefix) throws IOException {
        prefix = stripSuffix(prefix);
        Arena arena = Arena.ofShared();
        try {
            MemorySegment index = map(indexFile(prefix), arena);
            MemorySegment data;
            try {
                data = map(dataFile(prefix), arena);
            } catch (NoSuchFileException e) {
                throw new NoSuchFileException(dataFile(prefix).toString(), null, "missing, although its index "
                        + indexFile(prefix).getFileName() + " is there: the dataset is incomplete; prepare it again"
                        + " (trainbench prepare) or restore the file");
            }
            return new MemmapDataset(prefix, arena, index, data);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static MemorySegment map(Path file, Arena arena) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
        }
    }

    static Path stripSuffix(Path prefix) {
        String name = prefix.getFileName().toString();
        if (name.endsWith(".idx") || name.endsWith(".bin")) {
            return prefix.resolveSibling(name.substring(0, name.length() - 4));
        }
        return prefix;
    }

    public static Path indexFile(Path prefix) {
        return prefix.resolveSibling(prefix.getFileName() + ".idx");
    }

    public static Path dataFile(Path prefix) {
        return prefix.resolveSibling(prefix.getFileName() + ".bin");
    }

    private static void require(boolean condition, Path file, String problem) throws DatasetFormatException {
        if (!condition) {
            throw new DatasetFormatException(file, problem);
        }
    }

    public Path prefix() {
        return prefix;
    }

    @Override
    public String name() {
        return prefix.getFileName().toString();
    }

    /** The index version found in the header (1, 2 or 3). */
    public long version() {
        return version;
    }

    public TokenDataType dataType() {
        return dataType;
    }

    @Override
    public int documentCount() {
        return documentCount;
    }

    @Override
    public long tokenCount() {
        return data.byteSize() / dataType.byteSize();
    }

    @Override
    public int documentLength(int document) {
        return index.get(I32, lengthsOffset + 4L * Objects.checkIndex(document, documentCount));
    }

    private long pointer(int document) {
        return index.get(I64, pointersOffset + 8L * document);
    }

    @Override
    public int[] tokens(int document) {
        int length = documentLength(document);
        int[] tokens = new int[length];
        readTokens(document, 0, length, tokens, 0);
        return tokens;
    }

    @Override
    public void readTokens(int document, int begin, int end, int[] destination, int destinationOffset) {
        int length = documentLength(document);
        if (begin < 0 || end < begin || end > length) {
            throw new IndexOutOfBoundsException("token range [" + begin + ", " + end + ") outside document " + document
                    + " of length " + length);
        }
        long start = pointer(document) + (long) begin * dataType.byteSize();
        int count = end - begin;
        switch (dataType) {
            case INT32 -> MemorySegment.copy(data, I32, start, destination, destinationOffset, count);
            case UINT16, INT16 -> {
                boolean unsigned = dataType == TokenDataType.UINT16;
                for (int i = 0; i < count; i++) {
                    short value = data.get(I16, start + 2L * i);
                    destination[destinationOffset + i] = unsigned ? Short.toUnsignedInt(value) : value;
                }
            }
            case UINT8, INT8 -> {
                boolean unsigned = dataType == TokenDataType.UINT8;
                for (int i = 0; i < count; i++) {
                    byte value = data.get(ValueLayout.JAVA_BYTE, start + i);
                    destination[destinationOffset + i] = unsigned ? Byte.toUnsignedInt(value) : value;
                }
            }
            case INT64 -> {
                for (int i = 0; i < count; i++) {
                    long value = data.get(I64, start + 8L * i);
                    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                        throw new ArithmeticException("token " + (begin + i) + " of document " + document + " in "
                                + dataFile(prefix) + " is " + value + ", beyond the int range of token ids");
                    }
                    destination[destinationOffset + i] = (int) value;
                }
            }
            default -> throw new IllegalStateException("unreachable: " + dataType);
        }
    }

    @Override
    public boolean hasLossMaskingSpans() {
        return hasLossMaskingSpans;
    }

    public boolean hasPreferenceSpans() {
        return hasPreferenceSpans;
    }

    @Override
    public int[][] spans(int document) {
        Objects.checkIndex(document, documentCount);
        if (!hasLossMaskingSpans) {
            return new int[0][];
        }
        int count = (int) (spanStart[document + 1] - spanStart[document]);
        long base = spansOffset + 8L * spanStart[document];
        int[][] spans = new int[count][];
        for (int s = 0; s < count; s++) {
            spans[s] = new int[] {index.get(I32, base + 8L * s), index.get(I32, base + 8L * s + 4)};
        }
        return spans;
    }

    /** The chosen span {@code [begin, end]} (inclusive) of a preference dataset's document. */
    public int[] chosenSpan(int document) {
        return preferenceSpan(document, 0);
    }

    /** The rejected span {@code [begin, end]} (inclusive) of a preference dataset's document. */
    public int[] rejectedSpan(int document) {
        return preferenceSpan(document, 8L * documentCount);
    }

    private int[] preferenceSpan(int document, long arrayOffset) {
        Objects.checkIndex(document, documentCount);
        if (!hasPreferenceSpans) {
            throw new IllegalStateException(indexFile(prefix) + " has no preference spans");
        }
        long at = preferenceOffset + arrayOffset + 8L * document;
        return new int[] {index.get(I32, at), index.get(I32, at + 4)};
    }

    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "MemmapDataset[" + prefix + ", v" + version + ", " + dataType + ", " + documentCount + " documents, "
                + tokenCount() + " tokens" + (hasLossMaskingSpans ? ", loss-masking spans" : "") + "]";
    }

    /** Kept for callers that want plain arrays of all lengths (e.g. packing); O(N) memory. */
    public int[] documentLengths() {
        int[] lengths = new int[documentCount];
        MemorySegment.copy(index, I32, lengthsOffset, lengths, 0, documentCount);
        return lengths;
    }
}
