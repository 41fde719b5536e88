package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.DerivedDefault;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.EngineSupports;
import org.trainbench.engine.config.schema.Key;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.OptionalSection;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Versions;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;

/** {@code model.base_model.decoder.block.mlp} (Fast-LLM 0.3 and 0.4). */
public record MlpConfig(
        @Doc("Kind of MLP.")
        @Default("mlp")
        @NotHonoured(value = "Trainbench's engine implements dense MLPs only (no mixture of experts).", changesResults = true)
        MlpType type,
        @Doc("Width of the MLP's intermediate state.")
        @Default("4096") @Range(min = 1)
        int intermediateSize,
        @Doc("Whether the MLP's linear layers have biases.")
        @Default("true")
        boolean addLinearBiases,
        @Doc("Whether the MLP is gated: down(act(gate(x)) * up(x)) as in Llama, instead of down(act(up(x))).")
        @Default("false")
        boolean gated,
        @Doc("Activation of the MLP's intermediate state.")
        @DerivedDefault("silu when gated, gelu otherwise") @EngineSupports("silu")
        ActivationType activation,
        @Doc("The first layer (gate and up projections): initialization, bias, learning-rate factor.")
        @OptionalSection
        @Key("layer_1")
        LinearLayerConfig layer1,
        @Doc("The second layer (down projection): initialization, bias, learning-rate factor.")
        @OptionalSection
        @Key("layer_2")
        LinearLayerConfig layer2,
        @Doc("Which intermediate activations are recomputed in the backward pass, to save memory (the cuda backend; the CPU keeps everything, same results).")
        @Default("none")
        MlpRecomputeLevel recomputeLevel,
        @Doc("Factor on the learning rate of this layer's weights.")
        @NotHonoured(value = ParameterConfig.LR_SCALE, changesResults = true, accepts = {"1", "1.0"})
        Double lrScale) {
}
