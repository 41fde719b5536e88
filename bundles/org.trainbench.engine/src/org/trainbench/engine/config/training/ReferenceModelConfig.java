package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.OptionalSection;

/** {@code reference_models.<name>}: a model used during training besides the one trained. */
public record ReferenceModelConfig(
        @Doc("The reference model's checkpoint: format and path.")
        @OptionalSection
        PretrainedConfig pretrained) {
}
