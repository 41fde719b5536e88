package org.trainbench.ui.charts;

/**
 * Reduces a long series to what a chart of a given pixel width can show, without changing the picture: the visible x
 * range is cut into one bucket per pixel column, and each bucket keeps its first, lowest, highest and last point
 * (the M4 scheme of Jugel et al., VLDB 2014). A polyline through those points draws the same pixels as one through all
 * points, spikes included, so a 1,000,000-point loss curve becomes at most 4 points per pixel column.
 *
 * <p>One pass over the visible points, no allocation but the result. The points just outside the range are kept so
 * that lines run to the chart's edges when zoomed in.
 */
public final class PixelBucketDownsampler {
    private PixelBucketDownsampler() {
    }

    /**
     * @param x            x values, non-decreasing over the first {@code count} entries
     * @param y            y values; NaN (and with {@code positiveOnly}, values {@code <= 0}, which a log axis cannot
     *                     show) are left out
     * @param from         left edge of the visible range
     * @param to           right edge of the visible range, {@code >= from}
     * @param buckets      pixel columns of the plot area, at least 1
     */
    public static Points downsample(double[] x, double[] y, int count, double from, double to, int buckets, boolean positiveOnly) {
        if (count == 0) {
            return Points.NONE;
        }
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets: expected at least 1 but got " + buckets);
        }
        int first = Math.max(0, firstAtOrAfter(x, count, from) - 1);
        int last = Math.min(count - 1, firstAtOrAfter(x, count, Math.nextUp(to)));
        int visible = last - first + 1;
        if (visible <= 4 * buckets) {
            return copy(x, y, first, last, positiveOnly);
        }
        double[] outX = new double[4 * buckets + 8];
        double[] outY = new double[outX.length];
        int out = 0;
        double width = to > from ? (to - from) / buckets : 1;
        int bucket = Integer.MIN_VALUE;
        int firstIndex = -1;
        int minIndex = -1;
        int maxIndex = -1;
        int lastIndex = -1;
        for (int i = first; i <= last; i++) {
            double v = y[i];
            if (Double.isNaN(v) || positiveOnly && v <= 0) {
                continue;
            }
            int b = (int) Math.max(-1, Math.min(buckets, Math.floor((x[i] - from) / width)));
            if (b != bucket) {
                out = emit(x, y, firstIndex, minIndex, maxIndex, lastIndex, outX, outY, out);
                bucket = b;
                firstIndex = minIndex = maxIndex = lastIndex = i;
            } else {
                if (v < y[minIndex]) {
                    minIndex = i;
                }
                if (v > y[maxIndex]) {
                    maxIndex = i;
                }
                lastIndex = i;
            }
        }
        out = emit(x, y, firstIndex, minIndex, maxIndex, lastIndex, outX, outY, out);
        return new Points(java.util.Arrays.copyOf(outX, out), java.util.Arrays.copyOf(outY, out), out);
    }

    /** Appends a bucket's points in index order, each once. */
    private static int emit(double[] x, double[] y, int first, int min, int max, int last, double[] outX, double[] outY, int out) {
        if (first < 0) {
            return out;
        }
        int low = Math.min(min, max);
        int high = Math.max(min, max);
        int[] order = {first, low, high, last};
        int previous = -1;
        for (int index : order) {
            if (index != previous) {
                outX[out] = x[index];
                outY[out] = y[index];
                out++;
                previous = index;
            }
        }
        return out;
    }

    private static Points copy(double[] x, double[] y, int first, int last, boolean positiveOnly) {
        int n = Math.max(0, last - first + 1);
        double[] outX = new double[n];
        double[] outY = new double[n];
        int out = 0;
        for (int i = first; i <= last; i++) {
            if (!Double.isNaN(y[i]) && !(positiveOnly && y[i] <= 0)) {
                outX[out] = x[i];
                outY[out] = y[i];
                out++;
            }
        }
        return new Points(java.util.Arrays.copyOf(outX, out), java.util.Arrays.copyOf(outY, out), out);
    }

    /** Index of the first x {@code >= value}, or {@code count} if none. */
    static int firstAtOrAfter(double[] x, int count, double value) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (x[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
