package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Range;

/** The legacy {@code training.validation} section, read as {@code training.evaluators.validation}. */
public record LegacyValidationConfig(
        @Doc("Number of validation batches each time; unset disables validation.")
        @Range(min = 1)
        Integer iterations,
        @Doc("Number of training iterations between two validations; unset disables validation.")
        @Range(min = 1)
        Integer interval) {
}
