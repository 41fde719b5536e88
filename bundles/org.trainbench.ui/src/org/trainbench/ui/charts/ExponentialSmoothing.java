package org.trainbench.ui.charts;

/**
 * Exponential moving average of a noisy curve, as TensorBoard's smoothing slider does it:
 * {@code s_i = w * s_(i-1) + (1 - w) * y_i}, divided by {@code 1 - w^n} (n values seen so far) so that the curve
 * does not start at zero. Weight 0 returns the values unchanged; NaN values stay NaN and do not disturb the average.
 */
public final class ExponentialSmoothing {
    private ExponentialSmoothing() {
    }

    /**
     * @param weight in [0, 1): how much of the past each point keeps
     * @return a new array of {@code count} smoothed values
     */
    public static double[] smooth(double[] y, int count, double weight) {
        if (!(weight >= 0 && weight < 1)) {
            throw new IllegalArgumentException("smoothing weight: expected a value in [0, 1) but got " + weight);
        }
        double[] out = new double[count];
        double average = 0;
        double decay = 1;
        for (int i = 0; i < count; i++) {
            double v = y[i];
            if (Double.isNaN(v)) {
                out[i] = Double.NaN;
                continue;
            }
            average = weight * average + (1 - weight) * v;
            decay *= weight;
            out[i] = average / (1 - decay);
        }
        return out;
    }
}
