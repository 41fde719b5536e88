package org.trainbench.engine.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Element-wise loops of the layers, written once with the Vector API. */
final class Vectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Vectors() {
    }

    /** y[yOff..yOff+len) += x[xOff..xOff+len). */
    static void add(float[] y, int yOff, float[] x, int xOff, int len) {
        int i = 0;
        for (; i <= len - S.length(); i += S.length()) {
            FloatVector.fromArray(S, y, yOff + i).add(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    /** y[yOff..yOff+len) += a * x[xOff..xOff+len), fused multiply-add. */
    static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int len) {
        FloatVector va = FloatVector.broadcast(S, a);
        int i = 0;
        for (; i <= len - S.length(); i += S.length()) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
        }
    }

    /** x[off..off+len) *= a. */
    static void scale(float[] x, int off, int len, float a) {
        int i = 0;
        for (; i <= len - S.length(); i += S.length()) {
            FloatVector.fromArray(S, x, off + i).mul(a).intoArray(x, off + i);
        }
        for (; i < len; i++) {
            x[off + i] *= a;
        }
    }
}
