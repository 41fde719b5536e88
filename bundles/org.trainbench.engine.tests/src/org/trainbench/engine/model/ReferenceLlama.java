package org.trainbench.engine.model;

import java.util.HashMap;
import java.util.Map;

import org.trainbench.engine.tensor.Parameter;

/**
 * An independent double-precision Llama, written as plainly as possible from the Hugging Face definitions, used as
 * the ground truth of the tests: its forward is differentiated by central finite differences in fp64 and compared
 * with the engine's hand-written fp32 backward. Nothing here is fast or shared with the engine except the rotary
 * frequencies (checked against transformers separately).
 */
final class ReferenceLlama {
    private ReferenceLlama() {
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    static Map<String, double[]> weights(LlamaModel model) {
        Map<String, double[]> w = new HashMap<>();
        for (Parameter p : model.parameters()) {
            w.put(p.name(), toDouble(p.data()));
        }
        return w;
    }

    /** (N, C) -> (N, C). */
    static double[] rmsNorm(double[] x, double[] w, int n, int c, double eps) {
        double[] out = new double[n * c];
        for (int r = 0; r < n; r++) {
            double ms = 0;
            for (int i = 0; i < c; i++) {
                ms += x[r * c + i] * x[r * c + i];
            }
            double rstd = 1 / Math.sqrt(ms / c + eps);
            for (int i = 0; i < c; i++) {
                out[r * c + i] = x[r * c + i] * rstd * w[i];
            }
        }
        return out;
    }

    /** x (N, I), w (O, I), b (O) or null -> (N, O). */
    static double[] linear(double[] x, double[] w, double[] b, int n, int in, int out) {
        double[] y = new double[n * out];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    /** HF rotate_half rotary on (N, heads*D). */
    static double[] rotary(double[] x, int[] positions, int n, int heads, int d, float[] invFreq) {
        double[] y = x.clone();
        int half = d / 2;
        for (int r = 0; r < n; r++) {
            for (int h = 0; h < heads; h++) {
                int off = r * heads * d + h * d;
                for (int i = 0; i < half; i++) {
                    double angle = positions[r] * (double) invFreq[i];
                    double cos = Math.cos(angle);
                    double sin = Math.sin(angle);
                    double x1 = x[off + i];
                    double x2 = x[off + half + i];
                    y[off + i] = x1 * cos - x2 * sin;
                    y[off + half + i] = x2 * cos + x1 * sin;
                }
            }
        }
        return y;
    }

    /** May position i of a sequence see position j? Causal, and no other document's token in between. */
    static boolean visible(int[] docs, int seqOffset, int i, int j) {
        if (j > i) {
            return false;
        }
        for (int m = j; m <= i; m++) {
            if (docs[seqOffset + m] != docs[seqOffset + i]) {
                return false;
            }
        }
        return true;
    }

    /** q (N, H*D), k, v (N, G*D), docs (N) -> (N, H*D). */
    static double[] attention(double[] q, double[] k, double[] v, int[] docs, int b, int t, int heads, int groups, int d) {
        double[] out = new double[b * t * heads * d];
        double scale = 1 / Math.sqrt(d);
        for (int s = 0; s < b; s++) {
            for (int h = 0; h < heads; h++) {
                int g = h / (heads / groups);
                for (int i = 0; i < t; i++) {
                    double[] score = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        if (!visible(docs, s * t, i, j)) {
                            continue;
                        }
                        double dot = 0;
                        for (int e = 0; e < d; e++) {
                            dot += q[((s * t + i) * heads + h) * d + e] * k[((s * t + j) * groups + g) * d + e];
                        }
                        score[j] = dot * scale;
                        max = Math.max(max, score[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        if (visible(docs, s * t, i, j)) {
                            score[j] = Math.exp(score[j] - max);
                            sum += score[j];
                        }
                    }
                    for (int j = 0; j < t; j++) {
                        if (!visible(docs, s * t, i, j)) {
                            continue;
                        }
                        for (int e = 0; e < d; e++) {
                            out[((s * t + i) * heads + h) * d + e] += score[j] / sum * v[((s * t + j) * groups + g) * d + e];
                        }
                    }
                }
            }
        }
        return out;
    }

    static double[] siluGate(double[] gate, double[] up) {
        double[] h = new double[gate.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
        }
        return h;
    }

    /** Sum over counted rows of -log softmax(x W^T)[target]. */
    static double crossEntropySum(double[] x, double[] w, int[] targets, boolean[] counted, int n, int c, int vocab) {
        double[] logits = linear(x, w, null, n, c, vocab);
        double total = 0;
        for (int r = 0; r < n; r++) {
            if (!counted[r]) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < vocab; j++) {
                max = Math.max(max, logits[r * vocab + j]);
            }
            double sum = 0;
            for (int j = 0; j < vocab; j++) {
                sum += Math.exp(logits[r * vocab + j] - max);
            }
            total += max + Math.log(sum) - logits[r * vocab + targets[r]];
        }
        return total;
    }

    /** Final-normed hidden states (N, C) of a batch. */
    static double[] hidden(LlamaArchitecture arch, Map<String, double[]> w, SequenceBatch batch) {
        int b = batch.batchSize();
        int t = batch.sequenceLength();
        int n = b * t;
        int c = arch.hiddenSize();
        int f = arch.ffnHiddenSize();
        int heads = arch.numAttentionHeads();
        int groups = arch.headGroups();
        int d = arch.kvChannels();
        int[] tokens = new int[n];
        int[] positions = new int[n];
        int[] docs = new int[n];
        for (int s = 0; s < b; s++) {
            for (int i = 0; i < t; i++) {
                tokens[s * t + i] = batch.inputTokens()[s][i];
                positions[s * t + i] = batch.positions()[s][i];
                docs[s * t + i] = batch.documentIds()[s][i];
            }
        }
        float[] invFreq = RotaryEmbedding.inverseFrequencies(arch.rotary(), d);
        double[] emb = w.get("model.embed_tokens.weight");
        double[] x = new double[n * c];
        for (int r = 0; r < n; r++) {
            System.arraycopy(emb, tokens[r] * c, x, r * c, c);
        }
        for (int l = 0; l < arch.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            double[] h = rmsNorm(x, w.get(p + "input_layernorm.weight"), n, c, arch.normEpsilon());
            double[] q = linear(h, w.get(p + "self_attn.q_proj.weight"), w.get(p + "self_attn.q_proj.bias"), n, c, heads * d);
            double[] k = linear(h, w.get(p + "self_attn.k_proj.weight"), w.get(p + "self_attn.k_proj.bias"), n, c, groups * d);
            double[] v = linear(h, w.get(p + "self_attn.v_proj.weight"), w.get(p + "self_attn.v_proj.bias"), n, c, groups * d);
            q = rotary(q, positions, n, heads, d, invFreq);
            k = rotary(k, positions, n, groups, d, invFreq);
            double[] a = attention(q, k, v, docs, b, t, heads, groups, d);
            double[] o = linear(a, w.get(p + "self_attn.o_proj.weight"), w.get(p + "self_attn.o_proj.bias"), n, heads * d, c);
            for (int i = 0; i < x.length; i++) {
                x[i] += o[i];
            }
            h = rmsNorm(x, w.get(p + "post_attention_layernorm.weight"), n, c, arch.normEpsilon());
            double[] gate = linear(h, w.get(p + "mlp.gate_proj.weight"), w.get(p + "mlp.gate_proj.bias"), n, c, f);
            double[] up = linear(h, w.get(p + "mlp.up_proj.weight"), w.get(p + "mlp.up_proj.bias"), n, c, f);
            double[] down = linear(siluGate(gate, up), w.get(p + "mlp.down_proj.weight"), w.get(p + "mlp.down_proj.bias"), n, f, c);
            for (int i = 0; i < x.length; i++) {
                x[i] += down[i];
            }
        }
        return rmsNorm(x, w.get("model.norm.weight"), n, c, arch.normEpsilon());
    }

    static double[] headWeight(LlamaArchitecture arch, Map<String, double[]> w) {
        return arch.tieWordEmbeddings() ? w.get("model.embed_tokens.weight") : w.get("lm_head.weight");
    }

    /** Mean cross-entropy over counted targets. */
    static double loss(LlamaArchitecture arch, Map<String, double[]> w, SequenceBatch batch) {
        int n = batch.batchSize() * batch.sequenceLength();
        int[] targets = new int[n];
        boolean[] counted = new boolean[n];
        int count = 0;
        for (int s = 0; s < batch.batchSize(); s++) {
            for (int i = 0; i < batch.sequenceLength(); i++) {
                targets[s * batch.sequenceLength() + i] = batch.targetTokens()[s][i];
                counted[s * batch.sequenceLength() + i] = batch.lossMask()[s][i];
                count += batch.lossMask()[s][i] ? 1 : 0;
            }
        }
        double[] x = hidden(arch, w, batch);
        return crossEntropySum(x, headWeight(arch, w), targets, counted, n, arch.hiddenSize(), arch.vocabSize()) / count;
    }

    /** Logits (N, V). */
    static double[] logits(LlamaArchitecture arch, Map<String, double[]> w, SequenceBatch batch) {
        int n = batch.batchSize() * batch.sequenceLength();
        return linear(hidden(arch, w, batch), headWeight(arch, w), null, n, arch.hiddenSize(), arch.vocabSize());
    }
}
