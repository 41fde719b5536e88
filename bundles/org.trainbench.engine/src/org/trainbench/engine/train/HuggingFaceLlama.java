package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.file.Files;

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

    /**
     * Writes Hugging Face Llama directories. With a pretrained model, the export keeps its context length and special
     * tokens and copies its tokenizer files, so that the export loads in transformers with its tokenizer; otherwise
     * max_position_embeddings is the training sequence length.
     */
    public static ModelExporter exporter(TrainingPlan plan) throws IOException {
        requireLlama(plan.exportFormat(), "training.export.format");
        HfLlamaFormat.ExportOptions options;
        java.util.Optional<HfLlamaConfig> pretrained = pretrainedConfig(plan);
        if (pretrained.isPresent()) {
            options = HfLlamaFormat.ExportOptions.like(pretrained.get()).withTokenizerSource(plan.pretrained().path());
        } else {
            HfLlamaFormat.ExportOptions defaults = HfLlamaFormat.ExportOptions.defaults();
            options = new HfLlamaFormat.ExportOptions(defaults.dtype(), defaults.maxShardBytes(), plan.sequenceLength(), null,
                    java.util.List.of(), null);
        }
        HfLlamaFormat.ExportOptions chosen = options;
        return (model, directory) -> HfLlamaFormat.export(model, directory, chosen);
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
