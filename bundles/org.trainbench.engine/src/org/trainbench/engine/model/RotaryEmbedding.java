package org.trainbench.engine.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import org.trainbench.engine.tensor.WorkerPool;

/**
 * Rotary position embedding of queries and keys, in Hugging Face Llama's "rotate half" layout: within a head of
 * width D, element i pairs with element i + D/2 and the pair turns by angle {@code position * invFreq[i]}:
 * <pre>
 *   y[i]       = x[i] * cos - x[i + D/2] * sin
 *   y[i + D/2] = x[i + D/2] * cos + x[i] * sin
 * </pre>
 * Because our layout is Hugging Face's, q_proj and k_proj weights import and export without a permutation.
 *
 * <p>Shapes: x, dx (N, heads * D), rotated in place; positions (N).
 */
public final class RotaryEmbedding {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final int headDim;
    private final int half;
    private final float[] inverseFrequencies;
    private volatile float[][] cosSin = {new float[0], new float[0]};

    public RotaryEmbedding(LlamaArchitecture.Rotary rotary, int headDim) {
        this.headDim = headDim;
        this.half = headDim / 2;
        this.inverseFrequencies = inverseFrequencies(rotary, headDim);
    }

    /** inv_freq (D/2), computed in fp32 step by step as transformers computes it. */
    public float[] inverseFrequencies() {
        return inverseFrequencies.clone();
    }

    /**
     * transformers' {@code _compute_default_rope_parameters} and {@code _compute_llama3_parameters}, operation for
     * operation in fp32 (including that {@code scalar / tensor} is evaluated as {@code tensor.reciprocal() * scalar}).
     */
    public static float[] inverseFrequencies(LlamaArchitecture.Rotary rotary, int headDim) {
        int half = headDim / 2;
        float[] inv = new float[half];
        float base = (float) rotary.theta();
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            inv[i] = 1.0f / (float) Math.pow(base, exponent);
        }
        if (rotary.type() == LlamaArchitecture.Rotary.Type.LLAMA3) {
            float factor = (float) rotary.scaleFactor();
            float low = (float) rotary.lowFrequencyFactor();
            float high = (float) rotary.highFrequencyFactor();
            float oldContext = rotary.originalContextLength();
            float lowFreqWavelen = (float) (rotary.originalContextLength() / rotary.lowFrequencyFactor());
            float highFreqWavelen = (float) (rotary.originalContextLength() / rotary.highFrequencyFactor());
            float twoPi = (float) (2 * Math.PI);
            for (int i = 0; i < half; i++) {
                float wavelen = (1.0f / inv[i]) * twoPi;
                float scaled = wavelen > lowFreqWavelen ? inv[i] / factor : inv[i];
                float smooth = ((1.0f / wavelen) * oldContext - low) / (high - low);
                float smoothed = (1 - smooth) * scaled / factor + smooth * scaled;
                boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
                inv[i] = medium ? smoothed : scaled;
            }
        }
        return inv;
    }

    /** Rotates x in place by +angle. */
    public void forward(float[] x, int[] positions, int n, int heads) {
        rotate(x, positions, n, heads, 1f);
    }

    /** The backward of {@link #forward}: the transpose of a rotation is the rotation by -angle, in place on dx. */
    public void backward(float[] dx, int[] positions, int n, int heads) {
        rotate(dx, positions, n, heads, -1f);
    }

    private void rotate(float[] x, int[] positions, int n, int heads, float direction) {
        int maxPosition = 0;
        for (int r = 0; r < n; r++) {
            maxPosition = Math.max(maxPosition, positions[r]);
        }
        float[][] table = table(maxPosition);
        float[] cos = table[0];
        float[] sin = table[1];
        int width = heads * headDim;
        int rowsPerTask = 64;
        WorkerPool.shared().run((n + rowsPerTask - 1) / rowsPerTask, task -> {
            int end = Math.min(n, (task + 1) * rowsPerTask);
            for (int row = task * rowsPerTask; row < end; row++) {
                int p = positions[row] * half;
                for (int h = 0; h < heads; h++) {
                    rotateHead(x, row * width + h * headDim, cos, sin, p, direction);
                }
            }
        });
    }

    private void rotateHead(float[] x, int off, float[] cos, float[] sin, int p, float direction) {
        int i = 0;
        for (; i <= half - S.length(); i += S.length()) {
            FloatVector x1 = FloatVector.fromArray(S, x, off + i);
            FloatVector x2 = FloatVector.fromArray(S, x, off + half + i);
            FloatVector c = FloatVector.fromArray(S, cos, p + i);
            FloatVector s = FloatVector.fromArray(S, sin, p + i).mul(direction);
            x1.mul(c).sub(x2.mul(s)).intoArray(x, off + i);
            x2.mul(c).add(x1.mul(s)).intoArray(x, off + half + i);
        }
        for (; i < half; i++) {
            float x1 = x[off + i];
            float x2 = x[off + half + i];
            float c = cos[p + i];
            float s = sin[p + i] * direction;
            x[off + i] = x1 * c - x2 * s;
            x[off + half + i] = x2 * c + x1 * s;
        }
    }

    /** cos and sin of {@code float(position * invFreq[i])}, (positions, D/2), grown on demand. */
    private float[][] table(int maxPosition) {
        float[][] t = cosSin;
        if (t[0].length >= (maxPosition + 1) * half) {
            return t;
        }
        synchronized (this) {
            t = cosSin;
            int have = t[0].length / half;
            if (have > maxPosition) {
                return t;
            }
            int positions = Math.max(maxPosition + 1, 2 * have);
            float[] cos = java.util.Arrays.copyOf(t[0], positions * half);
            float[] sin = java.util.Arrays.copyOf(t[1], positions * half);
            for (int p = have; p < positions; p++) {
                for (int i = 0; i < half; i++) {
                    float angle = (float) p * inverseFrequencies[i];
                    cos[p * half + i] = (float) Math.cos(angle);
                    sin[p * half + i] = (float) Math.sin(angle);
                }
            }
            cosSin = new float[][] {cos, sin};
            return cosSin;
        }
    }
}
