package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.trainbench.engine.hf.HfLlamaConfig;
import org.trainbench.engine.hf.HfLlamaFormat;

/** {@code pretrained.format: llama} and {@code training.export.format: llama} through the engine's HF Llama format. */
public final class HuggingFaceLlama {
    private HuggingFaceLlama() {
    }

    /** Loads config.json and the safetensors weights of {@code pretrained.path}. */
    public static PretrainedLoader loader() {
        return (pretrained, architecture) -> {
            requireLlama(pretrained.format(), "pretrained.format");
            return HfLlamaFormat.load(pretrained.path());
        };
    }

    /** Writes the exports of {@code training.export}, with {@link #exportOptions} for the run's directory. */
    public static ModelExporter exporter(TrainingPlan plan) throws IOException {
        requireLlama(plan.exportFormat(), "training.export.format");
        HfLlamaFormat.ExportOptions options = exportOptions(plan, plan.experimentDir());
        return (model, directory) -> HfLlamaFormat.export(model, directory, options);
    }

    /**
     * How a run's model is exported, the same for the exports written during training and {@code trainbench export}:
     * max_position_embeddings is the run's {@link #positionLimit} (the pretrained model's context length, else the
     * training sequence length); bos/eos and the tokenizer files are the run's ({@link RunTokenizer}), so that the
     * export tokenizes and stops by itself in transformers. Float32 weights; callers change the type.
     */
    public static HfLlamaFormat.ExportOptions exportOptions(TrainingPlan plan, Path experiment) throws IOException {
        RunTokenizer tokenizer = RunTokenizer.of(plan, experiment);
        HfLlamaFormat.ExportOptions defaults = HfLlamaFormat.ExportOptions.defaults();
        return new HfLlamaFormat.ExportOptions(defaults.dtype(), defaults.maxShardBytes(), positionLimit(plan, null).positions(),
                tokenizer.bosTokenId(), tokenizer.eosTokenIds(), tokenizer.tokenizerDirectory());
    }

    /** The config.json of the run's pretrained model, when it starts from a Hugging Face directory. */
    public static java.util.Optional<HfLlamaConfig> pretrainedConfig(TrainingPlan plan) throws IOException {
        if (plan.pretrained() == null || !Files.isRegularFile(plan.pretrained().path().resolve(HfLlamaConfig.FILE))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(HfLlamaConfig.read(plan.pretrained().path()));
    }

    /**
     * The positions a run's model is made for, as its export's max_position_embeddings says: the pretrained model's
     * context length, else the training sequence length.
     */
    public static PositionLimit positionLimit(TrainingPlan plan, java.nio.file.Path resolvedConfig) throws IOException {
        java.util.Optional<HfLlamaConfig> pretrained = pretrainedConfig(plan);
        if (pretrained.isPresent()) {
            return new PositionLimit(pretrained.get().maxPositionEmbeddings(), "max_position_embeddings of "
                    + plan.pretrained().path().resolve(HfLlamaConfig.FILE));
        }
        return new PositionLimit(plan.sequenceLength(), "batch.sequence_length in " + resolvedConfig);
    }

    private static void requireLlama(String format, String key) {
        if (format != null && !"llama".equals(format)) {
            throw new IllegalArgumentException(key + ": the engine reads and writes format llama only, got " + format);
        }
    }
}
