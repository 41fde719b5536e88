package org.trainbench.engine.config.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.trainbench.engine.config.schema.ConfigKind;
import org.trainbench.engine.config.schema.ConfigSchema;
import org.trainbench.engine.config.schema.ConfigTree;
import org.trainbench.engine.config.schema.FastLlmVersion;
import org.trainbench.engine.config.schema.FormMapping;
import org.trainbench.engine.config.schema.KeySuggestions;
import org.trainbench.engine.config.schema.SchemaKey;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;

/**
 * Checks a config against the schema and the cross-field rules. The single implementation behind
 * {@code trainbench validate}, the engine's config loading and the editor's validator (which converts its AST into
 * the same {@link YamlNode} tree), so that all three report the same diagnostics.
 */
public final class ConfigChecker {

    private ConfigChecker() {
    }

    /**
     * Diagnostics of a config tree, sorted by position.
     *
     * @param root       the parsed config
     * @param configFile the config file, to resolve referenced paths against its directory; null to skip that check
     */
    public static List<Diagnostic> check(YamlNode root, Path configFile) {
        List<Diagnostic> out = new ArrayList<>();
        ConfigKind kind = ConfigKind.detect(root);
        Optional<SchemaKey> schema = ConfigSchema.root(kind);
        if (schema.isEmpty()) {
            checkKnownKind(root, out);
        } else {
            new SchemaRules(schema.get(), root, kind == ConfigKind.TRAINING ? "training" : "data-preparation", out).run();
            FormMapping.Form form = FormMapping.form(root);
            if (form.mixed()) {
                // The keys cannot be read as one Fast-LLM version: rules across keys would only add a cascade.
                reportMixedForms(form, out);
                out.sort(Comparator.comparingInt((Diagnostic d) -> d.range().offset()).thenComparing(Diagnostic::severity));
                return List.copyOf(out);
            }
            CrossFieldRules rules = new CrossFieldRules(root, schema.get(), configFile, out);
            if (kind == ConfigKind.TRAINING) {
                rules.runTrainingRules();
            } else {
                rules.runPreparationRules();
            }
        }
        out.sort(Comparator.comparingInt((Diagnostic d) -> d.range().offset()).thenComparing(Diagnostic::severity));
        return List.copyOf(out);
    }

    /** Parses and checks config text; a syntax error is reported as a diagnostic, like the others. */
    public static List<Diagnostic> check(String text, Path configFile) {
        YamlNode root;
        try {
            root = YamlParser.parse(text);
        } catch (YamlSyntaxException e) {
            return List.of(new Diagnostic(Severity.ERROR, IssueCodes.SYNTAX_ERROR, e.reason(), e.range(), ""));
        }
        return check(root, configFile);
    }

    /** Whether any diagnostic is an error. */
    public static boolean hasErrors(List<Diagnostic> diagnostics) {
        return diagnostics.stream().anyMatch(d -> d.severity() == Severity.ERROR);
    }

    /**
     * One diagnostic for a config that mixes Fast-LLM forms, at the first key that no version has together with the
     * keys before it, naming which keys belong to which versions.
     */
    private static void reportMixedForms(FormMapping.Form form, List<Diagnostic> out) {
        FormMapping.VersionedKey conflict = form.firstConflict().orElseThrow();
        List<String> others = new ArrayList<>();
        for (FormMapping.VersionedKey key : form.evidence()) {
            if (key == conflict) {
                break;
            }
            if (java.util.Collections.disjoint(key.versions(), conflict.versions()) && others.size() < 3) {
                others.add("`" + key.path() + "` (line " + key.range().line() + ") only in " + FastLlmVersion.describe(key.versions()));
            }
        }
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.MIXED_FORMS, "This config mixes Fast-LLM forms: `" + conflict.path()
                + "` exists only in Fast-LLM " + FastLlmVersion.describe(conflict.versions()) + ", but " + String.join(", ", others)
                + ". Write the whole config in one form; `trainbench migrate` rewrites a config into Fast-LLM "
                + FastLlmVersion.CURRENT.label() + ".", conflict.range(), conflict.path()));
    }

    /** Empty documents, non-mappings, and mappings without a single key of either kind. */
    private static void checkKnownKind(YamlNode root, List<Diagnostic> out) {
        String expected = "expected a training config (training, batch, data, optimizer, model, pretrained, run)"
                + " or a data-preparation config (output_path, dataset, tokenizer, splits)";
        if (root instanceof MappingNode mapping && !mapping.entries().isEmpty()) {
            List<String> names = new ArrayList<>();
            ConfigSchema.training().currentChildren().forEach(k -> names.add(k.name()));
            ConfigSchema.preparation().currentChildren().forEach(k -> names.add(k.name()));
            MappingNode.Entry first = mapping.entries().getFirst();
            Optional<String> close = KeySuggestions.closest(first.name(), names);
            out.add(new Diagnostic(Severity.ERROR, IssueCodes.UNKNOWN_CONFIG_KIND, "No known top-level key: "
                    + expected + close.map(c -> "; did you mean `" + c + "` instead of `" + first.name() + "`?").orElse(""),
                    first.key().range(), first.name(), close.map(c -> java.util.Map.of(Diagnostic.DATA_SUGGESTED_KEY, c))
                            .orElse(java.util.Map.of())));
            return;
        }
        boolean empty = root instanceof ScalarNode scalar && scalar.kind() == ScalarNode.Kind.NULL
                || root instanceof MappingNode;
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.UNKNOWN_CONFIG_KIND, (empty ? "The config is empty: "
                : "The config is a " + (root instanceof ScalarNode ? "single value" : "list") + ", not a mapping of sections: ")
                + expected, ConfigTree.documentAnchor(root), ""));
    }
}
