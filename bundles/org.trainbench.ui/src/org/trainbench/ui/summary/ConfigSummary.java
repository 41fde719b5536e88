package org.trainbench.ui.summary;

import java.nio.file.Path;
import java.util.List;

import org.trainbench.engine.config.check.TrainingEstimate;
import org.trainbench.engine.config.schema.ConfigKind;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;

/**
 * What the summary view shows for one config text and the user's settings: the engine's {@link TrainingEstimate}, the
 * keys that keep it from estimating, or why the text cannot be read at all. Computed off the UI thread.
 */
public sealed interface ConfigSummary {

    /**
     * The estimate for the settings' GPU count and ZeRO stage.
     *
     * @param estimate        the engine's estimate, with the override's stage and the chosen data-parallel size
     * @param configZeroStage the stage the config itself asks for (its default 1 when unwritten)
     * @param secondsPerStep  on the chosen GPUs at the chosen MFU; NaN on the CPU
     */
    record Estimated(TrainingEstimate estimate, SummarySettings settings, int configZeroStage, double secondsPerStep)
            implements ConfigSummary {
    }

    /** A training config without the keys the estimate needs; each is named with what is expected. */
    record Incomplete(List<TrainingEstimate.MissingKey> missing) implements ConfigSummary {
        public Incomplete {
            missing = List.copyOf(missing);
        }
    }

    /** A text that is no training config (a YAML syntax error, a data-preparation config); the message says which. */
    record Unreadable(String message) implements ConfigSummary {
    }

    /**
     * @param configFile the file the text is (or will be) saved in, against which a relative pretrained.path is read;
     *                   null when the text has no file
     */
    static ConfigSummary of(String text, SummarySettings settings, Path configFile) {
        YamlNode tree;
        try {
            tree = YamlParser.parse(text);
        } catch (YamlSyntaxException e) {
            return new Unreadable("YAML syntax error at line " + e.range().line() + ", column " + e.range().column() + ": "
                    + e.reason() + ". Fix it to see the estimate.");
        }
        if (ConfigKind.detect(tree) == ConfigKind.PREPARATION) {
            return new Unreadable("This is a data-preparation config (output_path, dataset, tokenizer): the summary estimates"
                    + " training configs.");
        }
        var estimate = TrainingEstimate.of(tree, settings.dataParallelSize(), configFile);
        if (estimate.isEmpty()) {
            return new Incomplete(TrainingEstimate.missingKeys(tree, configFile));
        }
        TrainingEstimate fromConfig = estimate.get();
        TrainingEstimate shown = settings.zeroOverride() == 0 ? fromConfig : fromConfig.withZeroStage(settings.zeroOverride());
        // The CPU has no peak FLOP/s the estimate could take a fraction of: its run logs its own time per step.
        return new Estimated(shown, settings, fromConfig.zeroStage(),
                settings.cpu() ? Double.NaN : shown.secondsPerStep(settings.gpu(), settings.gpus(), settings.mfu()));
    }
}
