package org.trainbench.ui.charts;

import org.trainbench.ui.experiments.Metric;
import org.trainbench.ui.experiments.Series;

/** Turns a metric series into the points a chart draws: smoothed, cut to the visible range, downsampled to its width. */
public final class Curves {
    private Curves() {
    }

    /**
     * @param unit         raw x per displayed unit (see {@link XAxis#unit})
     * @param smoothing    EMA weight in [0, 1), 0 for none
     * @param from         left edge in displayed units, or NaN for the start of the series
     * @param to           right edge in displayed units, or NaN for its end
     * @param buckets      pixel width of the plot
     * @param positiveOnly leave out values {@code <= 0} (log axis)
     * @return points with x in displayed units
     */
    public static Points sample(Series series, XAxis x, double unit, Metric y, double smoothing, double from, double to, int buckets,
            boolean positiveOnly) {
        if (series.isEmpty() || !series.has(y)) {
            return Points.NONE;
        }
        double[] xs = series.column(x.metric());
        double[] ys = smoothing > 0 ? ExponentialSmoothing.smooth(series.column(y), series.count(), smoothing) : series.column(y);
        double rawFrom = Double.isNaN(from) ? xs[0] : from * unit;
        double rawTo = Double.isNaN(to) ? xs[series.count() - 1] : to * unit;
        if (rawTo < rawFrom) {
            rawTo = rawFrom;
        }
        Points raw = PixelBucketDownsampler.downsample(xs, ys, series.count(), rawFrom, rawTo, Math.max(1, buckets), positiveOnly);
        if (unit == 1) {
            return raw;
        }
        double[] scaled = new double[raw.count()];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = raw.x()[i] / unit;
        }
        return new Points(scaled, raw.y(), raw.count());
    }
}
