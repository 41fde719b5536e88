package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.EngineSupports;
import org.trainbench.engine.config.schema.Legacy;
import org.trainbench.engine.config.schema.Range;

/** {@code model.base_model.transformer.rotary}. */
public record RotaryConfig(
        @Doc("Rotary embedding variant.")
        @Default("none") @EngineSupports({"default", "llama3"})
        RotaryType type,
        @Doc("Base of the rotary frequencies theta^(-2i/d): 10000 for Llama 2, 500000 for Llama 3.")
        @Default("10000.0") @Range(min = 1, minExclusive = true)
        double theta,
        @Doc("llama3: factor by which the low frequencies are divided (the context extension factor).")
        @Default("8.0") @Range(min = 0, minExclusive = true)
        double scaleFactor,
        @Doc("llama3: wavelengths longer than original_context_length / low_frequency_factor are fully rescaled.")
        @Default("1.0") @Range(min = 0, minExclusive = true)
        double lowFrequencyFactor,
        @Doc("llama3: wavelengths shorter than original_context_length / high_frequency_factor are kept; in between they are blended.")
        @Default("4.0") @Range(min = 0, minExclusive = true)
        double highFrequencyFactor,
        @Doc("llama3: context length of the model before the extension.")
        @Default("8192") @Range(min = 1)
        int originalContextLength,
        @Doc("Legacy name of type.")
        @Legacy(replacedBy = "type")
        RotaryType scalingType) {
}
