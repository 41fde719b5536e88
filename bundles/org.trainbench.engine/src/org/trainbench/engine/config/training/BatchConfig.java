package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.DerivedDefault;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Range;

/** {@code batch}: the shape of a training step. */
public record BatchConfig(
        @Doc("Sequences per micro-batch, i.e. per forward and backward pass on one GPU. Gradients of batch_size / micro_batch_size micro-batches are accumulated per step.")
        @Default("1") @Range(min = 1)
        int microBatchSize,
        @Doc("Tokens per sequence (sample). Documents are packed into sequences of this length.")
        @Default("2048") @Range(min = 1)
        int sequenceLength,
        @Doc("Sequences per optimizer step, over all data-parallel GPUs. Must be a multiple of micro_batch_size (times the data-parallel size).")
        @DerivedDefault("micro_batch_size") @Range(min = 1)
        Integer batchSize,
        @Doc("Whether tokens attend to tokens of other documents packed into the same sequence. Turn off for instruction tuning, so that each document only sees itself.")
        @Default("true")
        boolean crossDocumentAttention) {

    public BatchConfig {
        if (batchSize == null) {
            batchSize = microBatchSize;
        }
    }
}
