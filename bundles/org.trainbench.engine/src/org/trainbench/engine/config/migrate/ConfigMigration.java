package org.trainbench.engine.config.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.trainbench.engine.config.check.ConfigChecker;
import org.trainbench.engine.config.check.Diagnostic;
import org.trainbench.engine.config.check.IssueCodes;
import org.trainbench.engine.config.schema.ConfigBinder;
import org.trainbench.engine.config.schema.ConfigBindingException;
import org.trainbench.engine.config.schema.ConfigKind;
import org.trainbench.engine.config.schema.ConfigTree;
import org.trainbench.engine.config.schema.FastLlmVersion;
import org.trainbench.engine.config.schema.FormMapping;
import org.trainbench.engine.config.schema.LegacyMigration;
import org.trainbench.engine.config.schema.SchemaKey;
import org.trainbench.engine.config.schema.ValueType;
import org.trainbench.engine.config.training.BaseModelConfig;
import org.trainbench.engine.config.training.TrainingConfig;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;

/**
 * Rewrites a config into Fast-LLM 0.4's form ({@code trainbench migrate}, the editor's quick fix). Every written key
 * goes where 0.4 writes the same setting ({@link FormMapping#CORRESPONDENCES}, read from the seeds' side), in the
 * order it was written, with the comments above it and after it; legacy keys are written in their current form
 * first. Where a default differs between the forms (head_size, intermediate_size, tied embeddings), the value the
 * config meant is written out. What 0.4 cannot say (attention across documents, the test phase) is left out with a
 * note.
 */
public final class ConfigMigration {

    /**
     * @param text  the migrated config
     * @param from  the form it was read in
     * @param notes what could not be carried over, or was changed in meaning, one sentence each
     */
    public record Result(String text, FastLlmVersion from, List<String> notes) {
    }

    /** A config that cannot be migrated: not a config, or one that mixes forms. */
    public static final class NotMigratableException extends Exception {
        private static final long serialVersionUID = 1L;

        public NotMigratableException(String message) {
            super(message);
        }
    }

    private static final String BASE = "model.base_model";

    private ConfigMigration() {
    }

    /** {@code text} in Fast-LLM 0.4's form (the only target: {@link FastLlmVersion#CURRENT}). */
    public static Result toCurrent(String text) throws YamlSyntaxException, NotMigratableException {
        YamlNode root = YamlParser.parse(text);
        ConfigKind kind = ConfigKind.detect(root);
        if (kind.schema().isEmpty()) {
            throw new NotMigratableException("not a training or data-preparation config");
        }
        FormMapping.Form form = FormMapping.form(root);
        if (form.mixed()) {
            FormMapping.VersionedKey conflict = form.firstConflict().orElseThrow();
            throw new NotMigratableException("it mixes Fast-LLM forms (`" + conflict.path() + "`, line " + conflict.range().line()
                    + ", exists only in " + FastLlmVersion.describe(conflict.versions()) + "): write it in one form first");
        }
        FastLlmVersion from = form.version().orElseThrow();
        if (from == FastLlmVersion.CURRENT) {
            return new Result(text, from, List.of());
        }
        return new Migration(text, root, kind, from).run();
    }

    /** One migration: the source, and the output tree it builds. */
    private static final class Migration {
        private final String source;
        private final YamlNode root;
        private final ConfigKind kind;
        private final FastLlmVersion from;
        private final SchemaKey schema;
        private final Output output = new Output();
        private final List<String> notes = new ArrayList<>();
        private final Map<String, String> evaluatorRenames = new LinkedHashMap<>();
        private final String[] lines;
        private boolean legacyDatasetWritten;

        Migration(String source, YamlNode root, ConfigKind kind, FastLlmVersion from) {
            this.source = source;
            this.root = root;
            this.kind = kind;
            this.from = from;
            this.schema = kind.schema().orElseThrow();
            this.lines = source.split("\n", -1);
        }

        Result run() {
            YamlNode tree = from == FastLlmVersion.V0_2 && kind == ConfigKind.TRAINING ? LegacyMigration.migrate(root) : root;
            renameEvaluatorsByDataset(tree);
            walk(tree, schema, "", tree);
            if (kind == ConfigKind.TRAINING) {
                writeDefaultsThatDiffer(tree);
            }
            return new Result(output.render(), from, List.copyOf(notes));
        }

        /** 0.4 evaluators read the dataset of their own name: one that named another dataset takes that name. */
        private void renameEvaluatorsByDataset(YamlNode tree) {
            if (!(ConfigTree.at(tree, "training.evaluators").orElse(null) instanceof MappingNode evaluators)) {
                return;
            }
            for (MappingNode.Entry entry : evaluators.entries()) {
                Optional<ScalarNode> dataset = ConfigTree.scalar(entry.value(), "evaluator.dataset_name");
                if (dataset.isPresent() && !dataset.get().text().equals(entry.name())) {
                    evaluatorRenames.put(entry.name(), dataset.get().text());
                    notes.add("evaluator `" + entry.name() + "` read dataset `" + dataset.get().text() + "`: Fast-LLM 0.4"
                            + " evaluators read the dataset of their own name, so it is now named `" + dataset.get().text() + "`");
                }
            }
        }

        private void walk(YamlNode node, SchemaKey key, String path, YamlNode tree) {
            if (!(node instanceof MappingNode mapping)) {
                return;
            }
            for (MappingNode.Entry entry : mapping.entries()) {
                String childPath = path.isEmpty() ? entry.name() : path + "." + entry.name();
                Optional<SchemaKey> child = key == null ? Optional.empty() : key.step(entry.name());
                output.comments(leadingComments(entry));
                if (child.isPresent() && child.get().isLegacy() && replacementWritten(child.get(), tree)) {
                    continue;
                }
                if (child.isPresent() && child.get().isLegacy() && legacyDataset(childPath)) {
                    continue;
                }
                // Sections are walked key by key (a flow section is written out as a block), so that each key finds its place.
                boolean container = entry.value() instanceof MappingNode m && !m.entries().isEmpty()
                        && (child.isEmpty() ? m.style() == YamlNode.CollectionStyle.BLOCK
                                : child.get().type() == ValueType.SECTION || child.get().type() == ValueType.MAP);
                if (container) {
                    walk(entry.value(), child.orElse(null), childPath, tree);
                } else {
                    leaf(childPath, entry, child.isPresent());
                }
            }
        }

        /**
         * The legacy dataset keys (data.format, path, split) become data.datasets naming the split files that
         * `trainbench prepare` writes, as the checker's legacy-key fix has them (written once, for the first of them).
         */
        private boolean legacyDataset(String path) {
            if (!path.equals("data.format") && !path.equals("data.path") && !path.equals("data.split")) {
                return false;
            }
            if (!legacyDatasetWritten) {
                legacyDatasetWritten = true;
                ConfigChecker.check(root, null).stream()
                        .filter(d -> d.code().equals(IssueCodes.LEGACY_KEY) && d.keyPath().equals(path))
                        .map(d -> d.data().get(Diagnostic.DATA_REPLACEMENT_VALUE)).filter(java.util.Objects::nonNull).findFirst()
                        .ifPresent(value -> {
                            output.put("data.datasets", value, "");
                            notes.add("data.format, data.path and data.split became data.datasets naming the split files"
                                    + " that `trainbench prepare` writes with `splits:`: prepare the dataset that way first");
                        });
            }
            return true;
        }

        private boolean replacementWritten(SchemaKey legacy, YamlNode tree) {
            return legacy.legacy().map(info -> ConfigTree.at(tree, info.replacedByPath()).isPresent()).orElse(false)
                    || legacy.path().endsWith(".rotary.scaling_type") || legacy.path().endsWith(".use_rotary_embeddings");
        }

        /** Writes a value (scalar, flow collection or block list) at the 0.4 place(s) of {@code path}. */
        private void leaf(String path, MappingNode.Entry entry, boolean known) {
            List<String> targets = known ? targets(path, entry.value()) : List.of(path);
            String value = valueText(entry.value());
            String trailing = trailingComment(entry.value());
            for (String target : targets) {
                output.put(renameEvaluator(target), value, trailing);
            }
        }

        private String renameEvaluator(String path) {
            for (Map.Entry<String, String> rename : evaluatorRenames.entrySet()) {
                String prefix = "training.evaluators." + rename.getKey() + ".";
                if (path.startsWith(prefix)) {
                    return "training.evaluators." + rename.getValue() + "." + path.substring(prefix.length());
                }
            }
            return path;
        }

        /** Where 0.4 writes the setting written at {@code path}; empty (with a note) when it has no such key. */
        private List<String> targets(String path, YamlNode value) {
            if (existsIn(path, FastLlmVersion.CURRENT)) {
                return List.of(path);
            }
            String seeds = from == FastLlmVersion.V0_2 ? path : toSeeds(path).orElse(existsIn(path, FastLlmVersion.V0_2) ? path : null);
            if (seeds != null) {
                List<String> later = fromSeeds(seeds);
                if (!later.isEmpty()) {
                    return later;
                }
                if (existsIn(seeds, FastLlmVersion.CURRENT)) {
                    return List.of(seeds);
                }
            }
            return special(seeds == null ? path : seeds, path, value);
        }

        /** The settings 0.4 writes differently or not at all. */
        private List<String> special(String seeds, String path, YamlNode value) {
            String text = value instanceof ScalarNode s ? s.text() : "";
            switch (seeds) {
                case "batch.batch_size" -> {
                    notes.add("batch.batch_size became schedule.depth_first_micro_batches (one sequence of"
                            + " data.micro_batch_size tokens each); Fast-LLM 0.4 multiplies it by the number of data-parallel"
                            + " GPUs, so divide it by that number when you train on several");
                    return List.of("schedule.depth_first_micro_batches");
                }
                case "batch.micro_batch_size" -> {
                    return List.of();
                }
                case "batch.cross_document_attention" -> {
                    if (!"false".equals(text) && !"no".equals(text) && !"off".equals(text)) {
                        notes.add("`" + path + ": " + text + "` has no Fast-LLM 0.4 form: 0.4 always keeps attention"
                                + " within each document");
                    }
                    return List.of();
                }
                case "data.sampling.use_loss_masking_spans" -> {
                    if (!"true".equals(text) && !"yes".equals(text) && !"on".equals(text)) {
                        notes.add("`" + path + ": " + text + "` has no Fast-LLM 0.4 form: 0.4 always applies the"
                                + " loss-masking spans a dataset has");
                    }
                    return List.of();
                }
                default -> {
                    if (seeds.startsWith("training.evaluators.") && seeds.endsWith(".evaluator.dataset_name")) {
                        return List.of();
                    }
                    if (!(path.equals("training.test_iters") && text.equals("0"))) {
                        notes.add("`" + path + (text.isEmpty() ? "" : ": " + text) + "` has no Fast-LLM 0.4 form and was left out");
                    }
                    return List.of();
                }
            }
        }

        /** The seeds' path of a later-form path of this config's version. */
        private Optional<String> toSeeds(String path) {
            for (FormMapping.Correspondence c : FormMapping.CORRESPONDENCES) {
                if (c.versions().contains(from)) {
                    Optional<String> mapped = rewrite(path, c.later(), c.seeds());
                    if (mapped.isPresent()) {
                        return mapped;
                    }
                }
            }
            return Optional.empty();
        }

        /** The 0.4 paths of a seeds' path (several: the transformer's normalization is the block's and the head's). */
        private List<String> fromSeeds(String seeds) {
            List<String> later = new ArrayList<>();
            for (FormMapping.Correspondence c : FormMapping.CORRESPONDENCES) {
                if (c.versions().contains(FastLlmVersion.CURRENT)) {
                    rewrite(seeds, c.seeds(), c.later()).ifPresent(later::add);
                }
            }
            return later;
        }

        /**
         * {@code path} rewritten from pattern {@code from} to pattern {@code to} when {@code from} matches it or one of
         * its prefixes ({@code *} steps match any name and carry it over).
         */
        private static Optional<String> rewrite(String path, String from, String to) {
            List<String> steps = ConfigTree.path(path);
            List<String> pattern = ConfigTree.path(from);
            if (pattern.size() > steps.size()) {
                return Optional.empty();
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < pattern.size(); i++) {
                if (pattern.get(i).equals("*")) {
                    names.add(steps.get(i));
                } else if (!pattern.get(i).equals(steps.get(i))) {
                    return Optional.empty();
                }
            }
            String result = to;
            for (String name : names) {
                result = result.replaceFirst("\\*", java.util.regex.Matcher.quoteReplacement(name));
            }
            List<String> rest = steps.subList(pattern.size(), steps.size());
            return Optional.of(rest.isEmpty() ? result : result + "." + String.join(".", rest));
        }

        /** Whether every step of {@code path} is a key that configs of {@code version} may write. */
        private boolean existsIn(String path, FastLlmVersion version) {
            SchemaKey key = schema;
            for (String step : ConfigTree.path(path)) {
                Optional<SchemaKey> next = key.step(step);
                if (next.isEmpty() || !next.get().existsIn(version)) {
                    return false;
                }
                key = next.get();
            }
            return true;
        }

        /**
         * Values the seeds' form derives or defaults otherwise than 0.4 does, written out when the config defines
         * the architecture itself: head_size, intermediate_size, tied_embedding_weight, position embeddings.
         */
        private void writeDefaultsThatDiffer(YamlNode tree) {
            if (from == FastLlmVersion.V0_2 && !ConfigTree.isSet(tree, "batch.cross_document_attention")
                    || from == FastLlmVersion.V0_3 && !ConfigTree.isSet(tree, BASE + ".decoder.block.mixer.cross_document_attention")) {
                notes.add("attention crossed the documents packed into a sequence (cross_document_attention defaults to true in"
                        + " Fast-LLM " + from.label() + "); Fast-LLM 0.4 always keeps attention within each document");
            }
            if (from != FastLlmVersion.V0_2 || ConfigTree.at(tree, "pretrained").isPresent()
                    || ConfigTree.at(tree, BASE + ".transformer").isEmpty()) {
                return;
            }
            TrainingConfig bound;
            try {
                bound = ConfigBinder.training(root);
            } catch (ConfigBindingException | RuntimeException e) {
                notes.add("the seeds' defaults of head_size, intermediate_size and tied_embedding_weight could not be written"
                        + " out: the config does not bind (" + e.getMessage() + ")");
                return;
            }
            BaseModelConfig base = bound.model().baseModel();
            String mixer = BASE + ".decoder.block.mixer";
            output.putIfAbsent(mixer + ".head_size", Integer.toString(base.transformer().kvChannels()));
            output.putIfAbsent(BASE + ".decoder.block.mlp.intermediate_size", Integer.toString(base.transformer().ffnHiddenSize()));
            output.putIfAbsent(BASE + ".tied_embedding_weight", Boolean.toString(base.tieWordEmbeddings()));
            if (Boolean.TRUE.equals(base.usePositionEmbeddings())) {
                output.putIfAbsent(BASE + ".embeddings.position_embeddings.enabled", "true");
            }
            if (ConfigTree.at(tree, "batch").isPresent() && !ConfigTree.isSet(tree, "batch.batch_size")) {
                output.putIfAbsent("schedule.depth_first_micro_batches", Integer.toString(bound.batch().batchSize()));
            }
        }

        // ---------------------------------------------------------------------------------------- source text

        private String valueText(YamlNode value) {
            if (value instanceof ScalarNode scalar) {
                return scalar.isMissingValue() ? "" : scalar.displayText();
            }
            String slice = source.substring(value.range().offset(), value.range().endOffset());
            if (!slice.contains("\n")) {
                return slice;
            }
            // A block list: its lines, re-indented by the output relative to its first item's column.
            int lineStart = source.lastIndexOf('\n', value.range().offset() - 1) + 1;
            return "\n" + Output.BLOCK_MARK + (value.range().column() - 1) + "\n" + source.substring(lineStart, value.range().endOffset());
        }

        private String trailingComment(YamlNode value) {
            if (value.range().offset() + value.range().length() > source.length()) {
                return "";
            }
            int end = value.range().endOffset();
            int lineEnd = source.indexOf('\n', end);
            String rest = source.substring(end, lineEnd < 0 ? source.length() : lineEnd);
            boolean genuine = !(value instanceof ScalarNode scalar) || scalar.isMissingValue()
                    || source.substring(value.range().offset(), end).contains(scalar.text());
            return genuine && rest.strip().startsWith("#") ? rest.strip() : "";
        }

        /** The comment lines right above a key (for the first key of the file, everything above it). */
        private List<String> leadingComments(MappingNode.Entry entry) {
            int line = entry.key().range().line() - 1;
            if (line >= lines.length || !lines[line].stripLeading().startsWith(entry.key().text())) {
                return List.of();
            }
            boolean first = root instanceof MappingNode m && !m.entries().isEmpty()
                    && m.entries().getFirst().key().range().equals(entry.key().range());
            List<String> comments = new ArrayList<>();
            for (int i = line - 1; i >= 0; i--) {
                String stripped = lines[i].strip();
                if (stripped.startsWith("#") || first && stripped.isEmpty()) {
                    comments.addFirst(stripped);
                } else {
                    break;
                }
            }
            return comments;
        }
    }
}
