package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Range;

/** {@code training.checkpoint}: full training state saved periodically, for resuming. */
public record CheckpointConfig(
        @Doc("Number of training iterations between two checkpoints; unset (null) disables checkpoints.")
        @Range(min = 1)
        Integer interval,
        @Doc("Iteration of the first checkpoint, then every interval iterations.")
        @Default("0") @Range(min = 0)
        int offset,
        @Doc("Number of most recent checkpoints kept; older ones are deleted. Unset keeps all.")
        @Range(min = 1)
        Integer keep) {
}
