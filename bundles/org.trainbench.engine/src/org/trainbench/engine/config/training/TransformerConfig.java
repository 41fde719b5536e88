package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.DerivedDefault;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.EngineSupports;
import org.trainbench.engine.config.schema.Legacy;
import org.trainbench.engine.config.schema.Range;

/**
 * {@code model.base_model.transformer}. Sizes left unset are derived in the constructor, as Fast-LLM derives them.
 */
public record TransformerConfig(
        @Doc("Normalization layers before attention, before the MLP, and after the last block.")
        NormalizationConfig normalization,
        @Doc("Rotary position embedding of queries and keys.")
        RotaryConfig rotary,
        @Doc("Number of transformer blocks.")
        @Default("12") @Range(min = 0)
        int numLayers,
        @Doc("Width of the residual stream: the size of the token representation between blocks.")
        @Default("1024") @Range(min = 1)
        int hiddenSize,
        @Doc("Number of query heads.")
        @Default("8") @Range(min = 1)
        int numAttentionHeads,
        @Doc("Number of key/value heads (grouped-query attention): 1 is multi-query attention, num_attention_heads is multi-head attention. Must divide num_attention_heads.")
        @Default("1") @Range(min = 1)
        int headGroups,
        @Doc("Whether the linear layers (attention and MLP) have biases. Llama has none.")
        @Default("true")
        boolean addLinearBiases,
        @Doc("Width of the MLP's intermediate state.")
        @DerivedDefault("4 * hidden_size") @Range(min = 1)
        Integer ffnHiddenSize,
        @Doc("Width of one attention head (query, key and value alike). Usually hidden_size / num_attention_heads.")
        @DerivedDefault("hidden_size / num_attention_heads") @Range(min = 1)
        Integer kvChannels,
        @Doc("Whether the MLP is gated: down(act(gate(x)) * up(x)) as in Llama, instead of down(act(up(x))).")
        @Default("false")
        boolean gated,
        @Doc("Activation of the MLP's intermediate state.")
        @DerivedDefault("silu when gated, gelu otherwise") @EngineSupports("silu")
        ActivationType activationType,
        @Doc("Standard deviation of the initial weights (normal distribution).")
        @DerivedDefault("hidden_size ** -0.5") @Range(min = 0)
        Double initMethodStd,
        @Doc("Whether attention uses the fused flash-attention kernel (when the numeric type allows it). Same results, less memory.")
        @Default("true")
        boolean useFlashAttention,
        @Doc("Which MLP activations the backward pass recomputes instead of keeping: less memory, more time. The cuda backend implements every level; the CPU backend keeps everything (same results).")
        @Default("none")
        MlpRecomputeLevel mlpRecomputeLevel,
        @Doc("Legacy form of the rotary theta: -ln(theta), e.g. -13.122363377404328 for theta 500000.")
        @Legacy(replacedBy = "rotary.theta", note = "theta = exp(-rotary_embedding_scale)")
        Double rotaryEmbeddingScale,
        @Doc("Legacy switch for rotary embeddings.")
        @Legacy(replacedBy = "rotary.type", note = "true becomes rotary.type: default, false rotary.type: none")
        Boolean useRotaryEmbeddings) {

    public TransformerConfig {
        if (ffnHiddenSize == null) {
            ffnHiddenSize = 4 * hiddenSize;
        }
        if (kvChannels == null) {
            kvChannels = numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0;
        }
        if (activationType == null) {
            activationType = gated ? ActivationType.SILU : ActivationType.GELU;
        }
        if (mlpRecomputeLevel == null) {
            mlpRecomputeLevel = MlpRecomputeLevel.NONE;
        }
        if (initMethodStd == null) {
            initMethodStd = hiddenSize > 0 ? 1 / Math.sqrt(hiddenSize) : 0;
        }
    }
}
