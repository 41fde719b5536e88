package org.trainbench.launch;

/** The weight type of a Hugging Face export ({@code trainbench export --dtype}). */
public enum ExportDtype {
    /** The checkpoint's own values, bit for bit: the export's logits equal the trained model's. */
    FLOAT32("float32", "float32 (exact, as trained)"),
    /** Half the size; rounds every weight to 8 bits of mantissa. */
    BFLOAT16("bfloat16", "bfloat16 (half the size)");

    private final String id;
    private final String label;

    ExportDtype(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** The value of the engine's --dtype option. */
    public String id() {
        return id;
    }

    /** What the export dialog offers. */
    public String label() {
        return label;
    }
}
