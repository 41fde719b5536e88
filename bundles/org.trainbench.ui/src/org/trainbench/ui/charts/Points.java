package org.trainbench.ui.charts;

/** A polyline to draw: {@code count} (x, y) pairs, x ascending. The arrays belong to this value. */
public record Points(double[] x, double[] y, int count) {
    public static final Points NONE = new Points(new double[0], new double[0], 0);

    public boolean isEmpty() {
        return count == 0;
    }
}
