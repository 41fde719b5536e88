package org.trainbench.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp and lane sums built only from operations that round the same in every execution tier.
 *
 * <p>Why: the Vector API's {@code lanewise(EXP)} and {@code reduceLanes(ADD)} give different bits before and after
 * the JIT compiles a loop (a short-vector math library and a tree reduction in compiled code, scalar fallbacks in the
 * interpreter), so a training run would not repeat bit for bit within one JVM. Multiplies, adds, fused
 * multiply-adds and conversions are exact IEEE operations in every tier, and so is everything here.
 */
public final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two (Cody and Waite): the first part has few bits, so n * LN2_HI is exact. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUNDER = 12582912f;
    private static final float MIN_ARGUMENT = -87f;
    private static final float MAX_ARGUMENT = 88f;
    // Minimax polynomial for (exp(r) - 1 - r) / r^2 on |r| <= ln(2)/2 (Cephes expf).
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private VectorMath() {
    }

    /**
     * e^x per lane, within 2 ulp; arguments are clamped to [-87, 88], so very negative ones give about 1.6e-38
     * rather than 0 (harmless in softmax sums and SiLU).
     */
    public static FloatVector exp(FloatVector x) {
        x = x.max(MIN_ARGUMENT).min(MAX_ARGUMENT);
        FloatVector shifted = x.mul(LOG2E).add(ROUNDER);
        FloatVector n = shifted.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.mul(P0).add(P1);
        p = p.fma(r, FloatVector.broadcast(S, P2));
        p = p.fma(r, FloatVector.broadcast(S, P3));
        p = p.fma(r, FloatVector.broadcast(S, P4));
        p = p.fma(r, FloatVector.broadcast(S, P5));
        FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
        IntVector exponent = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return y.mul(exponent.reinterpretAsFloats());
    }

    /** The scalar twin of {@link #exp(FloatVector)}, bit for bit. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, MIN_ARGUMENT), MAX_ARGUMENT);
        float n = (x * LOG2E + ROUNDER) - ROUNDER;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = r * P0 + P1;
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = p * (r * r) + r + 1f;
        return y * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /** The sum of the lanes, halving the vector (lanes i and i + L/2 added) until one lane is left. */
    public static float sum(FloatVector v) {
        float[] lanes = v.toArray();
        for (int width = lanes.length / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) {
                lanes[i] += lanes[i + width];
            }
        }
        return lanes[0];
    }
}
