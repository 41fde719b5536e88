package org.trainbench.engine.model;

import java.util.function.ToDoubleFunction;

/** Central finite differences in fp64, and the comparison with an analytic fp32 gradient. */
final class GradientAssertions {
    /** Step of the central differences: truncation error ~h^2, rounding ~1e-16/h, both far below fp32 noise. */
    static final double STEP = 1e-5;

    private GradientAssertions() {
    }

    /** d f / d x[i] for every i, by (f(x + h e_i) - f(x - h e_i)) / 2h; x is restored. */
    static double[] numericGradient(double[] x, ToDoubleFunction<double[]> f) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + STEP;
            double plus = f.applyAsDouble(x);
            x[i] = keep - STEP;
            double minus = f.applyAsDouble(x);
            x[i] = keep;
            g[i] = (plus - minus) / (2 * STEP);
        }
        return g;
    }

    /**
     * Every element within {@code relativeTolerance * max|numeric|} of the numeric gradient (an elementwise bound
     * scaled by the tensor's largest gradient, so tiny entries are not held to an impossible relative bound).
     * Also requires the gradient not to be all zero, so the check cannot pass vacuously.
     */
    static double assertClose(String what, float[] analytic, double[] numeric, double relativeTolerance) {
        double max = 0;
        for (double v : numeric) {
            max = Math.max(max, Math.abs(v));
        }
        if (max == 0) {
            throw new AssertionError(what + ": numeric gradient is all zero, the check would be vacuous");
        }
        double worst = 0;
        for (int i = 0; i < numeric.length; i++) {
            double err = Math.abs(analytic[i] - numeric[i]) / max;
            worst = Math.max(worst, err);
            if (err > relativeTolerance) {
                throw new AssertionError(what + "[" + i + "]: analytic " + analytic[i] + ", numeric " + numeric[i]
                        + " (error " + err + " of max |grad| " + max + ", tolerance " + relativeTolerance + ")");
            }
        }
        return worst;
    }

    /**
     * As {@link #assertClose} on the sampled coordinates only (for shapes where differencing every element is slow);
     * the scale is the largest analytic gradient of the whole tensor.
     */
    static void assertCloseAt(String what, float[] analytic, double[] x, int[] indices, ToDoubleFunction<double[]> f,
                              double relativeTolerance) {
        double max = 0;
        for (float v : analytic) {
            max = Math.max(max, Math.abs(v));
        }
        if (max == 0) {
            throw new AssertionError(what + ": analytic gradient is all zero, the check would be vacuous");
        }
        for (int i : indices) {
            double keep = x[i];
            x[i] = keep + STEP;
            double plus = f.applyAsDouble(x);
            x[i] = keep - STEP;
            double minus = f.applyAsDouble(x);
            x[i] = keep;
            double numeric = (plus - minus) / (2 * STEP);
            double err = Math.abs(analytic[i] - numeric) / max;
            if (err > relativeTolerance) {
                throw new AssertionError(what + "[" + i + "]: analytic " + analytic[i] + ", numeric " + numeric
                        + " (error " + err + " of max |grad| " + max + ", tolerance " + relativeTolerance + ")");
            }
        }
    }

    static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    static double[] random(int n, long seed, double scale) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            // Rounded to fp32 so the engine and the reference see exactly the same inputs.
            x[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return x;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
