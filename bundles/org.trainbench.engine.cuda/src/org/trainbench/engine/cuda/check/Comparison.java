package org.trainbench.engine.cuda.check;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One GPU output compared with the CPU engine's output for the same inputs.
 *
 * <p>Errors: {@code maxAbsError} = max |gpu - cpu|; {@code maxRelError} = maxAbsError / max |cpu| (relative to the
 * tensor's scale, so that elements near zero do not produce meaningless ratios); {@code relL2Error} =
 * ||gpu - cpu|| / ||cpu||. A NaN or infinity on either side, or an element the GPU did not write (outputs are
 * poisoned with NaN first), makes every error infinite. Passed means {@code maxRelError <= tolerance}.
 *
 * @param op        the operation, e.g. {@code rmsnorm_backward}
 * @param tensor    which output, e.g. {@code dweight}
 * @param shape     named dimensions
 * @param tolerance the bound on maxRelError, with {@code toleranceReason} saying why it is that
 */
public record Comparison(String op, String tensor, Map<String, Object> shape, long elements, double maxAbsError,
        double maxRelError, double relL2Error, double tolerance, String toleranceReason, boolean passed) {

    public static Comparison of(String op, String tensor, Map<String, Object> shape, float[] gpu, float[] cpu,
            Tolerance tolerance) {
        if (gpu.length != cpu.length) {
            throw new IllegalArgumentException(op + "." + tensor + ": GPU gave " + gpu.length + " values, CPU " + cpu.length);
        }
        double maxAbs = 0;
        double maxRef = 0;
        double diffSquares = 0;
        double refSquares = 0;
        boolean finite = true;
        for (int i = 0; i < gpu.length; i++) {
            double g = gpu[i];
            double c = cpu[i];
            if (!Double.isFinite(g) || !Double.isFinite(c)) {
                finite = false;
                break;
            }
            double d = Math.abs(g - c);
            maxAbs = Math.max(maxAbs, d);
            maxRef = Math.max(maxRef, Math.abs(c));
            diffSquares += d * d;
            refSquares += c * c;
        }
        double maxRel;
        double relL2;
        if (!finite) {
            maxAbs = maxRel = relL2 = Double.POSITIVE_INFINITY;
        } else {
            maxRel = maxRef > 0 ? maxAbs / maxRef : (maxAbs == 0 ? 0 : Double.POSITIVE_INFINITY);
            relL2 = refSquares > 0 ? Math.sqrt(diffSquares / refSquares) : (diffSquares == 0 ? 0 : Double.POSITIVE_INFINITY);
        }
        return new Comparison(op, tensor, shape, gpu.length, maxAbs, maxRel, relL2, tolerance.bound(), tolerance.reason(),
                maxRel <= tolerance.bound());
    }

    /** The JSON object written by {@link KernelCheck}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("tensor", tensor);
        m.put("shape", shape);
        m.put("elements", elements);
        m.put("max_abs_error", maxAbsError);
        m.put("max_rel_error", maxRelError);
        m.put("rel_l2_error", relL2Error);
        m.put("tolerance", tolerance);
        m.put("tolerance_reason", toleranceReason);
        m.put("passed", passed);
        return m;
    }

    @Override
    public String toString() {
        return String.format("%-26s %-8s %-48s max_abs %.3e  max_rel %.3e  rel_l2 %.3e  tol %.1e  %s", op, tensor, shape,
                maxAbsError, maxRelError, relL2Error, tolerance, passed ? "ok" : "FAILED");
    }

    /** A bound on maxRelError and the reason for its size. */
    public record Tolerance(double bound, String reason) {
        /** fp32 element-wise work: each side rounds every operation; exp, sqrt and fused multiply-adds differ by a few ulp. */
        public static final Tolerance ELEMENTWISE_FP32 = new Tolerance(1e-5,
                "fp32 element-wise: a few ulp (2^-24 = 6e-8) from exp/sqrt implementations and fused multiply-adds; 1e-5 is 100x that");

        /** fp32 sums of k terms in a different order (cuBLAS tiles, block reductions): rounding grows like sqrt(k). */
        public static Tolerance fp32Sum(long k) {
            double bound = 1e-5 * Math.max(1.0, Math.sqrt(k / 1024.0));
            return new Tolerance(bound, "fp32 sums of " + k + " terms in another order: rounding grows like sqrt(k) 2^-24;"
                    + " 1e-5 * sqrt(k/1024)");
        }

        /** A bf16 result: rounding to 8 significant bits is up to 2^-9 of the element. */
        public static final Tolerance BF16_OUTPUT = new Tolerance(Math.scalb(1.0, -8),
                "bf16 output: rounding to 8 significant bits is up to 2^-9 of an element, plus fp32 accumulation; 2^-8");
    }
}
