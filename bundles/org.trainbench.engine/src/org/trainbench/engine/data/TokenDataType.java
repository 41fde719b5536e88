package org.trainbench.engine.data;

/**
 * Element type of the token file ({@code .bin}) of a memmap dataset, with the one-byte code that Fast-LLM (and
 * Megatron-LM before it) stores in the index header. Only the integer types can hold token ids; the float codes are
 * listed so that a file using them is reported by name instead of as an unknown code.
 */
public enum TokenDataType {
    UINT8(1, 1, 0, 0xFF),
    INT8(2, 1, Byte.MIN_VALUE, Byte.MAX_VALUE),
    INT16(3, 2, Short.MIN_VALUE, Short.MAX_VALUE),
    INT32(4, 4, Integer.MIN_VALUE, Integer.MAX_VALUE),
    INT64(5, 8, Long.MIN_VALUE, Long.MAX_VALUE),
    FLOAT32(6, 4, 0, -1),
    FLOAT64(7, 8, 0, -1),
    UINT16(8, 2, 0, 0xFFFF);

    private final int code;
    private final int byteSize;
    private final long minValue;
    private final long maxValue;

    TokenDataType(int code, int byteSize, long minValue, long maxValue) {
        this.code = code;
        this.byteSize = byteSize;
        this.minValue = minValue;
        this.maxValue = maxValue;
    }

    /** The code written in the index header. */
    public int code() {
        return code;
    }

    /** Bytes per token in the {@code .bin} file. */
    public int byteSize() {
        return byteSize;
    }

    public boolean holdsTokenIds() {
        return this != FLOAT32 && this != FLOAT64;
    }

    public boolean canHold(long tokenId) {
        return holdsTokenIds() && tokenId >= minValue && tokenId <= maxValue;
    }

    public static TokenDataType fromCode(int code) {
        for (TokenDataType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown token data type code " + code + " (known codes: 1 to 8)");
    }

    /**
     * The smallest type Fast-LLM's preparator picks for a vocabulary of this size: uint8 below 2^8, then int16 below
     * 2^15 (Fast-LLM avoids unsigned 16-bit because torch lacked operations on it), int32 below 2^31, else int64.
     */
    public static TokenDataType forVocabularySize(long vocabularySize) {
        if (vocabularySize < (1L << 8)) {
            return UINT8;
        } else if (vocabularySize < (1L << 15)) {
            return INT16;
        } else if (vocabularySize < (1L << 31)) {
            return INT32;
        }
        return INT64;
    }
}
