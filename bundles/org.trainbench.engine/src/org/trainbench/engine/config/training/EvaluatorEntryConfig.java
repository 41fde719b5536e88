package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Range;

/** One named evaluation, {@code training.evaluators.<name>}. */
public record EvaluatorEntryConfig(
        @Doc("Number of training iterations between two evaluations; unset (null) disables this evaluator.")
        @Range(min = 1)
        Integer interval,
        @Doc("Iteration of the first evaluation, then every interval iterations.")
        @Default("0") @Range(min = 0)
        int offset,
        @Doc("What the evaluation computes, and on which dataset.")
        EvaluatorConfig evaluator) {
}
