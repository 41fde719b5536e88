package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.trainbench.engine.hf.HfLlamaConfig;
import org.trainbench.engine.hf.HfLlamaConfig.GenerationTokens;

/**
 * The tokenizer a run trained with and the ids that begin and end a sequence, as the run knows them: first its
 * experiment directory's tokenizer.json and generation_config.json (the demo writes both there), then the pretrained
 * model it started from (its tokenizer files, generation_config.json, config.json). The one answer for the exports
 * written during training, {@code trainbench export} and {@code trainbench generate RUN}.
 *
 * @param tokenizerDirectory the directory holding the run's tokenizer.json, or null when the run has none
 * @param bosTokenId         the beginning-of-sequence id, or null
 * @param eosTokenIds        the end-of-sequence ids, empty when the run knows none
 */
public record RunTokenizer(Path tokenizerDirectory, Integer bosTokenId, List<Integer> eosTokenIds) {
    /** The Hugging Face tokenizer file whose presence marks a directory as holding the run's tokenizer. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    public RunTokenizer {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /**
     * @param plan       the run's plan (for its pretrained model)
     * @param experiment the run's experiment directory as found on disk
     */
    public static RunTokenizer of(TrainingPlan plan, Path experiment) throws IOException {
        Path pretrained = plan.pretrained() != null && Files.isDirectory(plan.pretrained().path()) ? plan.pretrained().path() : null;
        Path tokenizer = Files.isRegularFile(experiment.resolve(TOKENIZER_FILE)) ? experiment
                : pretrained != null && Files.isRegularFile(pretrained.resolve(TOKENIZER_FILE)) ? pretrained : null;

        Optional<GenerationTokens> run = HfLlamaConfig.readGenerationConfig(experiment);
        Optional<GenerationTokens> pretrainedGeneration = pretrained == null ? Optional.empty() : HfLlamaConfig.readGenerationConfig(pretrained);
        Optional<HfLlamaConfig> pretrainedConfig = HuggingFaceLlama.pretrainedConfig(plan);

        Integer bos = run.map(GenerationTokens::bosTokenId)
                .or(() -> pretrainedGeneration.map(GenerationTokens::bosTokenId))
                .or(() -> pretrainedConfig.map(HfLlamaConfig::bosTokenId))
                .orElse(null);
        List<Integer> eos = run.map(GenerationTokens::eosTokenIds).filter(ids -> !ids.isEmpty())
                .or(() -> pretrainedGeneration.map(GenerationTokens::eosTokenIds).filter(ids -> !ids.isEmpty()))
                .or(() -> pretrainedConfig.map(HfLlamaConfig::eosTokenIds))
                .orElse(List.of());
        return new RunTokenizer(tokenizer, bos, eos);
    }
}
