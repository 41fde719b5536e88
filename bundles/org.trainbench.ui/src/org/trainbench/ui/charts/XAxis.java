package org.trainbench.ui.charts;

import org.trainbench.ui.experiments.Metric;

/** What the charts' horizontal axis measures, and the unit it is shown in for a given extent. */
public enum XAxis {
    STEP("Step", Metric.STEP),
    TOKENS("Tokens", Metric.TOKENS),
    TIME("Time", Metric.ELAPSED_SECONDS);

    private final String label;
    private final Metric metric;

    XAxis(String label, Metric metric) {
        this.label = label;
        this.metric = metric;
    }

    public String label() {
        return label;
    }

    /** The series column holding this axis's raw values (steps, tokens, seconds). */
    public Metric metric() {
        return metric;
    }

    /** The raw value of one displayed unit, chosen so that {@code largest} reads as a short number. */
    public double unit(double largest) {
        return switch (this) {
            case STEP -> 1;
            case TOKENS -> largest >= 1e9 ? 1e9 : largest >= 1e6 ? 1e6 : largest >= 1e3 ? 1e3 : 1;
            case TIME -> largest >= 3 * 3600 ? 3600 : largest >= 120 ? 60 : 1;
        };
    }

    /** The axis title for a unit returned by {@link #unit}. */
    public String title(double unit) {
        return switch (this) {
            case STEP -> "Step";
            case TOKENS -> unit == 1e9 ? "Tokens (billions)" : unit == 1e6 ? "Tokens (millions)" : unit == 1e3 ? "Tokens (thousands)" : "Tokens";
            case TIME -> unit == 3600 ? "Training time (h)" : unit == 60 ? "Training time (min)" : "Training time (s)";
        };
    }
}
