package org.trainbench.engine.train;

import java.util.ArrayList;
import java.util.List;

import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.sampling.BatchLayout;
import org.trainbench.engine.train.sampling.PackedSequence;
import org.trainbench.engine.train.sampling.SequenceSampler;

/**
 * Cuts the next global batch of a sampler into micro-batches of {@code micro_batch_size} samples and keeps this rank's
 * share: every rank draws all of them, so samplers stay at the same position on every rank, and keeps its contiguous
 * share of the micro-batches.
 */
final class MicroBatches {
    private final int microBatchSize;
    private final BatchLayout layout;
    private final DataParallel group;

    MicroBatches(TrainingPlan plan, DataParallel group) {
        this.microBatchSize = plan.microBatchSize();
        this.layout = new BatchLayout(plan.crossDocumentAttention(), plan.useLossMaskingSpans());
        this.group = group;
    }

    /** This rank's micro-batches of the next global batch of {@code sequences} samples. */
    List<SequenceBatch> next(SequenceSampler sampler, int sequences) {
        int count = (sequences + microBatchSize - 1) / microBatchSize;
        int first = count * group.rank() / group.worldSize();
        int end = count * (group.rank() + 1) / group.worldSize();
        List<SequenceBatch> batches = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            List<PackedSequence> samples = new ArrayList<>(microBatchSize);
            for (int i = 0; i < microBatchSize; i++) {
                samples.add(sampler.next());
            }
            if (index >= first && index < end) {
                batches.add(layout.toBatch(samples));
            }
        }
        return batches;
    }
}
