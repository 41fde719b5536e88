package org.trainbench.ui.experiments;

import java.util.Arrays;

/**
 * The writable side of a {@link Series}: rows appended in step order. A row whose step is not above the last one
 * comes from a resumed run that restarted from an earlier checkpoint; the rows it supersedes (step at or after its
 * step) are dropped so that the series stays ordered by step, as the run now is. Dropping copies the arrays, so
 * views handed out earlier never see their rows change.
 */
final class GrowingSeries {
    private double[][] columns;
    private int count;

    GrowingSeries(int columnCount) {
        columns = new double[columnCount][16];
    }

    void append(double... row) {
        long step = (long) row[Metric.STEP.ordinal()];
        if (count > 0 && step <= columns[Metric.STEP.ordinal()][count - 1]) {
            int keep = view().rowAtOrBefore(step - 1) + 1;
            double[][] copy = new double[columns.length][];
            for (int c = 0; c < columns.length; c++) {
                copy[c] = Arrays.copyOf(columns[c], Math.max(16, columns[c].length));
            }
            columns = copy;
            count = keep;
        }
        if (count == columns[0].length) {
            double[][] grown = new double[columns.length][];
            for (int c = 0; c < columns.length; c++) {
                grown[c] = Arrays.copyOf(columns[c], columns[c].length * 2);
            }
            columns = grown;
        }
        for (int c = 0; c < columns.length; c++) {
            columns[c][count] = row[c];
        }
        count++;
    }

    Series view() {
        return new Series(columns, count);
    }

    int size() {
        return count;
    }
}
