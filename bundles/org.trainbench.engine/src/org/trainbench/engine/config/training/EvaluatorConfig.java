package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.DerivedDefault;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Range;

/** {@code training.evaluators.<name>.evaluator}. */
public record EvaluatorConfig(
        @Doc("Kind of evaluator.")
        @Default("loss")
        EvaluatorType type,
        @Doc("Number of batches evaluated each time; unset (null) disables the evaluator.")
        @Range(min = 1)
        Integer iterations,
        @Doc("Name of the dataset in data.datasets to evaluate on.")
        @DerivedDefault("the evaluator's name")
        String datasetName) {

    /** The dataset this evaluator reads: {@code dataset_name}, or the evaluator's own name when unset. */
    public String datasetName(String evaluatorName) {
        return datasetName != null ? datasetName : evaluatorName;
    }
}
