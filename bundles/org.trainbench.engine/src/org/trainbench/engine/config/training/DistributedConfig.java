package org.trainbench.engine.config.training;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_2;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_4;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Versions;

/** {@code model.distributed}. */
public record DistributedConfig(
        @Doc("Timeout of distributed operations, in seconds.")
        @Default("60") @Range(min = 0, minExclusive = true)
        double timeout,
        @Doc("Numeric type of the forward and backward passes.")
        @Default("float32") @Versions(V0_2)
        TrainingDtype trainingDtype,
        @Doc("Seed of the weight initialization and of other random choices of the model.")
        @Default("1234")
        long seed,
        @Doc("Numeric type of the forward and backward passes (Fast-LLM 0.3 and 0.4; the seeds' form writes training_dtype).")
        @Default("float32") @Versions({V0_3, V0_4})
        TrainingDtype computeDtype,
        @Doc("Numeric type of the master weights and of the optimizer state.")
        @Default("float32")
        @NotHonoured(value = "Trainbench keeps master weights and optimizer state in float32.", changesResults = true)
        TrainingDtype optimizationDtype,
        @Doc("Tensor-parallel group size: GPUs that split each layer's weights.")
        @Default("1") @Range(min = 1)
        @NotHonoured(NOT_SPLIT)
        int tensorParallel,
        @Doc("Pipeline-parallel group size: GPUs that each hold a range of layers.")
        @Default("1") @Range(min = 1)
        @NotHonoured(NOT_SPLIT)
        int pipelineParallel,
        @Doc("Sequence-data-parallel group size: GPUs that split each sequence.")
        @Default("1") @Range(min = 1)
        @NotHonoured(NOT_SPLIT)
        int sequenceDataParallel,
        @Doc("Whether tensor-parallel GPUs also split the sequence outside attention and MLP.")
        @Default("false")
        @NotHonoured(NOT_SPLIT)
        boolean sequenceTensorParallel,
        @Doc("Number of processes of the run; unset: from the launcher (torchrun).")
        @Range(min = 1)
        @NotHonoured("Trainbench takes the number of ranks from its own launch (docs/DISTRIBUTED.md).")
        Integer worldSize,
        @Doc("Rank of this process; unset: from the launcher.")
        @Range(min = 0)
        @NotHonoured("Trainbench takes the rank from its launch.")
        Integer rank,
        @Doc("Number of processes on this node; unset: from the launcher.")
        @Range(min = 1)
        @NotHonoured("Trainbench takes the ranks from its own launch (docs/DISTRIBUTED.md).")
        Integer localWorldSize,
        @Doc("Communication backend: nccl or gloo.")
        @Default("nccl")
        @NotHonoured("Trainbench communicates over its own TCP communicator (docs/DISTRIBUTED.md), with the same results.")
        String backend,
        @Doc("Whether to run on CUDA GPUs.")
        @Default("true")
        @NotHonoured("Trainbench runs on the CPU unless trainbench train --backend cuda; the results are the same up to rounding.")
        boolean useCuda,
        @Doc("Whether the initialization is the same for every parallel layout (slower).")
        @Default("false")
        @NotHonoured("Trainbench's initialization does not depend on the layout anyway (it draws every weight from the model seed).")
        boolean reproducibleInit) {

    private static final String NOT_SPLIT = "Trainbench runs every GPU as a data-parallel rank (docs/DISTRIBUTED.md): the model is not split, the results are the same, memory use and speed are not.";

    /** The keys the engine reads, the others at their defaults. */
    public DistributedConfig(double timeout, TrainingDtype trainingDtype, long seed) {
        this(timeout, trainingDtype, seed, TrainingDtype.FLOAT32, TrainingDtype.FLOAT32, 1, 1, 1, false, null, null, null, "nccl",
                true, false);
    }
}
