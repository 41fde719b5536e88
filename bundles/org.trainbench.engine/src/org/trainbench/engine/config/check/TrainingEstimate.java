package org.trainbench.engine.config.check;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.trainbench.engine.config.schema.ConfigBinder;
import org.trainbench.engine.config.schema.ConfigBindingException;
import org.trainbench.engine.config.schema.ConfigTree;
import org.trainbench.engine.config.schema.InputPaths;
import org.trainbench.engine.config.schema.LegacyMigration;
import org.trainbench.engine.config.training.BaseModelConfig;
import org.trainbench.engine.config.training.TransformerConfig;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.hf.HfLlamaConfig;
import org.trainbench.engine.model.LlamaArchitecture;

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

    /**
     * The GPUs the summary offers: peak dense bf16 throughput (TFLOP/s) and memory, the total nvidia-smi reports for
     * the 80 GB H100 SXM (81,559 MiB), the H200 (143,771 MiB) and the 80 GB A100 (81,920 MiB).
     */
    public enum Gpu {
        H100_SXM("H100 SXM", 989, 81_559), H200("H200", 989, 143_771), A100("A100 80GB", 312, 81_920);

        public final String label;
        public final double peakBf16TeraFlops;
        public final long memoryBytes;

        Gpu(String label, double peakBf16TeraFlops, long memoryMebibytes) {
            this.label = label;
            this.peakBf16TeraFlops = peakBf16TeraFlops;
            this.memoryBytes = memoryMebibytes << 20;
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

    /** The architecture keys a config with a {@code pretrained} section must write for the estimate (as ConfigFacts). */
    private static final List<String> ARCHITECTURE_KEYS = List.of("hidden_size", "num_layers", "num_attention_heads", "head_groups",
            "ffn_hidden_size");

    /**
     * A key the estimate needs that the config does not write, or writes with a value the estimate cannot use.
     *
     * @param key    the dotted key path, e.g. {@code batch.batch_size}
     * @param reason what is expected there, for the user
     */
    public record MissingKey(String key, String reason) {
    }

    /**
     * The estimate for a training config tree on {@code dataParallelSize} GPUs: architecture from
     * model.base_model, micro_batch_size and sequence_length from batch, zero_stage from model.multi_stage (default 1),
     * training_dtype from model.distributed (fp32 or float32 means 4 bytes, anything else 2). Empty when the
     * architecture or the batch shape is not fully written; {@link #missingKeys} then says which keys. Reads no file:
     * a pretrained model's architecture must be written out, see {@link #of(YamlNode, int, Path)}.
     */
    public static Optional<TrainingEstimate> of(YamlNode root, int dataParallelSize) {
        return Optional.ofNullable(read(root, dataParallelSize, new ArrayList<>(), null));
    }

    /**
     * The estimate for the config file {@code configFile} whose tree is {@code root}: as {@link #of(YamlNode, int)},
     * except that with a {@code pretrained.path} whose config.json can be read, the architecture is that model's, as
     * the run and the checker take it (a relative path is read against the config file's directory).
     *
     * @param configFile the config file, or null for text not saved yet (a relative pretrained.path is then not read)
     */
    public static Optional<TrainingEstimate> of(YamlNode root, int dataParallelSize, Path configFile) {
        return Optional.ofNullable(read(root, dataParallelSize, new ArrayList<>(), PretrainedModel.of(root, configFile)));
    }

    /**
     * Why {@link #of(YamlNode, int)} gives no estimate for this tree: each key that is missing or unusable, in the
     * order of the config (architecture, then batch, then ZeRO stage). Empty exactly when it gives an estimate.
     */
    public static List<MissingKey> missingKeys(YamlNode root) {
        List<MissingKey> missing = new ArrayList<>();
        read(root, 1, missing, null);
        return List.copyOf(missing);
    }

    /** Why {@link #of(YamlNode, int, Path)} gives no estimate; empty exactly when it gives one. */
    public static List<MissingKey> missingKeys(YamlNode root, Path configFile) {
        List<MissingKey> missing = new ArrayList<>();
        read(root, 1, missing, PretrainedModel.of(root, configFile));
        return List.copyOf(missing);
    }

    /**
     * The pretrained model's config.json as the run reads it: its architecture, or null with the reason it could not be
     * read. Null itself when the config has no pretrained.path or the caller does not read files.
     */
    private record PretrainedModel(LlamaArchitecture architecture, String problem) {
        static PretrainedModel of(YamlNode root, Path configFile) {
            Optional<ScalarNode> path = ConfigTree.scalar(LegacyMigration.migrate(root), "pretrained.path")
                    .filter(s -> s.kind() == ScalarNode.Kind.STRING && !s.text().isBlank());
            if (path.isEmpty()) {
                return null;
            }
            Path directory;
            try {
                directory = InputPaths.resolve(configFile, path.get().text());
            } catch (InvalidPathException e) {
                return new PretrainedModel(null, "pretrained.path is not a path: " + e.getMessage());
            }
            if (configFile == null && !directory.isAbsolute()) {
                return new PretrainedModel(null, "the config is not saved, so the relative pretrained.path cannot be read");
            }
            try {
                return new PretrainedModel(HfLlamaConfig.read(directory).architecture(), null);
            } catch (IOException | RuntimeException e) {
                return new PretrainedModel(null, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
    }

    private static TrainingEstimate read(YamlNode root, int dataParallelSize, List<MissingKey> missing, PretrainedModel pretrained) {
        YamlNode migrated = LegacyMigration.migrate(root);
        LlamaArchitecture fromPretrained = pretrained == null ? null : pretrained.architecture();
        BaseModelConfig model = fromPretrained != null ? null
                : architecture(migrated, missing, pretrained == null ? null : pretrained.problem());
        OptionalLong tokens = ConfigFacts.tokensPerStep(migrated);
        for (String key : new String[] {"batch.batch_size", "batch.sequence_length"}) {
            if (!(ConfigTree.scalar(migrated, key).map(ScalarNode::value).orElse(null) instanceof Long value)) {
                missing.add(new MissingKey(key, ConfigTree.isSet(migrated, key) ? "an integer" : "not written"));
            } else if (value < 1) {
                missing.add(new MissingKey(key, "at least 1, got " + value));
            }
        }
        long micro = integer(migrated, "batch.micro_batch_size", 1);
        if (micro < 1 || ConfigTree.isSet(migrated, "batch.micro_batch_size")
                && !(ConfigTree.scalar(migrated, "batch.micro_batch_size").map(ScalarNode::value).orElse(null) instanceof Long)) {
            missing.add(new MissingKey("batch.micro_batch_size", "an integer of at least 1 (default 1)"));
        }
        long length = integer(migrated, "batch.sequence_length", -1);
        int zeroStage = (int) integer(migrated, "model.multi_stage.zero_stage", 1);
        if (zeroStage < 0 || zeroStage > 3) {
            missing.add(new MissingKey("model.multi_stage.zero_stage", "0, 1, 2 or 3 (default 1), got " + zeroStage));
        }
        OptionalLong params = fromPretrained != null ? OptionalLong.of(fromPretrained.parameterCount())
                : model == null ? OptionalLong.empty() : ConfigFacts.parameterCount(root);
        if (fromPretrained == null && model != null && params.isEmpty()) {
            missing.add(new MissingKey(LegacyMigration.TRANSFORMER, "an architecture whose parameter count can be computed"));
        }
        if (!missing.isEmpty() || tokens.isEmpty() || length < 1) {
            return null;
        }
        String dtype = ConfigTree.scalar(migrated, "model.distributed.training_dtype")
                .map(s -> String.valueOf(s.value())).orElse("bf16");
        int dtypeBytes = dtype.equals("fp32") || dtype.equals("float32") ? 4 : 2;
        if (fromPretrained != null) {
            return new TrainingEstimate(params.getAsLong(), fromPretrained.numLayers(), fromPretrained.hiddenSize(),
                    fromPretrained.ffnHiddenSize(), fromPretrained.vocabSize(), (int) length, (int) micro, tokens.getAsLong(),
                    dataParallelSize, zeroStage, dtypeBytes);
        }
        TransformerConfig t = model.transformer();
        return new TrainingEstimate(params.getAsLong(), t.numLayers(), t.hiddenSize(), t.ffnHiddenSize(), model.vocabSize(),
                (int) length, (int) micro, tokens.getAsLong(), dataParallelSize, zeroStage, dtypeBytes);
    }

    /**
     * The bound model.base_model, or null with the reasons added to {@code missing}: no transformer section, an
     * architecture left to the pretrained model (which the estimate does not read), or a value that cannot be bound.
     */
    private static BaseModelConfig architecture(YamlNode migrated, List<MissingKey> missing, String pretrainedProblem) {
        boolean pretrained = ConfigTree.at(migrated, "pretrained").isPresent();
        Optional<YamlNode> transformer = ConfigTree.at(migrated, LegacyMigration.TRANSFORMER);
        if (transformer.isEmpty() && !pretrained) {
            missing.add(new MissingKey(LegacyMigration.TRANSFORMER,
                    "not written: the architecture (hidden_size, num_layers, num_attention_heads, head_groups, ffn_hidden_size)"));
            return null;
        }
        if (pretrained) {
            int before = missing.size();
            for (String key : ARCHITECTURE_KEYS) {
                if (!ConfigTree.isSet(migrated, LegacyMigration.TRANSFORMER + "." + key)) {
                    String why = !ConfigTree.isSet(migrated, "pretrained.path")
                            ? "not written, and pretrained has no path: set pretrained.path to the model directory, or write the key"
                            : pretrainedProblem == null
                                    ? "not written: the architecture comes from pretrained.path, which the estimate does not read"
                                    : "not written, and the pretrained model's config.json cannot be read: " + pretrainedProblem;
                    missing.add(new MissingKey(LegacyMigration.TRANSFORMER + "." + key, why));
                }
            }
            if (missing.size() > before) {
                return null;
            }
        }
        Optional<YamlNode> baseModel = ConfigTree.at(migrated, "model.base_model");
        if (baseModel.isEmpty() || !(baseModel.get() instanceof MappingNode)) {
            missing.add(new MissingKey("model.base_model", "a mapping with the architecture"));
            return null;
        }
        try {
            return ConfigBinder.bind(baseModel.get(), BaseModelConfig.class);
        } catch (ConfigBindingException e) {
            String key = e.keyPath().isEmpty() ? "model.base_model" : "model.base_model." + e.keyPath();
            String reason = e.getMessage().startsWith(e.keyPath() + ": ") ? e.getMessage().substring(e.keyPath().length() + 2)
                    : e.getMessage();
            missing.add(new MissingKey(key, reason));
            return null;
        }
    }

    /** The same configuration with ZeRO stage {@code stage} instead of the config's. */
    public TrainingEstimate withZeroStage(int stage) {
        return new TrainingEstimate(parameterCount, numLayers, hiddenSize, ffnHiddenSize, vocabSize, sequenceLength, microBatchSize,
                tokensPerStep, dataParallelSize, stage, trainingDtypeBytes);
    }

    /** The same configuration sharded over {@code gpus} data-parallel GPUs. */
    public TrainingEstimate withDataParallelSize(int gpus) {
        return new TrainingEstimate(parameterCount, numLayers, hiddenSize, ffnHiddenSize, vocabSize, sequenceLength, microBatchSize,
                tokensPerStep, gpus, zeroStage, trainingDtypeBytes);
    }

    private static long integer(YamlNode root, String path, long fallback) {
        Optional<ScalarNode> node = ConfigTree.scalar(root, path);
        return node.isPresent() && node.get().value() instanceof Long l ? l : fallback;
    }

    /** Sequences per step (batch.batch_size). */
    public long batchSize() {
        return tokensPerStep / sequenceLength;
    }

    /** Micro-batches each GPU accumulates per step: batch_size / (micro_batch_size x data-parallel size). */
    public double microBatchesPerGpu() {
        return (double) batchSize() / ((long) microBatchSize * dataParallelSize);
    }

    /**
     * Why the batch cannot be split over these GPUs, or empty: every GPU runs the same whole number of micro-batches,
     * so batch_size must be a multiple of micro_batch_size x the data-parallel size. The time per step assumes it is.
     */
    public Optional<String> batchSplitProblem() {
        long perRound = (long) microBatchSize * dataParallelSize;
        if (batchSize() % perRound == 0) {
            return Optional.empty();
        }
        return Optional.of("batch_size " + batchSize() + " is not a multiple of micro_batch_size " + microBatchSize + " x "
                + dataParallelSize + " GPUs = " + perRound + ": the step cannot be split evenly; choose a GPU count that divides "
                + (batchSize() % microBatchSize == 0 ? String.valueOf(batchSize() / microBatchSize)
                        : "batch_size / micro_batch_size (itself not whole)")
                + ", or change batch_size");
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

    /** Whether the estimated memory per GPU fits in the GPU's memory (nothing left for the CUDA context or fragmentation). */
    public boolean fitsOn(Gpu gpu) {
        return memoryPerGpuBytes() <= gpu.memoryBytes;
    }

    public double flopsPerToken() {
        return flopsPerToken(parameterCount, numLayers, hiddenSize, sequenceLength);
    }

    /**
     * Training FLOPs per token, the one formula of the summary, the trainer's MFU and the benchmarks: 6 N for the weight
     * matmuls (forward 2 N, backward 4 N; N counts every parameter, the input embedding too) plus causal attention
     * 12 * layers * hidden * (S / 2).
     */
    public static double flopsPerToken(long parameterCount, int numLayers, int hiddenSize, int sequenceLength) {
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
