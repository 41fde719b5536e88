package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Range;

/** {@code model.multi_stage}. */
public record MultiStageConfig(
        @Doc("ZeRO stage: 1 shards the optimizer state over data-parallel GPUs, 2 also the gradients, 3 also the weights. Unset: no sharding.")
        @Range(min = 1, max = 3)
        Integer zeroStage,
        @Doc("Number of gradient buffers (ZeRO 3 prefetching).")
        @Range(min = 1)
        @NotHonoured(BUFFERS)
        Integer numGradBuffers,
        @Doc("Number of weight buffers (ZeRO 3 prefetching).")
        @Range(min = 1)
        @NotHonoured(BUFFERS)
        Integer numWeightBuffers,
        @Doc("Number of layers per stage (the unit of sharding and of pipeline parallelism).")
        @Range(min = 0, minExclusive = true)
        @NotHonoured(BUFFERS)
        Double layersPerStage,
        @Doc("Whether gradients are reduced and stored in full precision.")
        @Default("true")
        @NotHonoured(value = "Trainbench reduces and stores gradients in float32.", changesResults = true)
        boolean fullPrecisionGradients,
        @Doc("Debug level of the logged layer outputs.")
        @Default("0") @Range(min = 0)
        @NotHonoured("Trainbench has no such debugging or logging switch; the results are the same.")
        int debugLayerOutputs,
        @Doc("Debug level of the logged layer gradients.")
        @Default("0") @Range(min = 0)
        @NotHonoured("Trainbench has no such debugging or logging switch; the results are the same.")
        int debugLayerGradients,
        @Doc("Debug level of the logged initial parameters.")
        @Default("0") @Range(min = 0)
        @NotHonoured("Trainbench has no such debugging or logging switch; the results are the same.")
        int debugParamInit,
        @Doc("Debug level of the logged parameter gradients.")
        @Default("0") @Range(min = 0)
        @NotHonoured("Trainbench has no such debugging or logging switch; the results are the same.")
        int debugParamGradients,
        @Doc("Debug level of all the logged parameter gradients.")
        @Default("0") @Range(min = 0)
        @NotHonoured("Trainbench has no such debugging or logging switch; the results are the same.")
        int debugAllParamGradients,
        @Doc("Debug level of the logged parameter updates.")
        @Default("0") @Range(min = 0)
        @NotHonoured("Trainbench has no such debugging or logging switch; the results are the same.")
        int debugParamUpdate,
        @Doc("Whether the tensor-parallel layers check their consistency.")
        @Default("false")
        @NotHonoured("Trainbench has no such debugging or logging switch; the results are the same.")
        boolean debugTensorParallel) {

    private static final String BUFFERS = "Trainbench shards the flat parameter vector by rank (docs/DISTRIBUTED.md) without stages or buffers; the results are the same.";

    /** The keys the engine reads. */
    public MultiStageConfig(Integer zeroStage) {
        this(zeroStage, null, null, null, true, 0, 0, 0, 0, 0, 0, false);
    }
}
