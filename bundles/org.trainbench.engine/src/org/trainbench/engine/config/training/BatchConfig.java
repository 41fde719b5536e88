package org.trainbench.engine.config.training;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_2;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_4;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.DerivedDefault;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Versions;

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
        @Default("true") @Versions(V0_2)
        boolean crossDocumentAttention,
        @Doc("Whether the loss ignores the loss-masking spans stored with the documents (Fast-LLM 0.3; the seeds' form writes data.sampling.use_loss_masking_spans).")
        @Default("false") @Versions(V0_3)
        boolean useLossMaskingSpans,
        @Doc("Whether documents may be cut to fill sequences (Fast-LLM 0.3; the seeds' form writes data.truncate_documents).")
        @Default("true") @Versions(V0_3)
        boolean truncateDocuments,
        @Doc("Tokens per micro-sequence, a piece of a sequence computed at a time (must divide sequence_length).")
        @DerivedDefault("sequence_length") @Range(min = 1) @Versions(V0_3)
        @NotHonoured("Trainbench computes each sequence whole, with the same results.")
        Integer microSequenceLength,
        @Doc("Micro-batches accumulated one after the other per step (pipeline schedule).")
        @Range(min = 1) @Versions({V0_2, V0_3})
        @NotHonoured("Trainbench accumulates batch_size / micro_batch_size micro-batches one after the other, with the same results.")
        Integer depthFirstMicroBatches,
        @Doc("Micro-batches interleaved per step (pipeline schedule).")
        @Range(min = 1) @Versions({V0_2, V0_3})
        @NotHonoured("Trainbench accumulates batch_size / micro_batch_size micro-batches one after the other, with the same results.")
        Integer breadthFirstMicroBatches) {

    /** The seeds' form of a batch (what the engine reads). */
    public BatchConfig(int microBatchSize, int sequenceLength, Integer batchSize, boolean crossDocumentAttention) {
        this(microBatchSize, sequenceLength, batchSize, crossDocumentAttention, false, true, null, null, null);
    }

    public BatchConfig {
        if (batchSize == null) {
            batchSize = microBatchSize;
        }
    }
}
