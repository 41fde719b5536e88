package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.trainbench.engine.config.schema.ConfigBinder;
import org.trainbench.engine.config.schema.ConfigBindingException;
import org.trainbench.engine.config.schema.ConfigOverrides;
import org.trainbench.engine.config.training.TrainingConfig;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;

/**
 * A training config file read for a run: parsed with positions, {@code --set} overrides applied, bound to the typed
 * records. Problems are reported as {@code file:line:column: key: what is wrong}.
 *
 * @param file     the config file
 * @param text     its text
 * @param tree     the YAML tree after overrides (what the checker looks at)
 * @param config   the bound config
 */
public record TrainingConfigFile(Path file, String text, YamlNode tree, TrainingConfig config) {

    /** A config that cannot be read or bound; the message names the file and position. */
    public static final class InvalidConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidConfigException(String message) {
            super(message);
        }
    }

    /** Reads {@code file} and applies {@code overrides} ({@code key.path=value}). */
    public static TrainingConfigFile read(Path file, List<String> overrides) throws IOException, InvalidConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidConfigException(file + ": no such config file");
        }
        YamlNode tree;
        try {
            tree = YamlParser.parse(text);
        } catch (YamlSyntaxException e) {
            throw new InvalidConfigException(at(file, e.range()) + e.reason());
        }
        try {
            tree = ConfigOverrides.apply(tree, overrides);
        } catch (ConfigOverrides.InvalidOverrideException e) {
            throw new InvalidConfigException(e.getMessage());
        }
        try {
            return new TrainingConfigFile(file, text, tree, ConfigBinder.training(tree));
        } catch (ConfigBindingException e) {
            throw new InvalidConfigException(at(file, e.range()) + e.getMessage());
        }
    }

    /** The config with every default filled in, as YAML. */
    public String resolvedYaml() {
        return ResolvedConfig.yaml(config);
    }

    private static String at(Path file, SourceRange range) {
        return range == null ? file + ": " : file + ":" + range.line() + ":" + range.column() + ": ";
    }
}
