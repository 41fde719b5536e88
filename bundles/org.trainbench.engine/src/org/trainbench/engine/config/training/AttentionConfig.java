package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.DerivedDefault;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.EngineSupports;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.OptionalSection;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Versions;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;

/** {@code model.base_model.decoder.block.mixer} (Fast-LLM 0.3 and 0.4): self-attention. */
public record AttentionConfig(
        @Doc("Kind of mixer.")
        @Default("attention")
        @NotHonoured(value = "Trainbench's engine implements attention mixers only.", changesResults = true)
        MixerType type,
        @Doc("Rotary position embedding of queries and keys.")
        RotaryConfig rotary,
        @Doc("Number of query heads.")
        @Default("8") @Range(min = 1)
        int heads,
        @Doc("Number of key/value heads (grouped-query attention): 1 is multi-query attention, heads is multi-head attention. Must divide heads.")
        @Default("1") @Range(min = 1)
        int headGroups,
        @Doc("Width of one attention head (query, key and value alike).")
        @Default("128") @Range(min = 1)
        int headSize,
        @Doc("Whether the attention's linear layers have biases.")
        @Default("true")
        boolean addLinearBiases,
        @Doc("Whether attention is causal (a token sees only earlier tokens). Off only for bidirectional models such as vision encoders.")
        @Default("true")
        @NotHonoured(value = "Trainbench's engine trains causal language models only.", changesResults = true)
        boolean causal,
        @Doc("Dropout applied to the attention probabilities.")
        @Default("0.0") @Range(min = 0)
        @NotHonoured(value = "Trainbench's engine has no dropout.", changesResults = true)
        double dropout,
        @Doc("Whether attention uses the fused flash-attention kernel when the numeric type allows it. Same results, less memory.")
        @Default("true")
        boolean useFlashAttention,
        @Doc("Size of the sliding attention window (Mistral); unset attends over the whole sequence.")
        @Range(min = 0)
        @NotHonoured(value = "Trainbench's engine attends over the whole sequence (no sliding window).", changesResults = true)
        Integer windowSize,
        @Doc("Power of head_size in the attention's scale 1 / head_size ** power: 0.5 is standard, 1 is muP.")
        @Default("0.5") @Range(min = 0)
        @NotHonoured(value = "Trainbench's engine scales attention by 1 / sqrt(head_size).", changesResults = true)
        double softmaxScalePower,
        @Doc("Attention kernel: flash, backup (plain PyTorch) or auto.")
        @Default("auto")
        @NotHonoured(value = "Trainbench picks its own attention kernel; the attention computed is the same.")
        AttentionImplementation implementation,
        @Doc("Whether tokens attend to tokens of other documents packed into the same sequence (Fast-LLM 0.3; 0.4 never does).")
        @Default("true") @Versions(V0_3)
        boolean crossDocumentAttention,
        @Doc("The query projection: initialization, bias, learning-rate factor.")
        @OptionalSection
        LinearLayerConfig queryLayer,
        @Doc("The key projection: initialization, bias, learning-rate factor.")
        @OptionalSection
        LinearLayerConfig keyLayer,
        @Doc("The value projection: initialization, bias, learning-rate factor.")
        @OptionalSection
        LinearLayerConfig valueLayer,
        @Doc("The output projection: initialization, bias, learning-rate factor.")
        @OptionalSection
        LinearLayerConfig denseLayer,
        @Doc("Factor on the learning rate of this layer's weights.")
        @NotHonoured(value = ParameterConfig.LR_SCALE, changesResults = true, accepts = {"1", "1.0"})
        Double lrScale) {
}
