package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.EngineSupports;
import org.trainbench.engine.config.schema.Range;

/** {@code model.base_model.transformer.normalization}. */
public record NormalizationConfig(
        @Doc("Kind of normalization layer.")
        @Default("layer_norm") @EngineSupports("rms_norm")
        NormalizationType type,
        @Doc("Added to the variance before the square root, for numerical stability.")
        @Default("1.0e-05") @Range(min = 0, minExclusive = true)
        double epsilon) {
}
