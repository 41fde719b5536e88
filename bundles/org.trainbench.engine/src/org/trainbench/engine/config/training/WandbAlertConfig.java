package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Range;

/** {@code training.wandb.alert}. */
public record WandbAlertConfig(
        @Doc("Number of training iterations between two status posts; unset disables them.")
        @Range(min = 1)
        Integer interval,
        @Doc("Iteration of the first status post.")
        @Default("0") @Range(min = 0)
        int offset,
        @Doc("Whether to post on status changes (run begin and end).")
        Boolean statusUpdates) {
}
