package org.trainbench.engine.train.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.trainbench.engine.data.DatasetConfigFile;
import org.trainbench.engine.data.DatasetSource;
import org.trainbench.engine.data.MemmapDatasetWriter;
import org.trainbench.engine.data.TokenDataType;

/**
 * Writes the demo's chat conversations as Fast-LLM memmap datasets with loss-masking spans, plus the
 * {@code fast_llm_config_<split>.yaml} files that a training config names, exactly as {@code trainbench prepare}
 * lays out a prepared SFT dataset.
 */
public final class DemoDataset {
    public static final String TRAINING_CONFIG = "fast_llm_config_training.yaml";
    public static final String VALIDATION_CONFIG = "fast_llm_config_validation.yaml";
    static final int TRAINING_CONVERSATIONS = 20_000;
    static final int VALIDATION_CONVERSATIONS = 500;
    static final long TRAINING_SEED = 1;
    static final long VALIDATION_SEED = 2;

    private DemoDataset() {
    }

    /** Writes (or rewrites, identically) the training and validation splits into {@code directory}. */
    public static void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        writeSplit(directory, "training", ChatTask.conversations(TRAINING_SEED, TRAINING_CONVERSATIONS), TRAINING_CONFIG);
        writeSplit(directory, "validation", ChatTask.conversations(VALIDATION_SEED, VALIDATION_CONVERSATIONS), VALIDATION_CONFIG);
    }

    private static void writeSplit(Path directory, String name, List<ChatTask.Conversation> conversations, String configName)
            throws IOException {
        Path prefix = directory.resolve(name);
        try (MemmapDatasetWriter writer = MemmapDatasetWriter.create(prefix, TokenDataType.UINT8, true)) {
            for (ChatTask.Conversation conversation : conversations) {
                writer.add(conversation.tokens(), conversation.lossMaskingSpans());
            }
            writer.commit();
        }
        DatasetConfigFile.write(directory.resolve(configName), new DatasetSource.Memmap(prefix));
    }
}
