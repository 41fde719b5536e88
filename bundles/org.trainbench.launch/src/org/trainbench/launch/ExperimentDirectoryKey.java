package org.trainbench.launch;

import java.util.Optional;

import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;
import org.trainbench.engine.config.yaml.YamlWriter;

/**
 * Reads and sets {@code run.experiment_dir} in the text of a training config, keeping every other character (comments,
 * layout, key order) as the user wrote it. The launch uses it to tell the views where a run writes; the New
 * Experiment wizard to point a template at the experiment's own folder. It reads the config with the engine's YAML
 * reader and edits the text at the positions that reader gives, so block and flow style are both understood and a
 * value reads exactly as the engine reads it; the written value follows the engine's YAML 1.1 rules for strings.
 */
public final class ExperimentDirectoryKey {

    private static final String RUN = "run";
    private static final String EXPERIMENT_DIR = "experiment_dir";

    private ExperimentDirectoryKey() {
    }

    /**
     * The value of run.experiment_dir, or null when the config does not set it (or is not YAML the engine reads: the
     * engine reports that itself when the run starts).
     */
    public static String read(String configText) {
        Optional<YamlNode> value = runSection(configText).flatMap(run -> run.get(EXPERIMENT_DIR));
        if (value.isEmpty() || !(value.get() instanceof ScalarNode scalar) || scalar.value() == null) {
            return null;
        }
        String text = String.valueOf(scalar.value());
        return text.isEmpty() ? null : text;
    }

    /**
     * The config text with run.experiment_dir set to {@code directory}, added if it was missing.
     *
     * @throws IllegalArgumentException when the text is not YAML the engine reads, naming the line and the problem
     */
    public static String write(String configText, String directory) {
        String value = YamlWriter.scalar(directory);
        YamlNode root = parse(configText);
        if (!(root instanceof MappingNode top) || top.get(RUN).isEmpty()) {
            String prefix = configText.isEmpty() || configText.endsWith("\n\n") || configText.isBlank() ? configText
                    : configText.endsWith("\n") ? configText + "\n" : configText + "\n\n";
            return prefix + RUN + ":\n  " + EXPERIMENT_DIR + ": " + value + "\n";
        }
        YamlNode run = top.get(RUN).orElseThrow();
        if (run instanceof MappingNode section) {
            Optional<YamlNode> existing = section.get(EXPERIMENT_DIR);
            if (existing.isPresent()) {
                return replace(configText, existing.get(), value);
            }
            int start = section.range().offset();
            if (section.style() == YamlNode.CollectionStyle.FLOW) {
                return insert(configText, start + 1, EXPERIMENT_DIR + ": " + value + (section.entries().isEmpty() ? "" : ", "));
            }
            int lineStart = configText.lastIndexOf('\n', start - 1) + 1;
            return insert(configText, lineStart, " ".repeat(start - lineStart) + EXPERIMENT_DIR + ": " + value + "\n");
        }
        if (run instanceof ScalarNode scalar && scalar.isMissingValue()) {
            // `run:` with nothing below: the section starts on the next line.
            int lineEnd = lineEnd(configText, scalar.range().offset());
            return insert(configText, lineEnd, "\n  " + EXPERIMENT_DIR + ": " + value);
        }
        throw new IllegalArgumentException("line " + run.range().line() + ": `" + RUN + "` is not a section; write `"
                + RUN + ":` with `" + EXPERIMENT_DIR + ": ...` indented below it");
    }

    private static Optional<MappingNode> runSection(String configText) {
        YamlNode root;
        try {
            root = YamlParser.parse(configText);
        } catch (YamlSyntaxException e) {
            return Optional.empty();
        }
        return root instanceof MappingNode top ? top.get(RUN).filter(MappingNode.class::isInstance).map(MappingNode.class::cast)
                : Optional.empty();
    }

    private static YamlNode parse(String configText) {
        try {
            return YamlParser.parse(configText);
        } catch (YamlSyntaxException e) {
            throw new IllegalArgumentException("line " + e.range().line() + ", column " + e.range().column() + ": "
                    + e.reason(), e);
        }
    }

    /**
     * Replaces the value written at {@code node}; an empty value ({@code experiment_dir:}) gets a space before the new
     * one, and a comment on the line stays, one space after the value.
     */
    private static String replace(String text, YamlNode node, String value) {
        int start = node.range().offset();
        int end = node.range().endOffset();
        if (node instanceof ScalarNode scalar && scalar.isMissingValue()) {
            return text.substring(0, start) + " " + value + text.substring(end);
        }
        int after = end;
        while (after < text.length() && text.charAt(after) == ' ') {
            after++;
        }
        if (after < text.length() && text.charAt(after) == '#' && after > end) {
            return text.substring(0, start) + value + " " + text.substring(after);
        }
        return text.substring(0, start) + value + text.substring(end);
    }

    private static String insert(String text, int at, String inserted) {
        return text.substring(0, at) + inserted + text.substring(at);
    }

    private static int lineEnd(String text, int from) {
        int end = from;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
            end++;
        }
        return end;
    }
}
