package org.trainbench.engine.cuda;

/** bfloat16 as the upper 16 bits of an fp32, rounded to nearest even: the same rule as the kernels' to_bf16_bits. */
public final class Bf16 {
    private Bf16() {
    }

    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        bits += 0x7fff + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }

    public static float toFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }

    /** The nearest bf16 value, as a float. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
