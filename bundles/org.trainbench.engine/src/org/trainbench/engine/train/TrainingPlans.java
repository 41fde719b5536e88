package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.trainbench.engine.config.training.ActivationType;
import org.trainbench.engine.config.training.BaseModelConfig;
import org.trainbench.engine.config.training.BatchConfig;
import org.trainbench.engine.config.training.CheckpointConfig;
import org.trainbench.engine.config.training.CrossEntropyImpl;
import org.trainbench.engine.config.training.DataConfig;
import org.trainbench.engine.config.training.DatasetConfig;
import org.trainbench.engine.config.training.DatasetType;
import org.trainbench.engine.config.training.EvaluatorEntryConfig;
import org.trainbench.engine.config.training.ExportConfig;
import org.trainbench.engine.config.training.IntervalConfig;
import org.trainbench.engine.config.training.LearningRateConfig;
import org.trainbench.engine.config.training.LegacyValidationConfig;
import org.trainbench.engine.config.training.MlpRecomputeLevel;
import org.trainbench.engine.config.training.ModelConfig;
import org.trainbench.engine.config.training.NormalizationConfig;
import org.trainbench.engine.config.training.NormalizationType;
import org.trainbench.engine.config.training.OptimizerConfig;
import org.trainbench.engine.config.training.RotaryConfig;
import org.trainbench.engine.config.training.RotaryType;
import org.trainbench.engine.config.training.SamplingConfig;
import org.trainbench.engine.config.training.TrainingConfig;
import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.config.training.TrainingLoopConfig;
import org.trainbench.engine.config.training.TransformerConfig;
import org.trainbench.engine.data.DatasetConfigFile;
import org.trainbench.engine.data.DatasetSource;
import org.trainbench.engine.hf.HfLlamaConfig;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.train.optim.AdamW;
import org.trainbench.engine.train.sampling.Shuffling;
import org.trainbench.engine.train.schedule.DecayStyle;
import org.trainbench.engine.train.schedule.LearningRateSchedule;

/**
 * Builds a {@link TrainingPlan} from a bound {@link TrainingConfig}: applies Fast-LLM's defaults where the schema
 * leaves a value unset, maps the legacy forms ({@code training.validation}, {@code data.path}/{@code split},
 * {@code rotary_embedding_scale}), reads the pretrained model's config.json and the dataset config files.
 * Whatever this CPU engine cannot do is refused here with the key and what to use instead.
 */
public final class TrainingPlans {
    /** Fast-LLM's default of training.logs.interval. */
    static final int DEFAULT_LOG_INTERVAL = 100;

    private TrainingPlans() {
    }

    /**
     * @param resolvedYaml the config as YAML with defaults filled in (for config.resolved.yaml), or null
     * @param notes        receives remarks that do not stop the run (e.g. bf16 computed in fp32)
     * @throws IllegalArgumentException naming the key, for settings the engine cannot run
     * @throws IOException              when a dataset config file or the pretrained config.json cannot be read
     */
    public static TrainingPlan from(TrainingConfig config, String resolvedYaml, Consumer<String> notes) throws IOException {
        TrainingLoopConfig loop = orDefault(config.training(), () -> new TrainingLoopConfig(0, null, Map.of(), null, null, null, 0));
        BatchConfig batch = orDefault(config.batch(), () -> new BatchConfig(1, 2048, null, true));
        DataConfig data = orDefault(config.data(), () -> new DataConfig(Map.of(), true, null, null, null, null));
        SamplingConfig sampling = orDefault(data.sampling(), () -> new SamplingConfig(false, 784569,
                org.trainbench.engine.config.training.ShuffleMode.EPOCH));
        OptimizerConfig optimizer = orDefault(config.optimizer(), () -> new OptimizerConfig(null, 0.01, 0.9, 0.999, 1e-8, 1.0));
        LearningRateConfig rate = orDefault(optimizer.learningRate(), () -> new LearningRateConfig(1e-4, 0.0, null, null, 0));
        if (config.run() == null || config.run().experimentDir() == null) {
            throw new IllegalArgumentException("run.experiment_dir: required, the run writes its metrics and checkpoints there");
        }

        TrainingPlan.Pretrained pretrained = null;
        LlamaArchitecture architecture;
        if (config.pretrained() != null) {
            pretrained = new TrainingPlan.Pretrained(config.pretrained().format() == null ? "llama" : config.pretrained().format().yamlName(),
                    config.pretrained().path(), config.pretrained().modelWeights());
            architecture = HfLlamaConfig.read(config.pretrained().path()).architecture();
        } else {
            if (config.model() == null || config.model().baseModel() == null) {
                throw new IllegalArgumentException("model.base_model: required when there is no pretrained model; give the architecture"
                        + " (transformer.hidden_size, num_layers, ...) or a pretrained.path");
            }
            architecture = architecture(config.model().baseModel());
        }
        long modelSeed = 1234;
        TrainingDtype trainingDtype = TrainingDtype.FLOAT32;
        if (config.model() != null && config.model().distributed() != null) {
            modelSeed = config.model().distributed().seed();
            if (config.model().distributed().trainingDtype() != null) {
                trainingDtype = config.model().distributed().trainingDtype();
            }
        }

        MlpRecomputeLevel recompute = config.model() == null || config.model().baseModel() == null
                || config.model().baseModel().transformer() == null ? MlpRecomputeLevel.NONE
                : config.model().baseModel().transformer().mlpRecomputeLevel();

        List<TrainingPlan.Evaluation> evaluations = new ArrayList<>();
        for (Map.Entry<String, EvaluatorEntryConfig> entry : loop.evaluators().entrySet()) {
            EvaluatorEntryConfig evaluator = entry.getValue();
            if (evaluator == null || evaluator.interval() == null || evaluator.evaluator() == null || evaluator.evaluator().iterations() == null) {
                notes.accept("note: training.evaluators." + entry.getKey() + " has no interval or no evaluator.iterations; it is disabled");
                continue;
            }
            evaluations.add(new TrainingPlan.Evaluation(entry.getKey(), evaluator.evaluator().datasetName(entry.getKey()),
                    new TrainingPlan.Periodic(evaluator.interval(), evaluator.offset()), evaluator.evaluator().iterations()));
        }
        LegacyValidationConfig validation = loop.validation();
        if (validation != null && validation.interval() != null && validation.iterations() != null
                && !loop.evaluators().containsKey("validation")) {
            evaluations.add(new TrainingPlan.Evaluation("validation", "validation", TrainingPlan.Periodic.every(validation.interval()),
                    validation.iterations()));
        }

        IntervalConfig logs = loop.logs();
        TrainingPlan.Periodic logPeriod = logs == null || logs.interval() == null ? TrainingPlan.Periodic.every(DEFAULT_LOG_INTERVAL)
                : new TrainingPlan.Periodic(logs.interval(), logs.offset());
        CheckpointConfig checkpoint = loop.checkpoint();
        TrainingPlan.Periodic checkpoints = checkpoint == null || checkpoint.interval() == null ? TrainingPlan.Periodic.NEVER
                : new TrainingPlan.Periodic(checkpoint.interval(), checkpoint.offset());
        int keepCheckpoints = checkpoint == null || checkpoint.keep() == null ? 0 : checkpoint.keep();
        ExportConfig export = loop.export();
        TrainingPlan.Periodic exports = export == null || export.interval() == null ? TrainingPlan.Periodic.NEVER
                : new TrainingPlan.Periodic(export.interval(), export.offset());
        String exportFormat = exports.enabled() ? (export.format() == null ? "llama" : export.format().yamlName()) : null;
        int keepExports = export == null || export.keep() == null ? 0 : export.keep();

        DecayStyle style = rate.decayStyle() == null ? DecayStyle.CONSTANT : DecayStyle.fromConfig(rate.decayStyle().yamlName());
        Integer decayIterations = rate.decayIterations() != null ? rate.decayIterations()
                : style == DecayStyle.CONSTANT ? null : Integer.valueOf(loop.trainIters());
        LearningRateSchedule schedule = LearningRateSchedule.of(rate.base(), rate.minimum(), style, rate.warmupIterations(), decayIterations);
        AdamW.Settings settings = new AdamW.Settings(optimizer.beta1(), optimizer.beta2(), optimizer.epsilon(), optimizer.weightDecay(),
                optimizer.gradientNormClipping());

        return new TrainingPlan(architecture, modelSeed, trainingDtype, recompute, pretrained, batch.batchSize(), batch.microBatchSize(), batch.sequenceLength(),
                batch.crossDocumentAttention(), datasets(data, architecture.vocabSize(), batch.sequenceLength() + 1, notes), data.truncateDocuments(), sampling.useLossMaskingSpans(),
                sampling.shuffle() == null ? Shuffling.EPOCH : Shuffling.fromConfig(sampling.shuffle().yamlName()), sampling.seed(),
                loop.trainIters(), logPeriod, evaluations, loop.testIters(), checkpoints, keepCheckpoints, exports, exportFormat,
                keepExports, settings, schedule, config.run().experimentDir(), resolvedYaml);
    }

    /** The Llama architecture of {@code model.base_model}, refusing what the CPU engine does not implement. */
    static LlamaArchitecture architecture(BaseModelConfig base) {
        TransformerConfig t = base.transformer();
        if (t == null) {
            throw new IllegalArgumentException("model.base_model.transformer: required (hidden_size, num_layers, num_attention_heads, ...)");
        }
        if (Boolean.TRUE.equals(base.usePositionEmbeddings())) {
            throw new IllegalArgumentException("model.base_model.use_position_embeddings: the engine implements Llama's rotary positions only;"
                    + " set use_position_embeddings: false and transformer.rotary.type: default (or llama3)");
        }
        if (t.normalization() != null && t.normalization().type() != NormalizationType.RMS_NORM) {
            throw new IllegalArgumentException("model.base_model.transformer.normalization.type: the engine implements rms_norm only, got "
                    + t.normalization().type().yamlName());
        }
        if (!t.gated()) {
            throw new IllegalArgumentException("model.base_model.transformer.gated: the engine implements Llama's gated MLP only; set gated: true");
        }
        if (t.activationType() != ActivationType.SILU) {
            throw new IllegalArgumentException("model.base_model.transformer.activation_type: the engine implements silu only, got "
                    + t.activationType().yamlName());
        }
        LlamaArchitecture.Rotary rotary = rotary(t);
        double epsilon = t.normalization() == null ? 1e-5 : t.normalization().epsilon();
        return new LlamaArchitecture(base.vocabSize(), t.hiddenSize(), t.numLayers(), t.numAttentionHeads(), t.headGroups(), t.kvChannels(),
                t.ffnHiddenSize(), true, LlamaArchitecture.Activation.SILU, t.addLinearBiases(), epsilon, base.tieWordEmbeddings(), rotary,
                t.initMethodStd());
    }

    /**
     * The inverse of {@link #architecture(BaseModelConfig)}: {@code written} with the sizes, normalization and rotary
     * settings of {@code architecture}, so that a config describes a model it did not spell out (a pretrained one).
     * What the architecture does not determine (flash attention, position embeddings, the loss implementation) is kept.
     */
    static BaseModelConfig baseModel(LlamaArchitecture architecture, BaseModelConfig written) {
        TransformerConfig t = written == null ? null : written.transformer();
        LlamaArchitecture.Rotary r = architecture.rotary();
        RotaryConfig rotary = new RotaryConfig(r.type() == LlamaArchitecture.Rotary.Type.LLAMA3 ? RotaryType.LLAMA3 : RotaryType.DEFAULT,
                r.theta(), r.scaleFactor(), r.lowFrequencyFactor(), r.highFrequencyFactor(), r.originalContextLength(), null);
        TransformerConfig transformer = new TransformerConfig(
                new NormalizationConfig(NormalizationType.RMS_NORM, architecture.normEpsilon()), rotary,
                architecture.numLayers(), architecture.hiddenSize(), architecture.numAttentionHeads(), architecture.headGroups(),
                architecture.addLinearBiases(), architecture.ffnHiddenSize(), architecture.kvChannels(), architecture.gated(), ActivationType.SILU,
                architecture.initStd(), t == null || t.useFlashAttention(),
                t == null ? MlpRecomputeLevel.NONE : t.mlpRecomputeLevel(), null, null);
        return new BaseModelConfig(transformer, architecture.vocabSize(), architecture.tieWordEmbeddings(), false,
                written == null ? 2048 : written.numPositionEmbeddings(),
                written == null ? CrossEntropyImpl.AUTO : written.crossEntropyImpl());
    }

    /**
     * The config as the run resolves it: with {@code pretrained}, model.base_model is the pretrained model's
     * architecture (what is trained), not the schema's defaults, so that the run directory alone describes its model
     * and {@code trainbench export}/{@code generate} read it back without a mismatch with pretrained.path.
     */
    static TrainingConfig describingTheTrainedModel(TrainingConfig config) throws IOException {
        if (config.pretrained() == null || config.pretrained().path() == null) {
            return config;
        }
        LlamaArchitecture architecture = HfLlamaConfig.read(config.pretrained().path()).architecture();
        ModelConfig model = config.model();
        ModelConfig described = new ModelConfig(
                baseModel(architecture, model == null ? null : model.baseModel()), model == null ? null : model.multiStage(),
                model == null ? null : model.distributed());
        return new TrainingConfig(config.training(), config.batch(), config.data(), config.optimizer(), config.pretrained(), described,
                config.run());
    }

    private static LlamaArchitecture.Rotary rotary(TransformerConfig t) {
        RotaryConfig r = t.rotary();
        RotaryType type = r == null ? RotaryType.NONE : r.type();
        if (r != null && r.scalingType() != null && type == RotaryType.NONE) {
            type = r.scalingType();
        }
        if (type == RotaryType.NONE && Boolean.TRUE.equals(t.useRotaryEmbeddings())) {
            type = r != null && r.scalingType() != null ? r.scalingType() : RotaryType.DEFAULT;
        }
        if (type == RotaryType.NONE || type == null) {
            throw new IllegalArgumentException("model.base_model.transformer.rotary.type: the engine needs rotary embeddings (Llama);"
                    + " set rotary.type: default or llama3");
        }
        // The binder has already turned the legacy rotary_embedding_scale into rotary.theta (LegacyMigration).
        double theta = r == null ? 10000.0 : r.theta();
        if (type == RotaryType.LLAMA3) {
            return new LlamaArchitecture.Rotary(LlamaArchitecture.Rotary.Type.LLAMA3, theta, r == null ? 8.0 : r.scaleFactor(),
                    r == null ? 1.0 : r.lowFrequencyFactor(), r == null ? 4.0 : r.highFrequencyFactor(), r == null ? 8192 : r.originalContextLength());
        }
        return LlamaArchitecture.Rotary.defaultScaling(theta);
    }

    /** {@code data.datasets}, or the legacy {@code data.path} split into training/validation/test. */
    static Map<String, DatasetSource> datasets(DataConfig data, int vocabSize, int randomDocumentLength, Consumer<String> notes)
            throws IOException {
        Map<String, DatasetSource> sources = new LinkedHashMap<>();
        for (Map.Entry<String, DatasetConfig> entry : data.datasets().entrySet()) {
            sources.put(entry.getKey(), entry.getValue().type() == DatasetType.RANDOM
                    ? new DatasetSource.Random(vocabSize, randomDocumentLength, entry.getKey().hashCode())
                    : source(entry.getValue(), "data.datasets." + entry.getKey()));
        }
        if (sources.isEmpty() && data.path() != null) {
            DatasetSource whole = legacySource(Path.of(data.path()));
            List<Double> split = data.split() == null ? List.of(1.0) : data.split();
            double total = split.stream().mapToDouble(Double::doubleValue).sum();
            if (!(total > 0)) {
                throw new IllegalArgumentException("data.split: expected positive weights for training, validation and test, got " + split);
            }
            String[] names = {TrainingPlan.TRAINING, "validation", TrainingPlan.TEST};
            double begin = 0;
            for (int i = 0; i < Math.min(split.size(), names.length); i++) {
                double end = begin + split.get(i) / total;
                if (split.get(i) > 0) {
                    sources.put(names[i], split.size() == 1 ? whole : new DatasetSource.Slice(whole, begin, Math.min(1.0, end)));
                }
                begin = end;
            }
            notes.accept("note: legacy data.path/split read as datasets " + sources.keySet());
        }
        return sources;
    }

    /** A named dataset: a file or memmap dataset, or a blend of those by weight. */
    private static DatasetSource source(DatasetConfig dataset, String key) throws IOException {
        DatasetType type = dataset.type() == null ? DatasetType.FILE : dataset.type();
        if (type == DatasetType.BLENDED) {
            List<org.trainbench.engine.config.training.BlendedDatasetConfig> parts = dataset.datasets() == null ? List.of() : dataset.datasets();
            List<Double> weights = dataset.weights() == null ? List.of() : dataset.weights();
            if (parts.size() < 2 || parts.size() != weights.size()) {
                throw new IllegalArgumentException(key + ": a blended dataset needs two or more datasets and one weight each, got "
                        + parts.size() + " and " + weights.size());
            }
            List<DatasetSource> sources = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                org.trainbench.engine.config.training.BlendedDatasetConfig part = parts.get(i);
                sources.add(source(part.type() == null ? DatasetType.FILE : part.type(), part.path(), key + ".datasets[" + i + "].path"));
            }
            return new DatasetSource.Blended(sources, weights);
        }
        if (type != DatasetType.FILE && type != DatasetType.MEMMAP) {
            throw new IllegalArgumentException(key + ".type: Trainbench's engine reads file, memmap and blended datasets, not "
                    + type.yamlName());
        }
        return source(type, dataset.path(), key + ".path");
    }

    private static DatasetSource source(DatasetType type, Path path, String key) throws IOException {
        if (path == null) {
            throw new IllegalArgumentException(key + ": required");
        }
        if (type == DatasetType.MEMMAP) {
            return new DatasetSource.Memmap(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(key + ": no dataset config file " + path.toAbsolutePath()
                    + " (expected the fast_llm_config_<split>.yaml written by `trainbench prepare`)");
        }
        return DatasetConfigFile.read(path);
    }

    private static DatasetSource legacySource(Path path) throws IOException {
        String name = path.getFileName().toString();
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return DatasetConfigFile.read(path);
        }
        if (Files.isRegularFile(Path.of(path + ".idx")) || name.endsWith(".idx") || name.endsWith(".bin")) {
            return new DatasetSource.Memmap(path);
        }
        throw new IllegalArgumentException("data.path: " + path + " is neither a dataset config file (.yaml) nor a memmap prefix"
                + " (with .idx/.bin); the legacy JSON dataset list is not read by this engine: list the datasets in data.datasets");
    }

    private static <T> T orDefault(T value, java.util.function.Supplier<T> fallback) {
        return value != null ? value : fallback.get();
    }
}
