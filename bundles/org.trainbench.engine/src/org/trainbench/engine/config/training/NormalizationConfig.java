package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.EngineSupports;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Versions;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_4;

/** {@code model.base_model.transformer.normalization}. */
public record NormalizationConfig(
        @Doc("Kind of normalization layer.")
        @Default("layer_norm") @EngineSupports("rms_norm")
        NormalizationType type,
        @Doc("Added to the variance before the square root, for numerical stability.")
        @Default("1.0e-05") @Range(min = 0, minExclusive = true)
        double epsilon,
        @Doc("Whether the normalization weight is stored as w = 1 + w', for accuracy near one.")
        @Default("false") @Versions({V0_3, V0_4})
        @NotHonoured(value = "Trainbench stores the normalization weight itself; training would differ numerically.", changesResults = true)
        boolean zeroCentered,
        @Doc("Normalization kernel: auto, torch, fused, fast or triton; all compute the same.")
        @Default("auto") @Versions({V0_3, V0_4})
        @NotHonoured("Trainbench uses its own normalization kernel, with the same results.")
        String implementation,
        @Doc("Factor on the learning rate of the normalization weights.")
        @Versions({V0_3, V0_4})
        @NotHonoured(value = ParameterConfig.LR_SCALE, changesResults = true, accepts = {"1", "1.0"})
        Double lrScale) {

    /** The seeds' form of a normalization (what the engine reads). */
    public NormalizationConfig(NormalizationType type, double epsilon) {
        this(type, epsilon, false, "auto", null);
    }
}
