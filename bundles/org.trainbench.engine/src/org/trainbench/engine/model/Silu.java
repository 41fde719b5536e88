package org.trainbench.engine.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import org.trainbench.engine.tensor.VectorMath;
import org.trainbench.engine.tensor.WorkerPool;

/**
 * SiLU, {@code silu(g) = g / (1 + exp(-g))}, and Llama's gated form {@code h = silu(gate) * up}.
 *
 * <p>Shapes: every array holds {@code len} elements (N * F flattened).
 */
public final class Silu {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHUNK = 4096;

    private Silu() {
    }

    /** h = silu(gate) * up; with {@code up == null}, h = silu(gate) (the ungated MLP). */
    public static void forward(float[] h, float[] gate, float[] up, int len) {
        WorkerPool.shared().run((len + CHUNK - 1) / CHUNK, task -> {
            int start = task * CHUNK;
            int end = Math.min(len, start + CHUNK);
            int i = start;
            for (; i <= end - S.length(); i += S.length()) {
                FloatVector g = FloatVector.fromArray(S, gate, i);
                FloatVector s = g.div(VectorMath.exp(g.neg()).add(1f));
                if (up != null) {
                    s = s.mul(FloatVector.fromArray(S, up, i));
                }
                s.intoArray(h, i);
            }
            for (; i < end; i++) {
                float s = gate[i] / (1f + VectorMath.exp(-gate[i]));
                h[i] = up != null ? s * up[i] : s;
            }
        });
    }

    /**
     * dgate = dh * up * silu'(gate), dup = dh * silu(gate) (both overwritten); silu'(g) = sig(g) (1 + g (1 - sig(g))).
     * With {@code up == null} (ungated), dgate = dh * silu'(gate) and dup is ignored.
     */
    public static void backward(float[] dgate, float[] dup, float[] dh, float[] gate, float[] up, int len) {
        WorkerPool.shared().run((len + CHUNK - 1) / CHUNK, task -> {
            int start = task * CHUNK;
            int end = Math.min(len, start + CHUNK);
            int i = start;
            for (; i <= end - S.length(); i += S.length()) {
                FloatVector g = FloatVector.fromArray(S, gate, i);
                FloatVector sig = FloatVector.broadcast(S, 1f).div(VectorMath.exp(g.neg()).add(1f));
                FloatVector d = FloatVector.fromArray(S, dh, i);
                FloatVector derivative = sig.mul(g.mul(sig.neg().add(1f)).add(1f));
                if (up != null) {
                    FloatVector u = FloatVector.fromArray(S, up, i);
                    d.mul(u).mul(derivative).intoArray(dgate, i);
                    d.mul(g.mul(sig)).intoArray(dup, i);
                } else {
                    d.mul(derivative).intoArray(dgate, i);
                }
            }
            for (; i < end; i++) {
                float g = gate[i];
                float sig = 1f / (1f + VectorMath.exp(-g));
                float derivative = sig * (1f + g * (1f - sig));
                if (up != null) {
                    dgate[i] = dh[i] * up[i] * derivative;
                    dup[i] = dh[i] * (g * sig);
                } else {
                    dgate[i] = dh[i] * derivative;
                }
            }
        });
    }
}
