package org.trainbench.launch;

import java.io.IOException;
import java.nio.file.Path;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.Status;
import org.trainbench.engine.train.demo.ChatVocabulary;

/**
 * What a demo experiment needs besides its config, written by the engine's own code so that it is exactly what
 * {@code trainbench demo} uses: the synthetic chat dataset (reverse or sort digits, add numbers; loss-masking spans
 * over the user turns) and the tokenizer.json of its character vocabulary (so {@code trainbench generate} takes text
 * prompts on the run). Writing a few hundred kilobytes is no training; the IDE still never trains in-process.
 */
public final class DemoDataset {

    /** The dataset configs the demo config names under data.datasets, inside the data folder. */
    public static final String TRAINING_CONFIG = org.trainbench.engine.train.demo.DemoDataset.TRAINING_CONFIG;
    public static final String VALIDATION_CONFIG = org.trainbench.engine.train.demo.DemoDataset.VALIDATION_CONFIG;

    private DemoDataset() {
    }

    /** Writes the training and validation splits (memmap .idx/.bin and their fast_llm_config_*.yaml) into {@code dataFolder}. */
    public static void write(Path dataFolder) throws CoreException {
        try {
            org.trainbench.engine.train.demo.DemoDataset.write(dataFolder);
        } catch (IOException | RuntimeException e) {
            throw new CoreException(Status.error("Could not write the demo dataset into " + dataFolder + ": " + e.getMessage(), e));
        }
    }

    /**
     * Writes the demo vocabulary's tokenizer.json and generation_config.json (its end-of-answer id) into the experiment
     * directory, where generate looks for them.
     */
    public static void writeTokenizer(Path experimentDirectory) throws CoreException {
        try {
            ChatVocabulary.writeTokenizerFiles(experimentDirectory);
        } catch (IOException e) {
            throw new CoreException(Status.error("Could not write the demo tokenizer into " + experimentDirectory + ": "
                    + e.getMessage(), e));
        }
    }
}
