package org.trainbench.engine.config.training;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_4;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Versions;

/** {@code schedule}: how the micro-batches of a step are run. */
public record ScheduleConfig(
        @Doc("Micro-batches accumulated one after the other per step; with breadth_first_micro_batches and the data-parallel size, the batch size (Fast-LLM 0.4).")
        @Default("1") @Range(min = 1) @Versions(V0_4)
        int depthFirstMicroBatches,
        @Doc("Micro-batches interleaved per step, for pipeline parallelism; multiplies the batch size like depth_first_micro_batches (Fast-LLM 0.4).")
        @Default("1") @Range(min = 1) @Versions(V0_4)
        int breadthFirstMicroBatches,
        @Doc("Pieces each micro-batch is split into along the sequence (Fast-LLM 0.4).")
        @Default("1") @Range(min = 1) @Versions(V0_4)
        @NotHonoured("Trainbench computes each micro-batch whole, with the same results.")
        int microBatchSplits,
        @Doc("Whether data-parallel communication overlaps with computation.")
        @Default("true")
        @NotHonoured("Trainbench schedules its own communication, with the same results.")
        boolean dataOverlap,
        @Doc("Whether pipeline-parallel communication overlaps with computation.")
        @Default("true")
        @NotHonoured("Trainbench has no pipeline parallelism; the results are the same.")
        boolean pipelineOverlap,
        @Doc("Whether the CPU waits for the GPU now and then, to limit memory fragmentation.")
        @Default("true")
        @NotHonoured("Trainbench schedules its own GPU work, with the same results.")
        boolean throttleCpu,
        @Doc("Skip the weight update (debugging): the forward and backward passes still run.")
        @Default("false")
        @NotHonoured(value = "Trainbench always updates the weights.", changesResults = true)
        boolean skipStep) {
}
