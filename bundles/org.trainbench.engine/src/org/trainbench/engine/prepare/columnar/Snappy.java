package org.trainbench.engine.prepare.columnar;

/**
 * Decompresses Snappy's raw block format (as Parquet stores SNAPPY pages; not the framed stream format): a varint of
 * the uncompressed length, then elements whose tag byte's low two bits say literal (00) or copy with a 1-, 2- or
 * 4-byte offset (01, 10, 11) from the output written so far. Every length and offset is checked, so a corrupt page
 * raises {@link IllegalArgumentException} instead of reading or writing out of bounds.
 */
final class Snappy {
    private Snappy() {
    }

    static byte[] decompress(byte[] in, int offset, int length, int expectedLength) {
        int end = offset + length;
        int[] at = {offset};
        long declared = varint(in, at, end);
        if (declared != expectedLength) {
            throw new IllegalArgumentException("Snappy block declares " + declared + " bytes, the page header "
                    + expectedLength);
        }
        byte[] out = new byte[expectedLength];
        int o = 0;
        int i = at[0];
        while (i < end) {
            int tag = in[i++] & 0xFF;
            int kind = tag & 3;
            if (kind == 0) {
                int n = tag >>> 2;
                if (n >= 60) {
                    int extra = n - 59;
                    if (i + extra > end) {
                        throw new IllegalArgumentException("Snappy literal length runs past the end of the block");
                    }
                    n = 0;
                    for (int k = 0; k < extra; k++) {
                        n |= (in[i++] & 0xFF) << (8 * k);
                    }
                }
                long count = (n & 0xFFFFFFFFL) + 1;
                if (count > end - i || count > out.length - o) {
                    throw new IllegalArgumentException("Snappy literal of " + count + " bytes runs past the end");
                }
                System.arraycopy(in, i, out, o, (int) count);
                i += (int) count;
                o += (int) count;
                continue;
            }
            int count;
            int distance;
            if (kind == 1) {
                if (i >= end) {
                    throw new IllegalArgumentException("Snappy copy runs past the end of the block");
                }
                count = 4 + ((tag >>> 2) & 7);
                distance = ((tag >>> 5) << 8) | (in[i++] & 0xFF);
            } else {
                int bytes = kind == 2 ? 2 : 4;
                if (i + bytes > end) {
                    throw new IllegalArgumentException("Snappy copy runs past the end of the block");
                }
                count = (tag >>> 2) + 1;
                distance = 0;
                for (int k = 0; k < bytes; k++) {
                    distance |= (in[i++] & 0xFF) << (8 * k);
                }
            }
            if (distance <= 0 || distance > o || count > out.length - o) {
                throw new IllegalArgumentException("Snappy copy of " + count + " bytes from distance " + distance
                        + " at output byte " + o + " is out of range");
            }
            // Byte by byte: a copy may overlap its own output (distance < count repeats a pattern).
            int from = o - distance;
            if (distance >= count) {
                System.arraycopy(out, from, out, o, count);
            } else {
                for (int k = 0; k < count; k++) {
                    out[o + k] = out[from + k];
                }
            }
            o += count;
        }
        if (o != expectedLength) {
            throw new IllegalArgumentException("Snappy block gave " + o + " bytes, expected " + expectedLength);
        }
        return out;
    }

    private static long varint(byte[] in, int[] at, int end) {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (at[0] >= end) {
                break;
            }
            int b = in[at[0]++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("Snappy block has a malformed length header");
    }
}
