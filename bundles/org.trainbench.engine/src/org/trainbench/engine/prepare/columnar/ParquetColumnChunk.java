package org.trainbench.engine.prepare.columnar;

import java.nio.charset.StandardCharsets;

/**
 * One column chunk of one row group, read page by page: its compressed bytes are held, and one page at a time is
 * decompressed and decoded into repetition levels, definition levels and the page's non-null values. The record
 * assembler walks the entries (one per leaf value slot, nulls and empty lists included) with {@link #repetition()},
 * {@link #definition()} and {@link #take()}.
 * <p>
 * Pages: dictionary, data page v1 and v2. Value encodings: PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY, RLE (booleans).
 * Level encodings: RLE/bit-packed hybrid and the deprecated BIT_PACKED. Codecs: UNCOMPRESSED, SNAPPY, GZIP, ZSTD,
 * LZ4 and LZ4_RAW ({@link Compression}). Anything else raises {@link UnsupportedFeature} naming the feature.
 */
final class ParquetColumnChunk {
    static final String[] ENCODINGS = {"PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED",
            "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY", "BYTE_STREAM_SPLIT",
            "ALP"};
    private static final int PLAIN = 0;
    private static final int PLAIN_DICTIONARY = 2;
    private static final int RLE = 3;
    private static final int BIT_PACKED = 4;
    private static final int RLE_DICTIONARY = 8;

    private static final int DATA_PAGE = 0;
    private static final int DICTIONARY_PAGE = 2;
    private static final int DATA_PAGE_V2 = 3;

    /** A codec, encoding or type this reader does not implement (as opposed to a corrupt file). */
    static final class UnsupportedFeature extends RuntimeException {
        UnsupportedFeature(String message) {
            super(message);
        }
    }

    private final ParquetSchema.Node leaf;
    private final Compression codec;
    private final byte[] chunk;
    private final long totalEntries;
    private final int maxDefinition;
    private final int maxRepetition;

    private int pageStart;
    private long entriesSeen;
    private Object[] dictionary;

    private int[] repetitions = new int[0];
    private int[] definitions = new int[0];
    private Object[] values = new Object[0];
    private int pageEntries;
    private int entry;
    private int value;

    ParquetColumnChunk(ParquetSchema.Node leaf, int codec, byte[] chunk, long totalEntries) {
        this.leaf = leaf;
        this.codec = codec >= 0 && codec < Compression.PARQUET.length ? Compression.PARQUET[codec] : null;
        this.chunk = chunk;
        this.totalEntries = totalEntries;
        this.maxDefinition = leaf.definitionLevel;
        this.maxRepetition = leaf.repetitionLevel;
        if (this.codec == null) {
            throw new UnsupportedFeature("uses the " + name(Compression.PARQUET_NAMES, codec) + " compression codec, which"
                    + " trainbench does not read (it reads UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4 and LZ4_RAW); rewrite"
                    + " the file with one of those");
        }
        checkType(leaf);
    }

    static void checkType(ParquetSchema.Node leaf) {
        if (leaf.type == ParquetSchema.INT96) {
            throw new UnsupportedFeature("is of the deprecated INT96 type (legacy timestamps), which trainbench does not read");
        }
        if (leaf.converted == ParquetSchema.CONVERTED_DECIMAL || leaf.hasLogical(ParquetSchema.LOGICAL_DECIMAL)) {
            throw new UnsupportedFeature("is a DECIMAL column, which trainbench does not read");
        }
        if (leaf.hasLogical(ParquetSchema.LOGICAL_FLOAT16)) {
            throw new UnsupportedFeature("is a FLOAT16 column, which trainbench does not read");
        }
    }

    static String name(String[] names, int index) {
        return index >= 0 && index < names.length ? names[index] : "unknown (" + index + ")";
    }

    /** The repetition level of the next entry, or -1 when the chunk has no more entries. */
    int repetition() {
        if (!ensureEntry()) {
            return -1;
        }
        return maxRepetition == 0 ? 0 : repetitions[entry];
    }

    /** The definition level of the next entry; the chunk must have one. */
    int definition() {
        if (!ensureEntry()) {
            throw new IllegalArgumentException("the column chunk ends (" + totalEntries + " values) before the row "
                    + "group's last row");
        }
        return maxDefinition == 0 ? 0 : definitions[entry];
    }

    /** Consumes the next entry: its value, or null when it is not defined to the leaf. */
    Object take() {
        int d = definition();
        entry++;
        entriesSeen++;
        return d == maxDefinition ? values[value++] : null;
    }

    boolean exhausted() {
        return !ensureEntry();
    }

    private boolean ensureEntry() {
        while (entry >= pageEntries) {
            if (entriesSeen >= totalEntries) {
                return false;
            }
            readPage();
        }
        return true;
    }

    /** Reads the next page; problems name the column (the caller adds the file and row group). */
    private void readPage() {
        try {
            readPageOf();
        } catch (UnsupportedFeature e) {
            throw new UnsupportedFeature("column '" + leaf.path + "' " + e.getMessage());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("column '" + leaf.path + "': " + e.getMessage(), e);
        }
    }

    private void readPageOf() {
        if (pageStart >= chunk.length) {
            throw new IllegalArgumentException("the column chunk ends after " + entriesSeen + " of its " + totalEntries
                    + " values");
        }
        ThriftCompactReader reader = new ThriftCompactReader(chunk, pageStart, chunk.length);
        ThriftStruct header = reader.readStruct();
        int body = reader.position();
        int type = (int) header.integer(1, "PageHeader.type");
        int uncompressed = (int) header.integer(2, "PageHeader.uncompressed_page_size");
        int compressed = (int) header.integer(3, "PageHeader.compressed_page_size");
        if (compressed < 0 || uncompressed < 0 || compressed > chunk.length - body) {
            throw new IllegalArgumentException("a page of " + compressed + " bytes at chunk byte " + body
                    + " runs past the end of the column chunk (" + chunk.length + " bytes): the file is truncated or corrupt");
        }
        pageStart = body + compressed;
        switch (type) {
            case DICTIONARY_PAGE -> {
                ThriftStruct h = header.struct(7);
                if (h == null) {
                    throw new IllegalArgumentException("a dictionary page has no dictionary_page_header");
                }
                int count = (int) h.integer(1, "DictionaryPageHeader.num_values");
                int encoding = (int) h.integer(2, "DictionaryPageHeader.encoding");
                if (encoding != PLAIN && encoding != PLAIN_DICTIONARY) {
                    throw new UnsupportedFeature("has a dictionary page in the " + name(ENCODINGS, encoding)
                            + " encoding, which trainbench does not read");
                }
                byte[] page = decompress(chunk, body, compressed, uncompressed);
                if (count < 0 || count > 8L * page.length + 8) {
                    throw new IllegalArgumentException("a dictionary page of " + page.length + " bytes declares " + count
                            + " values");
                }
                dictionary = new Object[count];
                decodePlain(page, 0, page.length, dictionary, count);
                pageEntries = 0;
                entry = 0;
            }
            case DATA_PAGE -> dataPageV1(header, body, compressed, uncompressed);
            case DATA_PAGE_V2 -> dataPageV2(header, body, compressed, uncompressed);
            default -> {
                // Index pages and future page types carry no values for us.
                pageEntries = 0;
                entry = 0;
            }
        }
    }

    private void dataPageV1(ThriftStruct header, int body, int compressed, int uncompressed) {
        ThriftStruct h = header.struct(5);
        if (h == null) {
            throw new IllegalArgumentException("a data page has no data_page_header");
        }
        int count = (int) h.integer(1, "DataPageHeader.num_values");
        int encoding = (int) h.integer(2, "DataPageHeader.encoding");
        byte[] page = decompress(chunk, body, compressed, uncompressed);
        int at = 0;
        allocate(count);
        if (maxRepetition > 0) {
            at = levelsV1(page, at, (int) h.integer(4, "DataPageHeader.repetition_level_encoding"), maxRepetition,
                    repetitions, count);
        }
        if (maxDefinition > 0) {
            at = levelsV1(page, at, (int) h.integer(3, "DataPageHeader.definition_level_encoding"), maxDefinition,
                    definitions, count);
        }
        decodeValues(encoding, page, at, page.length, count);
    }

    private void dataPageV2(ThriftStruct header, int body, int compressed, int uncompressed) {
        ThriftStruct h = header.struct(8);
        if (h == null) {
            throw new IllegalArgumentException("a data page v2 has no data_page_header_v2");
        }
        int count = (int) h.integer(1, "DataPageHeaderV2.num_values");
        int encoding = (int) h.integer(4, "DataPageHeaderV2.encoding");
        int definitionBytes = (int) h.integer(5, "DataPageHeaderV2.definition_levels_byte_length");
        int repetitionBytes = (int) h.integer(6, "DataPageHeaderV2.repetition_levels_byte_length");
        boolean isCompressed = h.bool(7, true);
        if (definitionBytes < 0 || repetitionBytes < 0 || definitionBytes + repetitionBytes > compressed
                || definitionBytes + repetitionBytes > uncompressed) {
            throw new IllegalArgumentException("a data page v2 declares level sections larger than the page");
        }
        allocate(count);
        // Levels in v2 pages are never compressed and carry no length prefix.
        if (maxRepetition > 0) {
            RleBitPackedHybrid.decode(chunk, body, body + repetitionBytes, RleBitPackedHybrid.bitWidth(maxRepetition),
                    repetitions, count);
        }
        if (maxDefinition > 0) {
            RleBitPackedHybrid.decode(chunk, body + repetitionBytes, body + repetitionBytes + definitionBytes,
                    RleBitPackedHybrid.bitWidth(maxDefinition), definitions, count);
        }
        int levels = repetitionBytes + definitionBytes;
        if (isCompressed && codec != Compression.UNCOMPRESSED) {
            byte[] data = decompress(chunk, body + levels, compressed - levels, uncompressed - levels);
            decodeValues(encoding, data, 0, data.length, count);
        } else {
            decodeValues(encoding, chunk, body + levels, body + compressed, count);
        }
    }

    private void allocate(int count) {
        if (count < 0 || count > totalEntries - entriesSeen) {
            throw new IllegalArgumentException("a data page declares " + count + " values, the column chunk has "
                    + (totalEntries - entriesSeen) + " left");
        }
        if (maxRepetition > 0 && repetitions.length < count) {
            repetitions = new int[count];
        }
        if (maxDefinition > 0 && definitions.length < count) {
            definitions = new int[count];
        }
        pageEntries = count;
        entry = 0;
        value = 0;
    }

    private static int levelsV1(byte[] page, int at, int encoding, int max, int[] out, int count) {
        int width = RleBitPackedHybrid.bitWidth(max);
        if (encoding == RLE) {
            if (at + 4 > page.length) {
                throw new IllegalArgumentException("a data page ends inside its level section");
            }
            int length = littleEndianInt(page, at);
            if (length < 0 || length > page.length - at - 4) {
                throw new IllegalArgumentException("a level section of " + length + " bytes runs past the end of its page");
            }
            RleBitPackedHybrid.decode(page, at + 4, at + 4 + length, width, out, count);
            return at + 4 + length;
        }
        if (encoding == BIT_PACKED) {
            RleBitPackedHybrid.decodeBitPacked(page, at, page.length, width, out, count);
            return at + (int) (((long) count * width + 7) / 8);
        }
        throw new UnsupportedFeature("has levels in the " + name(ENCODINGS, encoding) + " encoding, which trainbench "
                + "does not read");
    }

    private void decodeValues(int encoding, byte[] data, int at, int end, int count) {
        int present = count;
        if (maxDefinition > 0) {
            present = 0;
            for (int i = 0; i < count; i++) {
                if (definitions[i] == maxDefinition) {
                    present++;
                }
            }
        }
        if (values.length < present) {
            values = new Object[present];
        }
        switch (encoding) {
            case PLAIN -> decodePlain(data, at, end, values, present);
            case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
                if (dictionary == null) {
                    throw new IllegalArgumentException("a dictionary-encoded page comes without a dictionary page");
                }
                if (present == 0) {
                    return;
                }
                if (at >= end) {
                    throw new IllegalArgumentException("a dictionary-encoded page has no index data");
                }
                int[] indices = new int[present];
                RleBitPackedHybrid.decode(data, at + 1, end, data[at] & 0xFF, indices, present);
                for (int i = 0; i < present; i++) {
                    int index = indices[i];
                    if (index < 0 || index >= dictionary.length) {
                        throw new IllegalArgumentException("dictionary index " + index + " is outside the dictionary of "
                                + dictionary.length + " values");
                    }
                    values[i] = dictionary[index];
                }
            }
            case RLE -> {
                if (leaf.type != ParquetSchema.BOOLEAN) {
                    throw new UnsupportedFeature("has " + ParquetSchema.TYPE_NAMES[leaf.type] + " values in the RLE "
                            + "encoding, which trainbench does not read");
                }
                if (at + 4 > end) {
                    throw new IllegalArgumentException("an RLE boolean page has no length");
                }
                int[] bits = new int[present];
                RleBitPackedHybrid.decode(data, at + 4, Math.min(end, at + 4 + littleEndianInt(data, at)), 1, bits, present);
                for (int i = 0; i < present; i++) {
                    values[i] = bits[i] != 0;
                }
            }
            default -> throw new UnsupportedFeature("has pages in the " + name(ENCODINGS, encoding) + " encoding, which "
                    + "trainbench does not read (it reads PLAIN and dictionary encodings, pyarrow's defaults); rewrite "
                    + "the file without column_encoding options");
        }
    }

    /** PLAIN values of the leaf's physical type, converted to the values a JSON reader would give. */
    private void decodePlain(byte[] data, int at, int end, Object[] out, int count) {
        int type = leaf.type;
        switch (type) {
            case ParquetSchema.BOOLEAN -> {
                if ((count + 7L) / 8 > end - at) {
                    throw new IllegalArgumentException("a page holds fewer booleans than it declares");
                }
                for (int i = 0; i < count; i++) {
                    out[i] = ((data[at + (i >>> 3)] >>> (i & 7)) & 1) != 0;
                }
            }
            case ParquetSchema.INT32, ParquetSchema.FLOAT -> {
                need(at, end, 4L * count);
                boolean unsigned = leaf.isUnsigned();
                for (int i = 0; i < count; i++) {
                    int bits = littleEndianInt(data, at + 4 * i);
                    out[i] = type == ParquetSchema.FLOAT ? (Object) (double) Float.intBitsToFloat(bits)
                            : (Object) (unsigned ? bits & 0xFFFFFFFFL : (long) bits);
                }
            }
            case ParquetSchema.INT64, ParquetSchema.DOUBLE -> {
                need(at, end, 8L * count);
                boolean unsigned = leaf.isUnsigned();
                for (int i = 0; i < count; i++) {
                    long bits = littleEndianLong(data, at + 8 * i);
                    if (type == ParquetSchema.DOUBLE) {
                        out[i] = Double.longBitsToDouble(bits);
                    } else if (unsigned && bits < 0) {
                        // Beyond Long.MAX_VALUE: a Double, as the JSON reader gives for integers that do not fit.
                        out[i] = Double.parseDouble(Long.toUnsignedString(bits));
                    } else {
                        out[i] = bits;
                    }
                }
            }
            case ParquetSchema.BYTE_ARRAY -> {
                boolean text = leaf.isText();
                int p = at;
                for (int i = 0; i < count; i++) {
                    need(p, end, 4);
                    int length = littleEndianInt(data, p);
                    p += 4;
                    if (length < 0) {
                        throw new IllegalArgumentException("a byte array has the negative length " + length);
                    }
                    need(p, end, length);
                    // Malformed UTF-8 becomes U+FFFD, as in the JSON Lines reader.
                    out[i] = text ? new String(data, p, length, StandardCharsets.UTF_8)
                            : java.util.Arrays.copyOfRange(data, p, p + length);
                    p += length;
                }
            }
            case ParquetSchema.FIXED_LEN_BYTE_ARRAY -> {
                int width = leaf.typeLength;
                need(at, end, (long) width * count);
                for (int i = 0; i < count; i++) {
                    out[i] = java.util.Arrays.copyOfRange(data, at + width * i, at + width * (i + 1));
                }
            }
            default -> throw new UnsupportedFeature("has the physical type " + name(ParquetSchema.TYPE_NAMES, type)
                    + ", which trainbench does not read");
        }
    }

    private static void need(int at, int end, long bytes) {
        if (bytes > end - at) {
            throw new IllegalArgumentException("a page holds fewer value bytes than its values need");
        }
    }

    private byte[] decompress(byte[] in, int offset, int length, int uncompressed) {
        return codec.decompress(in, offset, length, uncompressed);
    }

    static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    static long littleEndianLong(byte[] b, int at) {
        return (littleEndianInt(b, at) & 0xFFFFFFFFL) | ((long) littleEndianInt(b, at + 4) << 32);
    }
}
