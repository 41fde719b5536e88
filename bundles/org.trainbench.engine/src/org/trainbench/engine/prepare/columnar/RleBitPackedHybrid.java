package org.trainbench.engine.prepare.columnar;

/**
 * Parquet's run-length / bit-packing hybrid (repetition and definition levels, dictionary indices, RLE booleans): a
 * sequence of runs, each with a varint header whose low bit says bit-packed (groups of 8 values, packed from the least
 * significant bit) or repeated (one value in ceil(width / 8) little-endian bytes). Also the deprecated BIT_PACKED
 * level encoding (most significant bit first, no runs).
 */
final class RleBitPackedHybrid {
    private RleBitPackedHybrid() {
    }

    /** Decodes {@code count} values of {@code bitWidth} bits from {@code buf[offset, end)} into {@code out}. */
    static void decode(byte[] buf, int offset, int end, int bitWidth, int[] out, int count) {
        if (bitWidth < 0 || bitWidth > 32) {
            throw new IllegalArgumentException("bit width " + bitWidth + " is outside 0..32");
        }
        int i = offset;
        int n = 0;
        int valueBytes = (bitWidth + 7) / 8;
        while (n < count) {
            if (i >= end) {
                if (bitWidth == 0) {
                    // Zero-width values need no bytes; some writers leave the run headers out entirely.
                    java.util.Arrays.fill(out, n, count, 0);
                    return;
                }
                throw new IllegalArgumentException("run-length data ends after " + n + " of " + count + " values");
            }
            long header = 0;
            int shift = 0;
            while (true) {
                if (i >= end || shift > 35) {
                    throw new IllegalArgumentException("malformed run header at value " + n);
                }
                int b = buf[i++] & 0xFF;
                header |= (long) (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if ((header & 1) == 0) {
                long run = header >>> 1;
                if (i + valueBytes > end) {
                    throw new IllegalArgumentException("repeated run at value " + n + " runs past the end of its data");
                }
                int value = 0;
                for (int k = 0; k < valueBytes; k++) {
                    value |= (buf[i++] & 0xFF) << (8 * k);
                }
                int take = (int) Math.min(run, count - n);
                java.util.Arrays.fill(out, n, n + take, value);
                n += take;
            } else {
                long values = (header >>> 1) * 8;
                long bytes = (header >>> 1) * bitWidth;
                if (bytes > end - i) {
                    throw new IllegalArgumentException("bit-packed run at value " + n + " runs past the end of its data");
                }
                int take = (int) Math.min(values, count - n);
                unpackLsbFirst(buf, i, bitWidth, out, n, take);
                n += take;
                i += (int) bytes;
            }
        }
    }

    /** Values packed from the least significant bit of each byte (the hybrid's bit-packed runs, PLAIN booleans). */
    static void unpackLsbFirst(byte[] buf, int offset, int bitWidth, int[] out, int outOffset, int count) {
        long mask = bitWidth == 32 ? 0xFFFFFFFFL : (1L << bitWidth) - 1;
        long bit = (long) offset * 8;
        for (int k = 0; k < count; k++, bit += bitWidth) {
            int byteIndex = (int) (bit >>> 3);
            int shift = (int) (bit & 7);
            long word = 0;
            int needed = (shift + bitWidth + 7) / 8;
            for (int b = 0; b < needed; b++) {
                word |= (long) (buf[byteIndex + b] & 0xFF) << (8 * b);
            }
            out[outOffset + k] = (int) ((word >>> shift) & mask);
        }
    }

    /** The deprecated BIT_PACKED encoding: values back to back from the most significant bit. */
    static void decodeBitPacked(byte[] buf, int offset, int end, int bitWidth, int[] out, int count) {
        long needed = ((long) count * bitWidth + 7) / 8;
        if (needed > end - offset) {
            throw new IllegalArgumentException("BIT_PACKED levels need " + needed + " bytes, " + (end - offset) + " left");
        }
        long bit = (long) offset * 8;
        for (int k = 0; k < count; k++) {
            int value = 0;
            for (int b = 0; b < bitWidth; b++, bit++) {
                value = (value << 1) | ((buf[(int) (bit >>> 3)] >>> (7 - (int) (bit & 7))) & 1);
            }
            out[k] = value;
        }
    }

    /** Bits needed for values up to {@code max}. */
    static int bitWidth(int max) {
        return 32 - Integer.numberOfLeadingZeros(max);
    }
}
