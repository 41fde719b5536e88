package org.trainbench.engine.config.training;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_2;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_4;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Versions;

/** One named evaluation, {@code training.evaluators.<name>}. */
public record EvaluatorEntryConfig(
        @Doc("Number of training iterations between two evaluations; unset (null) disables this evaluator.")
        @Range(min = 1)
        Integer interval,
        @Doc("Iteration of the first evaluation, then every interval iterations.")
        @Default("0") @Range(min = 0)
        int offset,
        @Doc("What the evaluation computes, and on which dataset.")
        @Versions({V0_2, V0_3})
        EvaluatorConfig evaluator,
        @Doc("Kind of evaluator (Fast-LLM 0.4; earlier forms write evaluator.type). It reads the dataset named like the evaluator.")
        @Default("loss") @Versions(V0_4)
        EvaluatorType type,
        @Doc("Number of batches evaluated each time; unset (null) disables the evaluator (Fast-LLM 0.4; earlier forms write evaluator.iterations).")
        @Range(min = 1) @Versions(V0_4)
        Integer iterations) {
}
