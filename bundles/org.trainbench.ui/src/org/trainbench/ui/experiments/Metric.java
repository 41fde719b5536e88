package org.trainbench.ui.experiments;

/**
 * The columns of a run's metric series. Training series have all of them; evaluation series (validation and test)
 * have the first four. {@link #STEP}, {@link #TOKENS} and {@link #ELAPSED_SECONDS} serve as x axes.
 */
public enum Metric {
    STEP("Step"),
    TOKENS("Tokens"),
    ELAPSED_SECONDS("Time (s)"),
    LOSS("Loss"),
    LEARNING_RATE("Learning rate"),
    GRAD_NORM("Gradient norm"),
    TOKENS_PER_SECOND("Tokens/s"),
    MEMORY_BYTES("Memory (bytes)"),
    DEVICE_MEMORY_BYTES("GPU peak memory (bytes)"),
    MFU("MFU");

    /** Columns an evaluation series has. */
    public static final int EVALUATION_COLUMNS = 4;

    private final String label;

    Metric(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
