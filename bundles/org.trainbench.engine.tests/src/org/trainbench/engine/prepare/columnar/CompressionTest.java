package org.trainbench.engine.prepare.columnar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import io.airlift.compress.v3.Compressor;
import io.airlift.compress.v3.lz4.Lz4FrameJavaCompressor;
import io.airlift.compress.v3.lz4.Lz4JavaCompressor;
import io.airlift.compress.v3.snappy.SnappyJavaCompressor;
import io.airlift.compress.v3.zstd.ZstdJavaCompressor;

/**
 * The codecs of {@link Compression} on blocks made by hand from the format specifications and by aircompressor's own
 * compressors; whole Parquet and Arrow files written by pyarrow are read in ColumnarInputTest. Corrupt input always
 * ends in an {@link IllegalArgumentException} with the codec's name, never in another exception.
 */
class CompressionTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** Text-like data that compresses, with some noise. */
    private static byte[] sample(int length) {
        Random random = new Random(length);
        byte[] words = "the loss falls while the learning rate warms up; ".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = random.nextInt(20) == 0 ? (byte) random.nextInt(256) : words[i % words.length];
        }
        return out;
    }

    private static byte[] compress(Compressor compressor, byte[] data) {
        byte[] out = new byte[compressor.maxCompressedLength(data.length)];
        int n = compressor.compress(data, 0, data.length, out, 0, out.length);
        return Arrays.copyOf(out, n);
    }

    @Test
    void snappyBlocksFromTheFormatDescription() {
        // 13 bytes: literal "abc", copy 9 bytes from distance 3 (1-byte offset form), literal "X".
        byte[] block = bytes(13, 0x08, 'a', 'b', 'c', (5 << 2) | 1, 3, 0x00, 'X');
        assertArrayEquals("abcabcabcabcX".getBytes(StandardCharsets.US_ASCII),
                Compression.SNAPPY.decompress(block, 0, block.length, 13));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Compression.SNAPPY.decompress(block, 0, block.length, 14));
        assertTrue(e.getMessage().contains("declares 13"), e.getMessage());
        byte[] copyBeforeStart = bytes(8, 0x04, 'a', 'b', (0 << 2) | 1, 5);
        e = assertThrows(IllegalArgumentException.class,
                () -> Compression.SNAPPY.decompress(copyBeforeStart, 0, copyBeforeStart.length, 8));
        assertTrue(e.getMessage().contains("SNAPPY"), e.getMessage());
    }

    @Test
    void everyCodecRoundTripsAtAnOffsetInsideALargerArray() throws Exception {
        byte[] data = sample(300_000);
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
            out.write(data);
        }
        Object[][] cases = {
                {Compression.SNAPPY, compress(new SnappyJavaCompressor(), data)},
                {Compression.ZSTD, compress(new ZstdJavaCompressor(), data)},
                {Compression.LZ4_RAW, compress(new Lz4JavaCompressor(), data)},
                {Compression.LZ4_FRAME, compress(new Lz4FrameJavaCompressor(), data)},
                {Compression.GZIP, gzip.toByteArray()},
                {Compression.UNCOMPRESSED, data}};
        for (Object[] c : cases) {
            Compression codec = (Compression) c[0];
            byte[] compressed = (byte[]) c[1];
            byte[] framed = new byte[compressed.length + 10];
            System.arraycopy(compressed, 0, framed, 7, compressed.length);
            assertArrayEquals(data, codec.decompress(framed, 7, compressed.length, data.length), codec.toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> codec.decompress(framed, 7, compressed.length, data.length - 1), codec + ": one byte short");
            assertTrue(e.getMessage().contains(codec.toString()) || e.getMessage().contains("uncompressed"), e.getMessage());
            if (codec != Compression.UNCOMPRESSED) {
                byte[] truncated = Arrays.copyOf(compressed, compressed.length / 2);
                assertThrows(IllegalArgumentException.class,
                        () -> codec.decompress(truncated, 0, truncated.length, data.length), codec + ": truncated");
            }
        }
    }

    @Test
    void parquetsDeprecatedLz4IsHadoopFramedOrARawBlock() {
        byte[] first = sample(5000);
        byte[] second = sample(7000);
        byte[] a = compress(new Lz4JavaCompressor(), first);
        byte[] b = compress(new Lz4JavaCompressor(), second);
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        for (byte[][] block : new byte[][][] {{first, a}, {second, b}}) {
            framed.writeBytes(bigEndian(block[0].length));
            framed.writeBytes(bigEndian(block[1].length));
            framed.writeBytes(block[1]);
        }
        byte[] expected = new byte[12000];
        System.arraycopy(first, 0, expected, 0, 5000);
        System.arraycopy(second, 0, expected, 5000, 7000);
        byte[] hadoop = framed.toByteArray();
        assertArrayEquals(expected, Compression.LZ4_HADOOP.decompress(hadoop, 0, hadoop.length, 12000));
        assertArrayEquals(first, Compression.LZ4_HADOOP.decompress(a, 0, a.length, 5000), "a bare raw block");
    }

    @Test
    void aSizeNoInputOfThatLengthCanReachIsRefusedBeforeAllocating() {
        for (Compression codec : Compression.values()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> codec.decompress(new byte[10], 0, 10, Integer.MAX_VALUE - 16), codec.toString());
            assertTrue(e.getMessage().contains("claims"), e.getMessage());
        }
    }

    private static byte[] bigEndian(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }
}
