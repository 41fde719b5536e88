package org.trainbench.engine.safetensors;

/** Element types of safetensors files that the engine reads ({@code F32}, {@code BF16}, {@code F16}) and writes (F32, BF16). */
public enum SafetensorsDType {
    F32(4),
    BF16(2),
    F16(2);

    private final int bytes;

    SafetensorsDType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The dtype named in a header, or null when the engine cannot read that one. */
    public static SafetensorsDType fromHeader(String name) {
        for (SafetensorsDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** fp32 to bfloat16 bits, rounding to nearest even as PyTorch does; NaN stays a (quiet) NaN. */
    public static short toBFloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float fromBFloat16(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }
}
