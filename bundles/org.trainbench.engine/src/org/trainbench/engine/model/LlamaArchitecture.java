package org.trainbench.engine.model;

import java.util.Locale;

/**
 * The shape of a Llama-family model, in Fast-LLM's vocabulary ({@code model.base_model.transformer.*}).
 *
 * @param vocabSize          rows of the token embedding (and of the LM head)
 * @param hiddenSize         width of the residual stream, C
 * @param numLayers          transformer blocks
 * @param numAttentionHeads  query heads, H
 * @param headGroups         key/value heads, G (grouped-query attention); H must be a multiple of G
 * @param kvChannels         width of one head, D (query, key and value alike)
 * @param ffnHiddenSize      inner width of the MLP, F
 * @param gated              true: MLP is down(act(gate(x)) * up(x)) as in Llama; false: down(act(up(x)))
 * @param activation         the MLP's activation
 * @param addLinearBiases    biases on every linear layer (q, k, v, o, gate, up, down)
 * @param normEpsilon        RMSNorm epsilon
 * @param tieWordEmbeddings  the LM head reuses the token embedding matrix
 * @param rotary             rotary position embedding of queries and keys
 * @param initStd            base standard deviation of the initial weights (Fast-LLM's init_method_std);
 *                           see {@link #defaultInitStd(int)}
 */
public record LlamaArchitecture(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numAttentionHeads,
        int headGroups,
        int kvChannels,
        int ffnHiddenSize,
        boolean gated,
        Activation activation,
        boolean addLinearBiases,
        double normEpsilon,
        boolean tieWordEmbeddings,
        Rotary rotary,
        double initStd) {

    /** MLP activations this engine implements. */
    public enum Activation {
        SILU;

        /** Parses Fast-LLM's / Hugging Face's spelling ({@code silu}). */
        public static Activation parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "silu", "swish" -> SILU;
                default -> throw new IllegalArgumentException(
                        "activation '" + text + "' is not supported by the CPU engine; expected: silu");
            };
        }
    }

    /** Rotary position embedding: which inv_freq formula, and its constants. */
    public record Rotary(Type type, double theta, double scaleFactor, double lowFrequencyFactor,
                         double highFrequencyFactor, int originalContextLength) {

        /** Frequency formula, as in Hugging Face's {@code rope_type} / Fast-LLM's {@code rotary.scaling_type}. */
        public enum Type {
            /** inv_freq[i] = theta^(-2i/D). */
            DEFAULT,
            /** Llama 3.1's rescaling of the low frequencies beyond the original context length. */
            LLAMA3
        }

        public Rotary {
            if (!(theta > 1)) {
                throw new IllegalArgumentException("rotary theta must be > 1, got " + theta);
            }
            if (type == Type.LLAMA3) {
                if (!(scaleFactor > 0) || !(highFrequencyFactor > lowFrequencyFactor) || originalContextLength <= 0) {
                    throw new IllegalArgumentException("llama3 rotary scaling needs factor > 0, high_freq_factor > low_freq_factor"
                            + " and original_max_position_embeddings > 0; got factor " + scaleFactor + ", low " + lowFrequencyFactor
                            + ", high " + highFrequencyFactor + ", original " + originalContextLength);
                }
            }
        }

        /** Unscaled rotary with base theta (Llama 2: 10000, Llama 3: 500000). */
        public static Rotary defaultScaling(double theta) {
            return new Rotary(Type.DEFAULT, theta, 1, 1, 4, 8192);
        }

        /** Llama 3.1 scaling with its published defaults: factor 8, low 1, high 4, original context 8192. */
        public static Rotary llama3(double theta) {
            return new Rotary(Type.LLAMA3, theta, 8, 1, 4, 8192);
        }

        /** Fast-LLM writes theta as {@code rotary_embedding_scale = -ln(theta)}. */
        public static double thetaFromEmbeddingScale(double rotaryEmbeddingScale) {
            return Math.exp(-rotaryEmbeddingScale);
        }
    }

    public LlamaArchitecture {
        requirePositive("vocab_size", vocabSize);
        requirePositive("hidden_size", hiddenSize);
        requirePositive("num_layers", numLayers);
        requirePositive("num_attention_heads", numAttentionHeads);
        requirePositive("head_groups", headGroups);
        requirePositive("kv_channels", kvChannels);
        requirePositive("ffn_hidden_size", ffnHiddenSize);
        if (numAttentionHeads % headGroups != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numAttentionHeads
                    + ") must be a multiple of head_groups (" + headGroups + ")");
        }
        if (kvChannels % 2 != 0) {
            throw new IllegalArgumentException("kv_channels must be even for rotary embeddings, got " + kvChannels);
        }
        if (activation == null || rotary == null) {
            throw new IllegalArgumentException("activation and rotary are required");
        }
        if (!(normEpsilon > 0)) {
            throw new IllegalArgumentException("norm epsilon must be > 0, got " + normEpsilon);
        }
        if (!(initStd > 0)) {
            throw new IllegalArgumentException("init std must be > 0, got " + initStd);
        }
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    /** Fast-LLM's default init_method_std: hidden_size^-0.5. */
    public static double defaultInitStd(int hiddenSize) {
        return 1.0 / Math.sqrt(hiddenSize);
    }

    /**
     * A Llama with the usual defaults: gated SiLU MLP, no biases, eps 1e-5, untied head, head dim
     * hidden/heads, default rotary with theta 10000, Fast-LLM's default init std.
     */
    public static LlamaArchitecture llama(int vocabSize, int hiddenSize, int numLayers, int numAttentionHeads,
                                          int headGroups, int ffnHiddenSize) {
        return new LlamaArchitecture(vocabSize, hiddenSize, numLayers, numAttentionHeads, headGroups,
                hiddenSize / numAttentionHeads, ffnHiddenSize, true, Activation.SILU, false, 1e-5, false,
                Rotary.defaultScaling(10000), defaultInitStd(hiddenSize));
    }

    /** Width of all query heads together, H*D. */
    public int queryWidth() {
        return numAttentionHeads * kvChannels;
    }

    /** Width of all key (or value) heads together, G*D. */
    public int keyValueWidth() {
        return headGroups * kvChannels;
    }

    /** Std of the weights that write back into the residual stream (o_proj, down_proj): initStd / sqrt(2 numLayers). */
    public double outputProjectionInitStd() {
        return initStd / Math.sqrt(Math.max(2 * numLayers, 1));
    }

    /** Trainable parameters, counting a tied embedding once. */
    public long parameterCount() {
        long c = hiddenSize;
        long attention = c * queryWidth() + 2 * c * keyValueWidth() + (long) queryWidth() * c;
        long mlp = (gated ? 3L : 2L) * c * ffnHiddenSize;
        long norms = 2 * c;
        long biases = addLinearBiases ? queryWidth() + 2L * keyValueWidth() + c + (gated ? 2L : 1L) * ffnHiddenSize + c : 0;
        long perLayer = attention + mlp + norms + biases;
        long embedding = (long) vocabSize * c;
        return embedding + (tieWordEmbeddings ? 0 : embedding) + numLayers * perLayer + c;
    }

    public LlamaArchitecture withRotary(Rotary newRotary) {
        return new LlamaArchitecture(vocabSize, hiddenSize, numLayers, numAttentionHeads, headGroups, kvChannels,
                ffnHiddenSize, gated, activation, addLinearBiases, normEpsilon, tieWordEmbeddings, newRotary, initStd);
    }

    public LlamaArchitecture withTiedEmbeddings(boolean tied) {
        return new LlamaArchitecture(vocabSize, hiddenSize, numLayers, numAttentionHeads, headGroups, kvChannels,
                ffnHiddenSize, gated, activation, addLinearBiases, normEpsilon, tied, rotary, initStd);
    }

    public LlamaArchitecture withLinearBiases(boolean biases) {
        return new LlamaArchitecture(vocabSize, hiddenSize, numLayers, numAttentionHeads, headGroups, kvChannels,
                ffnHiddenSize, gated, activation, biases, normEpsilon, tieWordEmbeddings, rotary, initStd);
    }

    public LlamaArchitecture withKvChannels(int headDim) {
        return new LlamaArchitecture(vocabSize, hiddenSize, numLayers, numAttentionHeads, headGroups, headDim,
                ffnHiddenSize, gated, activation, addLinearBiases, normEpsilon, tieWordEmbeddings, rotary, initStd);
    }
}
