package org.trainbench.engine.prepare.columnar;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

import io.airlift.compress.v3.Decompressor;
import io.airlift.compress.v3.MalformedInputException;
import io.airlift.compress.v3.lz4.Lz4FrameJavaDecompressor;
import io.airlift.compress.v3.lz4.Lz4JavaDecompressor;
import io.airlift.compress.v3.snappy.SnappyJavaDecompressor;
import io.airlift.compress.v3.zstd.ZstdJavaDecompressor;

/**
 * The compression codecs of Parquet pages and Arrow IPC buffers, one place for both formats. Snappy, zstd and LZ4 come
 * from aircompressor's pure-Java decompressors (a maintained library that runs on a bare JRE and in OSGi, with no
 * native code: its {@code create()} factories, which may load native libraries, are not used); gzip/deflate from the
 * JDK. Every decompressed length is checked against the length the file declares, and a declared length that no
 * input of that size can produce is refused before anything is allocated, so a corrupt file fails with a message
 * instead of exhausting memory.
 */
enum Compression {
    UNCOMPRESSED(1),
    SNAPPY(32),
    /** A gzip member or a bare zlib stream (some writers store the latter). */
    GZIP(1100),
    /** Parquet's deprecated LZ4: Hadoop's block framing (big-endian sizes) around raw LZ4 blocks, or a bare raw block. */
    LZ4_HADOOP(256),
    /** A raw LZ4 block (Parquet's LZ4_RAW). */
    LZ4_RAW(256),
    /** The LZ4 frame format (Arrow IPC's LZ4_FRAME). */
    LZ4_FRAME(256),
    ZSTD(1 << 16);

    /** Parquet's CompressionCodec values, in order of their numbers; null where trainbench has no decompressor. */
    static final Compression[] PARQUET = {UNCOMPRESSED, SNAPPY, GZIP, null, null, LZ4_HADOOP, ZSTD, LZ4_RAW};
    /** Parquet's names for its codec numbers, for messages. */
    static final String[] PARQUET_NAMES = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
    /** Arrow's CompressionType values (BodyCompression.codec). */
    static final Compression[] ARROW = {LZ4_FRAME, ZSTD};
    static final String[] ARROW_NAMES = {"LZ4_FRAME", "ZSTD"};

    /** Largest ratio of output to input the codec can reach, with slack: a bigger claim is a corrupt header. */
    private final long maxRatio;

    Compression(long maxRatio) {
        this.maxRatio = maxRatio;
    }

    /**
     * Decompresses {@code in[offset, offset + length)} into exactly {@code uncompressed} bytes.
     *
     * @throws IllegalArgumentException naming the codec when the data is corrupt or its size is not the declared one
     */
    byte[] decompress(byte[] in, int offset, int length, int uncompressed) {
        if (length < 0 || uncompressed < 0 || uncompressed > maxRatio * length + 4096) {
            throw new IllegalArgumentException("a " + this + " block claims " + uncompressed + " uncompressed bytes from "
                    + length + " stored bytes");
        }
        byte[] out = switch (this) {
            case UNCOMPRESSED -> {
                if (length != uncompressed) {
                    throw new IllegalArgumentException("an uncompressed block declares " + length + " stored and "
                            + uncompressed + " uncompressed bytes");
                }
                yield Arrays.copyOfRange(in, offset, offset + length);
            }
            case GZIP -> gunzip(in, offset, length, uncompressed);
            case SNAPPY -> {
                int declared = new SnappyJavaDecompressor().getUncompressedLength(in, offset);
                if (declared != uncompressed) {
                    throw new IllegalArgumentException("a SNAPPY block declares " + declared + " bytes, the file "
                            + uncompressed);
                }
                yield run(new SnappyJavaDecompressor(), in, offset, length, uncompressed);
            }
            case ZSTD -> run(new ZstdJavaDecompressor(), in, offset, length, uncompressed);
            case LZ4_RAW -> run(new Lz4JavaDecompressor(), in, offset, length, uncompressed);
            case LZ4_FRAME -> run(new Lz4FrameJavaDecompressor(), in, offset, length, uncompressed);
            case LZ4_HADOOP -> lz4Hadoop(in, offset, length, uncompressed);
        };
        if (out.length != uncompressed) {
            throw new IllegalArgumentException("a " + this + " block decompresses to " + out.length + " bytes, the file "
                    + "declares " + uncompressed);
        }
        return out;
    }

    private byte[] run(Decompressor decompressor, byte[] in, int offset, int length, int uncompressed) {
        // One spare byte: output longer than declared shows up as a wrong length instead of an overflow error.
        byte[] out = new byte[uncompressed + 1];
        int n;
        try {
            n = decompressor.decompress(in, offset, length, out, 0, out.length);
        } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("a " + this + " block does not decompress: " + e.getMessage());
        }
        return n == out.length - 1 ? Arrays.copyOf(out, n) : Arrays.copyOf(out, Math.min(n, out.length));
    }

    /**
     * Hadoop's LZ4 framing, as old Parquet writers use it: blocks of (4-byte big-endian uncompressed size, 4-byte
     * big-endian compressed size, raw LZ4 block). Like Arrow, a page that does not parse as such is read as one raw
     * block.
     */
    private byte[] lz4Hadoop(byte[] in, int offset, int length, int uncompressed) {
        byte[] out = new byte[uncompressed];
        int at = offset;
        int end = offset + length;
        int written = 0;
        boolean framed = length >= 8;
        while (framed && at < end) {
            if (end - at < 8) {
                framed = false;
                break;
            }
            long blockOut = bigEndianInt(in, at) & 0xFFFFFFFFL;
            long blockIn = bigEndianInt(in, at + 4) & 0xFFFFFFFFL;
            if (blockIn > end - at - 8 || blockOut > uncompressed - written) {
                framed = false;
                break;
            }
            int n;
            try {
                n = new Lz4JavaDecompressor().decompress(in, at + 8, (int) blockIn, out, written, (int) blockOut);
            } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
                framed = false;
                break;
            }
            if (n != blockOut) {
                framed = false;
                break;
            }
            written += n;
            at += 8 + (int) blockIn;
        }
        if (framed && written == uncompressed) {
            return out;
        }
        return LZ4_RAW.run(new Lz4JavaDecompressor(), in, offset, length, uncompressed);
    }

    private static int bigEndianInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static byte[] gunzip(byte[] in, int offset, int length, int uncompressed) {
        boolean gzipHeader = length >= 2 && (in[offset] & 0xFF) == 0x1F && (in[offset + 1] & 0xFF) == 0x8B;
        try {
            if (gzipHeader) {
                try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(in, offset, length))) {
                    return gzip.readNBytes(uncompressed + 1);
                }
            }
            Inflater inflater = new Inflater();
            try {
                inflater.setInput(in, offset, length);
                byte[] out = new byte[uncompressed];
                int n = 0;
                while (n < uncompressed && !inflater.finished()) {
                    int got = inflater.inflate(out, n, uncompressed - n);
                    if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        break;
                    }
                    n += got;
                }
                return Arrays.copyOf(out, n);
            } finally {
                inflater.end();
            }
        } catch (IOException | DataFormatException e) {
            throw new IllegalArgumentException("a GZIP block does not decompress: " + e.getMessage());
        }
    }
}
