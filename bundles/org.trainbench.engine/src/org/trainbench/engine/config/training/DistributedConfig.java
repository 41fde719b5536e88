package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Range;

/** {@code model.distributed}. */
public record DistributedConfig(
        @Doc("Timeout of distributed operations, in seconds.")
        @Default("60") @Range(min = 0, minExclusive = true)
        double timeout,
        @Doc("Numeric type of the forward and backward passes.")
        @Default("float32")
        TrainingDtype trainingDtype,
        @Doc("Seed of the weight initialization and of other random choices of the model.")
        @Default("1234")
        long seed) {
}
