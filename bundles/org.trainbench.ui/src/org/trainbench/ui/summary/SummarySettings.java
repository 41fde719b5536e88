package org.trainbench.ui.summary;

import org.trainbench.engine.config.check.TrainingEstimate;

/**
 * What the user chooses beside the config: the GPU, how many of them train data-parallel, the model-FLOPs utilization
 * they expect, and optionally a ZeRO stage to compare with the config's.
 *
 * @param gpu          the GPU type (its peak bf16 throughput)
 * @param gpus         the data-parallel size: GPUs the optimizer state is sharded over and the step's FLOPs are spread on
 * @param mfuPercent   model-FLOPs utilization in percent, 1 to 100
 * @param zeroOverride a ZeRO stage 1 to 3 replacing the config's {@code model.multi_stage.zero_stage}, or 0 to use the config's
 * @param cpu          the run trains on the CPU backend, one process: no GPU, its memory in host RAM, no time estimate (the
 *                     GPU choices are kept for when the user switches back)
 */
public record SummarySettings(TrainingEstimate.Gpu gpu, int gpus, int mfuPercent, int zeroOverride, boolean cpu) {

    /** One node of eight H100 at the estimate's default 40 % MFU, ZeRO as the config says. */
    public static final SummarySettings DEFAULT = new SummarySettings(TrainingEstimate.Gpu.H100_SXM, 8,
            (int) Math.round(TrainingEstimate.DEFAULT_MFU * 100), 0);

    public SummarySettings {
        if (gpus < 1) {
            throw new IllegalArgumentException("GPU count must be at least 1, got " + gpus);
        }
        if (mfuPercent < 1 || mfuPercent > 100) {
            throw new IllegalArgumentException("MFU must be 1 to 100 %, got " + mfuPercent);
        }
        if (zeroOverride < 0 || zeroOverride > 3) {
            throw new IllegalArgumentException("ZeRO override must be 0 (as in the config), 1, 2 or 3, got " + zeroOverride);
        }
    }

    /** On GPUs. */
    public SummarySettings(TrainingEstimate.Gpu gpu, int gpus, int mfuPercent, int zeroOverride) {
        this(gpu, gpus, mfuPercent, zeroOverride, false);
    }

    /** Processes the step is spread on: the data-parallel GPUs, or the one CPU process. */
    public int dataParallelSize() {
        return cpu ? 1 : gpus;
    }

    /** Where a launch configuration trains: its backend, and its GPU count for the cuda backend. */
    public SummarySettings withTarget(RunTarget target) {
        return new SummarySettings(gpu, target.cpu() ? gpus : target.gpus(), mfuPercent, zeroOverride, target.cpu());
    }

    public SummarySettings withCpu(boolean onCpu) {
        return new SummarySettings(gpu, gpus, mfuPercent, zeroOverride, onCpu);
    }

    public double mfu() {
        return mfuPercent / 100.0;
    }

    public SummarySettings withGpu(TrainingEstimate.Gpu newGpu) {
        return new SummarySettings(newGpu, gpus, mfuPercent, zeroOverride, cpu);
    }

    public SummarySettings withGpus(int newGpus) {
        return new SummarySettings(gpu, newGpus, mfuPercent, zeroOverride, cpu);
    }

    public SummarySettings withMfuPercent(int newMfuPercent) {
        return new SummarySettings(gpu, gpus, newMfuPercent, zeroOverride, cpu);
    }

    public SummarySettings withZeroOverride(int stage) {
        return new SummarySettings(gpu, gpus, mfuPercent, stage, cpu);
    }
}
