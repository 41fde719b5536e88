package org.trainbench.ui.experiments;

/**
 * An immutable view of a metric series: {@code count} rows of {@link Metric} columns, ordered by step. The arrays are
 * shared with the series that keeps growing, which only ever writes past {@code count} or into new arrays, so a view
 * stays valid while the run goes on. Never write into the arrays.
 */
public record Series(double[][] columns, int count) {
    public static final Series EMPTY = new Series(new double[Metric.values().length][0], 0);

    public boolean isEmpty() {
        return count == 0;
    }

    /** The column's array; only the first {@link #count} entries belong to this view. */
    public double[] column(Metric metric) {
        return columns[metric.ordinal()];
    }

    public double value(Metric metric, int row) {
        if (row < 0 || row >= count) {
            throw new IndexOutOfBoundsException("row " + row + " of " + count);
        }
        return columns[metric.ordinal()][row];
    }

    public boolean has(Metric metric) {
        return metric.ordinal() < columns.length;
    }

    /** The last row's value, NaN when empty. */
    public double last(Metric metric) {
        return count == 0 ? Double.NaN : columns[metric.ordinal()][count - 1];
    }

    /** Index of the last row whose step is at most {@code step}, or -1. */
    public int rowAtOrBefore(long step) {
        double[] steps = columns[Metric.STEP.ordinal()];
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (steps[mid] <= step) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
