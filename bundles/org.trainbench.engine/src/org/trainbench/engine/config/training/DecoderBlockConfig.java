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

/** {@code model.base_model.decoder.block} (Fast-LLM 0.3 and 0.4): one transformer block. */
public record DecoderBlockConfig(
        @Doc("The token mixer: self-attention with its heads, rotary embedding and biases.")
        AttentionConfig mixer,
        @Doc("The MLP: its width, gating and activation.")
        MlpConfig mlp,
        @Doc("The normalization layers before the mixer and before the MLP.")
        NormalizationConfig normalization,
        @Doc("Dropout applied to the residual connections.")
        @Default("0.0") @Range(min = 0)
        @NotHonoured(value = "Trainbench's engine has no dropout.", changesResults = true)
        double dropout,
        @Doc("Factor on the learning rate of this layer's weights.")
        @NotHonoured(value = ParameterConfig.LR_SCALE, changesResults = true, accepts = {"1", "1.0"})
        Double lrScale) {
}
