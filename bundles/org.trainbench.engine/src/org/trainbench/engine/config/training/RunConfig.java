package org.trainbench.engine.config.training;

import java.nio.file.Path;

import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Required;

/** {@code run}. */
public record RunConfig(
        @Doc("Directory where the run writes everything: the resolved config, metrics, checkpoints and exports. Trainbench's experiment views read it.")
        @Required
        Path experimentDir) {
}
