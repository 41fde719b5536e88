package org.trainbench.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.trainbench.engine.model.GradientAssertions.assertClose;
import static org.trainbench.engine.model.GradientAssertions.dot;
import static org.trainbench.engine.model.GradientAssertions.numericGradient;
import static org.trainbench.engine.model.GradientAssertions.random;
import static org.trainbench.engine.model.GradientAssertions.toFloat;

import org.junit.jupiter.api.Test;

/**
 * Each layer's fp32 backward against fp64 central differences of the double-precision reference layer.
 * The scalar differentiated is {@code sum(R * layer(inputs))} for a random R, so R is the upstream gradient.
 * Tolerance: every element within 1e-4 of the tensor's largest gradient (fp32 rounding is ~1e-6 of it; an
 * indexing or formula error is of order 1).
 */
class LayerGradientTest {
    private static final double TOLERANCE = 1e-4;

    @Test
    void rmsNormBackwardMatchesFiniteDifferences() {
        int n = 5, c = 24;
        double eps = 1e-5;
        double[] x = random(n * c, 1, 1);
        double[] w = random(c, 2, 1);
        double[] r = random(n * c, 3, 1);
        float[] out = new float[n * c];
        float[] rstd = new float[n];
        RmsNorm.forward(out, rstd, toFloat(x), toFloat(w), n, c, (float) eps);
        float[] dx = new float[n * c];
        float[] dw = new float[c];
        RmsNorm.backward(dx, dw, toFloat(r), toFloat(x), toFloat(w), rstd, n, c);
        assertClose("forward", out, ReferenceLlama.rmsNorm(x, w, n, c, eps), TOLERANCE);
        assertClose("dx", dx, numericGradient(x, xv -> dot(r, ReferenceLlama.rmsNorm(xv, w, n, c, eps))), TOLERANCE);
        assertClose("dweight", dw, numericGradient(w, wv -> dot(r, ReferenceLlama.rmsNorm(x, wv, n, c, eps))), TOLERANCE);
    }

    @Test
    void linearBackwardMatchesFiniteDifferencesForInputWeightAndBias() {
        int n = 7, in = 19, out = 13;
        double[] x = random(n * in, 4, 1);
        double[] w = random(out * in, 5, 1);
        double[] b = random(out, 6, 1);
        double[] r = random(n * out, 7, 1);
        float[] y = new float[n * out];
        Linear.forward(y, toFloat(x), toFloat(w), toFloat(b), n, in, out, false);
        assertClose("forward", y, ReferenceLlama.linear(x, w, b, n, in, out), TOLERANCE);
        float[] dx = new float[n * in];
        float[] dw = new float[out * in];
        float[] db = new float[out];
        Linear.backward(dx, dw, db, toFloat(r), toFloat(x), toFloat(w), n, in, out, false);
        assertClose("dx", dx, numericGradient(x, v -> dot(r, ReferenceLlama.linear(v, w, b, n, in, out))), TOLERANCE);
        assertClose("dweight", dw, numericGradient(w, v -> dot(r, ReferenceLlama.linear(x, v, b, n, in, out))), TOLERANCE);
        assertClose("dbias", db, numericGradient(b, v -> dot(r, ReferenceLlama.linear(x, w, v, n, in, out))), TOLERANCE);
    }

    @Test
    void rotaryBackwardIsTheInverseRotationAndMatchesFiniteDifferences() {
        int n = 6, heads = 3, d = 36;
        LlamaArchitecture.Rotary rope = LlamaArchitecture.Rotary.llama3(500_000);
        RotaryEmbedding rotary = new RotaryEmbedding(rope, d);
        float[] invFreq = rotary.inverseFrequencies();
        int[] positions = {0, 1, 7, 33, 1000, 9000};
        double[] x = random(n * heads * d, 8, 1);
        double[] r = random(n * heads * d, 9, 1);
        float[] y = toFloat(x);
        rotary.forward(y, positions, n, heads);
        assertClose("forward", y, ReferenceLlama.rotary(x, positions, n, heads, d, invFreq), TOLERANCE);
        float[] dx = toFloat(r);
        rotary.backward(dx, positions, n, heads);
        assertClose("dx", dx, numericGradient(x, v -> dot(r, ReferenceLlama.rotary(v, positions, n, heads, d, invFreq))), TOLERANCE);
    }

    @Test
    void attentionBackwardMatchesFiniteDifferencesWithGroupsAndDocuments() {
        int b = 2, t = 7, heads = 4, groups = 2, d = 20;
        int[] docs = {0, 0, 0, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5, 5};
        int[] docStart = {0, 0, 0, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0, 0};
        int n = b * t;
        double[] q = random(n * heads * d, 10, 1);
        double[] k = random(n * groups * d, 11, 1);
        double[] v = random(n * groups * d, 12, 1);
        double[] r = random(n * heads * d, 13, 1);
        float[] out = new float[n * heads * d];
        float[] lse = new float[b * heads * t];
        GroupedQueryAttention.forward(out, lse, toFloat(q), toFloat(k), toFloat(v), docStart, b, t, heads, groups, d);
        assertClose("forward", out, ReferenceLlama.attention(q, k, v, docs, b, t, heads, groups, d), TOLERANCE);
        float[] dq = new float[q.length];
        float[] dk = new float[k.length];
        float[] dv = new float[v.length];
        GroupedQueryAttention.backward(dq, dk, dv, toFloat(r), out, lse, toFloat(q), toFloat(k), toFloat(v), docStart,
                b, t, heads, groups, d);
        assertClose("dq", dq, numericGradient(q, x -> dot(r, ReferenceLlama.attention(x, k, v, docs, b, t, heads, groups, d))), TOLERANCE);
        assertClose("dk", dk, numericGradient(k, x -> dot(r, ReferenceLlama.attention(q, x, v, docs, b, t, heads, groups, d))), TOLERANCE);
        assertClose("dv", dv, numericGradient(v, x -> dot(r, ReferenceLlama.attention(q, k, x, docs, b, t, heads, groups, d))), TOLERANCE);
    }

    @Test
    void attentionAcrossSeveralQueryBlocksWithDocumentsStraddlingThemMatchesFiniteDifferences() {
        int b = 1, t = 130, heads = 2, groups = 1, d = 8;
        int[] docs = new int[t];
        int[] docStart = new int[t];
        for (int i = 0; i < t; i++) {
            docs[i] = i < 40 ? 0 : i < 101 ? 1 : 2; // boundaries inside the first, second and third query block
            docStart[i] = i < 40 ? 0 : i < 101 ? 40 : 101;
        }
        int n = b * t;
        double[] q = random(n * heads * d, 21, 1);
        double[] k = random(n * groups * d, 22, 1);
        double[] v = random(n * groups * d, 23, 1);
        double[] r = random(n * heads * d, 24, 1);
        float[] out = new float[n * heads * d];
        float[] lse = new float[b * heads * t];
        GroupedQueryAttention.forward(out, lse, toFloat(q), toFloat(k), toFloat(v), docStart, b, t, heads, groups, d);
        assertClose("forward", out, ReferenceLlama.attention(q, k, v, docs, b, t, heads, groups, d), TOLERANCE);
        float[] dq = new float[q.length];
        float[] dk = new float[k.length];
        float[] dv = new float[v.length];
        GroupedQueryAttention.backward(dq, dk, dv, toFloat(r), out, lse, toFloat(q), toFloat(k), toFloat(v), docStart,
                b, t, heads, groups, d);
        int[] sample = new java.util.SplittableRandom(25).ints(80, 0, k.length).toArray();
        int[] querySample = new java.util.SplittableRandom(26).ints(80, 0, q.length).toArray();
        GradientAssertions.assertCloseAt("dq", dq, q, querySample, x -> dot(r, ReferenceLlama.attention(x, k, v, docs, b, t, heads, groups, d)), TOLERANCE);
        GradientAssertions.assertCloseAt("dk", dk, k, sample, x -> dot(r, ReferenceLlama.attention(q, x, v, docs, b, t, heads, groups, d)), TOLERANCE);
        GradientAssertions.assertCloseAt("dv", dv, v, sample, x -> dot(r, ReferenceLlama.attention(q, k, x, docs, b, t, heads, groups, d)), TOLERANCE);
    }

    @Test
    void siluGateBackwardMatchesFiniteDifferences() {
        int len = 37;
        double[] g = random(len, 14, 4);
        double[] u = random(len, 15, 2);
        double[] r = random(len, 16, 1);
        float[] h = new float[len];
        Silu.forward(h, toFloat(g), toFloat(u), len);
        assertClose("forward", h, ReferenceLlama.siluGate(g, u), TOLERANCE);
        float[] dg = new float[len];
        float[] du = new float[len];
        Silu.backward(dg, du, toFloat(r), toFloat(g), toFloat(u), len);
        assertClose("dgate", dg, numericGradient(g, x -> dot(r, ReferenceLlama.siluGate(x, u))), TOLERANCE);
        assertClose("dup", du, numericGradient(u, x -> dot(r, ReferenceLlama.siluGate(g, x))), TOLERANCE);
    }

    @Test
    void embeddingBackwardAddsRepeatedTokens() {
        int vocab = 6, c = 20, n = 5;
        int[] tokens = {3, 1, 3, 5, 3};
        double[] w = random(vocab * c, 17, 1);
        double[] r = random(n * c, 18, 1);
        float[] dw = new float[vocab * c];
        TokenEmbedding.backward(dw, toFloat(r), tokens, n, c);
        assertClose("dweight", dw, numericGradient(w, x -> {
            double s = 0;
            for (int row = 0; row < n; row++) {
                for (int i = 0; i < c; i++) {
                    s += r[row * c + i] * x[tokens[row] * c + i];
                }
            }
            return s;
        }), TOLERANCE);
        assertEquals(0f, dw[0 * c + 4], "token 0 never appears");
    }

    @Test
    void crossEntropyHeadBackwardMatchesFiniteDifferencesAndSkipsUncountedRows() {
        int n = 9, c = 20, vocab = 37;
        double[] x = random(n * c, 19, 1);
        double[] w = random(vocab * c, 20, 1);
        int[] targets = {3, 36, 0, 5, 5, 17, 2, 30, 9};
        boolean[] counted = {true, false, true, true, false, true, true, true, false};
        float scale = 0.37f;
        float[] dx = new float[n * c];
        java.util.Arrays.fill(dx, 99f); // must be overwritten, including uncounted rows
        float[] dw = new float[vocab * c];
        double sum = LanguageModelHead.crossEntropy(toFloat(x), toFloat(w), targets, counted, n, c, vocab, dx, dw, scale);
        double expected = ReferenceLlama.crossEntropySum(x, w, targets, counted, n, c, vocab);
        assertEquals(expected, sum, 1e-5 * expected);
        assertClose("dx", dx, numericGradient(x, v -> scale * ReferenceLlama.crossEntropySum(v, w, targets, counted, n, c, vocab)), TOLERANCE);
        assertClose("dweight", dw, numericGradient(w, v -> scale * ReferenceLlama.crossEntropySum(x, v, targets, counted, n, c, vocab)), TOLERANCE);
        for (int i = 0; i < c; i++) {
            assertEquals(0f, dx[1 * c + i], "row 1 is not counted");
        }
    }
}
