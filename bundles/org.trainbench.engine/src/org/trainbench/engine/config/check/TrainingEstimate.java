package org.trainbench.engine.config.check;

import java.util.Optional;
import java.util.OptionalLong;

import org.trainbench.engine.config.schema.ConfigBinder;
import org.trainbench.engine.config.schema.ConfigBindingException;
import org.trainbench.engine.config.schema.ConfigTree;
import org.trainbench.engine.config.schema.LegacyMigration;
import org.trainbench.engine.config.training.BaseModelConfig;
import org.trainbench.engine.config.training.TransformerConfig;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.YamlNode;

/**
 * Back-of-the-envelope size, memory and speed of one training configuration, for the editor's live summary.
 *
 * <p>Memory per GPU follows mixed-precision AdamW with ZeRO sharding across the data-parallel group: weights and
 * gradients in the training dtype, an fp32 master copy when the training dtype is narrower than fp32, and two fp32
 * Adam moments. Stage 1 shards master and moments, stage 2 also gradients, stage 3 also weights. Activations are an
 * estimate of what the backward pass keeps per layer and token: the inputs of the attention and MLP linears and the
 * attention output, (6 * hidden + 3 * ffn) values in the training dtype, plus the fp32 logits of the micro-batch.
 *
 * <p>FLOPs per token: 6 * N for the weight matmuls (forward 2N, backward 4N) plus causal attention
 * 12 * layers * hidden * (S / 2), the formula {@code ModelBenchmark} prints its GFLOP/s with.
 */
public record TrainingEstimate(long parameterCount, int numLayers, int hiddenSize, int ffnHiddenSize, int vocabSize,
        int sequenceLength, int microBatchSize, long tokensPerStep, int dataParallelSize, int zeroStage,
        int trainingDtypeBytes) {

    /** Peak dense bf16 throughput (TFLOP/s) of the GPUs the summary offers. */
    public enum Gpu {
        H100_SXM("H100 SXM", 989), H200("H200", 989), A100("A100", 312);

        public final String label;
        public final double peakBf16TeraFlops;

        Gpu(String label, double peakBf16TeraFlops) {
            this.label = label;
            this.peakBf16TeraFlops = peakBf16TeraFlops;
        }
    }

    public static final double DEFAULT_MFU = 0.40;

    public TrainingEstimate {
        if (zeroStage < 0 || zeroStage > 3) {
            throw new IllegalArgumentException("zero_stage must be 0, 1, 2 or 3, got " + zeroStage);
        }
        if (dataParallelSize < 1) {
            throw new IllegalArgumentException("data-parallel size must be at least 1, got " + dataParallelSize);
        }
    }

    /**
     * The estimate for a training config tree on {@code dataParallelSize} GPUs: architecture from
     * model.base_model, micro_batch_size and sequence_length from batch, zero_stage from model.multi_stage (default 1),
     * training_dtype from model.distributed (fp32 or float32 means 4 bytes, anything else 2). Empty when the
     * architecture or the batch shape is not fully written.
     */
    public static Optional<TrainingEstimate> of(YamlNode root, int dataParallelSize) {
        YamlNode migrated = LegacyMigration.migrate(root);
        OptionalLong params = ConfigFacts.parameterCount(root);
        OptionalLong tokens = ConfigFacts.tokensPerStep(migrated);
        Optional<YamlNode> baseModel = ConfigTree.at(migrated, "model.base_model");
        long micro = integer(migrated, "batch.micro_batch_size", 1);
        long length = integer(migrated, "batch.sequence_length", -1);
        if (params.isEmpty() || tokens.isEmpty() || length < 1 || baseModel.isEmpty()
                || !(baseModel.get() instanceof MappingNode)) {
            return Optional.empty();
        }
        BaseModelConfig model;
        try {
            model = ConfigBinder.bind(baseModel.get(), BaseModelConfig.class);
        } catch (ConfigBindingException e) {
            return Optional.empty();
        }
        TransformerConfig t = model.transformer();
        int zeroStage = (int) integer(migrated, "model.multi_stage.zero_stage", 1);
        String dtype = ConfigTree.scalar(migrated, "model.distributed.training_dtype")
                .map(s -> String.valueOf(s.value())).orElse("bf16");
        int dtypeBytes = dtype.equals("fp32") || dtype.equals("float32") ? 4 : 2;
        if (zeroStage < 0 || zeroStage > 3) {
            return Optional.empty();
        }
        return Optional.of(new TrainingEstimate(params.getAsLong(), t.numLayers(), t.hiddenSize(), t.ffnHiddenSize(),
                model.vocabSize(), (int) length, (int) micro, tokens.getAsLong(), dataParallelSize, zeroStage,
                dtypeBytes));
    }

    private static long integer(YamlNode root, String path, long fallback) {
        Optional<ScalarNode> node = ConfigTree.scalar(root, path);
        return node.isPresent() && node.get().value() instanceof Long l ? l : fallback;
    }

    public long weightBytes() {
        return shard(parameterCount * trainingDtypeBytes, 3);
    }

    public long gradientBytes() {
        return shard(parameterCount * trainingDtypeBytes, 2);
    }

    /** fp32 master copy (only when training in a narrower dtype) plus the two fp32 Adam moments. */
    public long optimizerStateBytes() {
        long master = trainingDtypeBytes < 4 ? 4 * parameterCount : 0;
        return shard(master + 8 * parameterCount, 1);
    }

    public long activationBytes() {
        long tokens = (long) microBatchSize * sequenceLength;
        long perLayer = tokens * (6L * hiddenSize + 3L * ffnHiddenSize) * trainingDtypeBytes;
        return numLayers * perLayer + tokens * vocabSize * 4L;
    }

    public long memoryPerGpuBytes() {
        return weightBytes() + gradientBytes() + optimizerStateBytes() + activationBytes();
    }

    public double flopsPerToken() {
        return 6.0 * parameterCount + 12.0 * numLayers * hiddenSize * (sequenceLength / 2.0);
    }

    public double flopsPerStep() {
        return flopsPerToken() * tokensPerStep;
    }

    /** Seconds per optimizer step on {@code gpus} GPUs of this kind at this model-FLOPs utilization. */
    public double secondsPerStep(Gpu gpu, int gpus, double mfu) {
        return flopsPerStep() / (gpu.peakBf16TeraFlops * 1e12 * mfu * gpus);
    }

    private long shard(long bytes, int fromStage) {
        return zeroStage >= fromStage ? ceilDiv(bytes, dataParallelSize) : bytes;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
