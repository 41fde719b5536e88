package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.trainbench.engine.files.TextFiles;
import org.trainbench.engine.config.check.ConfigChecker;
import org.trainbench.engine.config.check.Diagnostic;
import org.trainbench.engine.config.schema.InputPaths;
import org.trainbench.engine.config.schema.ConfigBinder;
import org.trainbench.engine.config.schema.ConfigBindingException;
import org.trainbench.engine.config.schema.ConfigOverrides;
import org.trainbench.engine.config.training.TrainingConfig;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;

/**
 * A training config file read for a run: parsed with positions, {@code --set} overrides applied, checked with the
 * same {@link ConfigChecker} as {@code trainbench validate} and the editor, bound to the typed records. A run starts
 * only from a config without errors; warnings travel with it for the caller to print.
 *
 * @param file        the config file
 * @param text        its text
 * @param tree        the YAML tree after overrides (what was checked and bound)
 * @param config      the bound config
 * @param diagnostics the checker's warnings and notes (no errors)
 */
public record TrainingConfigFile(Path file, String text, YamlNode tree, TrainingConfig config, List<Diagnostic> diagnostics) {

    /** A config that cannot be read, has errors, or cannot be bound; the message names the file and positions. */
    public static final class InvalidConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        private final transient List<Diagnostic> diagnostics;

        public InvalidConfigException(String message) {
            this(message, List.of());
        }

        public InvalidConfigException(String message, List<Diagnostic> diagnostics) {
            super(message);
            this.diagnostics = List.copyOf(diagnostics);
        }

        /** All the checker's diagnostics when the config has errors (errors and warnings), else empty. */
        public List<Diagnostic> diagnostics() {
            return diagnostics;
        }
    }

    /**
     * Reads {@code file}, applies {@code overrides} ({@code key.path=value}), checks and binds it.
     *
     * @throws InvalidConfigException for a missing file, a syntax error, a bad override, checker errors (all listed,
     *                                formatted as `trainbench validate` prints them) or a value that cannot be bound
     */
    public static TrainingConfigFile read(Path file, List<String> overrides) throws IOException, InvalidConfigException {
        String text;
        try {
            text = TextFiles.readUtf8(file);
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
        List<Diagnostic> diagnostics = ConfigChecker.check(tree, file);
        if (ConfigChecker.hasErrors(diagnostics)) {
            long errors = diagnostics.stream().filter(d -> d.severity() == org.trainbench.engine.config.check.Severity.ERROR).count();
            StringBuilder message = new StringBuilder();
            for (Diagnostic d : diagnostics) {
                message.append(d.format(file.toString())).append('\n');
            }
            message.append(file).append(": ").append(errors).append(errors == 1 ? " error" : " errors")
                    .append("; the run was not started");
            throw new InvalidConfigException(message.toString(), diagnostics);
        }
        try {
            TrainingConfig bound = ConfigBinder.training(tree);
            List<String> absolute = inputPathsAgainstConfigDirectory(file, bound);
            if (!absolute.isEmpty()) {
                tree = ConfigOverrides.apply(tree, absolute);
                bound = ConfigBinder.training(tree);
            }
            return new TrainingConfigFile(file, text, tree, bound, diagnostics);
        } catch (ConfigBindingException e) {
            throw new InvalidConfigException(at(file, e.range()) + e.getMessage());
        } catch (ConfigOverrides.InvalidOverrideException e) {
            throw new InvalidConfigException(file + ": cannot make its input paths absolute: " + e.getMessage());
        }
    }

    /**
     * The config with every default filled in, as YAML; with {@code pretrained}, model.base_model is the architecture
     * read from the pretrained model (what the run trains), see {@link TrainingPlans#describingTheTrainedModel}.
     *
     * @throws IOException when the pretrained model's config.json cannot be read
     */
    public String resolvedYaml() throws IOException {
        return ResolvedConfig.yaml(TrainingPlans.describingTheTrainedModel(config));
    }

    /**
     * Overrides that make every relative input path (datasets, the legacy data.path, pretrained.path) absolute against
     * the config file's directory, the same rule the checker's file-exists warning uses, so a run finds its data
     * whatever its working directory and config.resolved.yaml records where the data was really read from.
     */
    static List<String> inputPathsAgainstConfigDirectory(Path file, TrainingConfig config) {
        List<String> overrides = new ArrayList<>();
        if (config.data() != null) {
            config.data().datasets().forEach((name, dataset) -> {
                if (dataset != null && dataset.path() != null && !name.contains(".")) {
                    absolute(file, dataset.path().toString()).ifPresent(p -> overrides.add("data.datasets." + name + ".path=" + p));
                }
            });
            if (config.data().path() != null) {
                absolute(file, config.data().path()).ifPresent(p -> overrides.add("data.path=" + p));
            }
        }
        if (config.pretrained() != null && config.pretrained().path() != null) {
            absolute(file, config.pretrained().path().toString()).ifPresent(p -> overrides.add("pretrained.path=" + p));
        }
        return overrides;
    }

    private static Optional<String> absolute(Path file, String path) {
        Path resolved = InputPaths.resolve(file, path);
        return resolved.toString().equals(path) ? Optional.empty() : Optional.of(resolved.toString());
    }

    private static String at(Path file, SourceRange range) {
        return range == null ? file + ": " : file + ":" + range.line() + ":" + range.column() + ": ";
    }
}
