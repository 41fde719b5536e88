package org.trainbench.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;

import org.junit.jupiter.api.Test;

class VectorMathTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void expIsWithinTwoUlpOfMathExpAndVectorAndScalarAgreeBitForBit() {
        float[] x = new float[L];
        double worst = 0;
        for (int step = 0; step < 200_000; step += L) {
            for (int i = 0; i < L; i++) {
                x[i] = -87f + (step + i) * (175f / 200_000);
            }
            float[] vector = VectorMath.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).toArray();
            for (int i = 0; i < L; i++) {
                float expected = (float) Math.exp(x[i]);
                worst = Math.max(worst, Math.abs(vector[i] - expected) / Math.ulp(expected));
                assertEquals(Float.floatToIntBits(VectorMath.exp(x[i])), Float.floatToIntBits(vector[i]), "x = " + x[i]);
            }
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulp");
        assertEquals(1f, VectorMath.exp(0f));
        assertTrue(VectorMath.exp(-1000f) < 1e-37f && VectorMath.exp(-1000f) >= 0f);
        assertTrue(Float.isFinite(VectorMath.exp(1000f)));
    }

    @Test
    void laneSumAddsInAFixedTreeOrder() {
        float[] lanes = new float[L];
        for (int i = 0; i < L; i++) {
            lanes[i] = i == 0 ? 1e8f : 1f;
        }
        float expected = 0;
        float[] tree = lanes.clone();
        for (int width = L / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) {
                tree[i] += tree[i + width];
            }
        }
        expected = tree[0];
        assertEquals(expected, VectorMath.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, lanes, 0)));
    }
}
