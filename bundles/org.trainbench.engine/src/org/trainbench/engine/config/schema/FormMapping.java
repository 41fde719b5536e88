package org.trainbench.engine.config.schema;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_2;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_4;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SequenceNode;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;

/**
 * The Fast-LLM form of a config (which versions could have written it, from the keys that only some versions know),
 * and the mapping of a config in the 0.3 or 0.4 form onto the seeds' form that the engine's records are read in. The
 * mapping adds the seeds' keys next to the written ones (values keep their positions, so diagnostics point into the
 * file) and applies the defaults where Fast-LLM's differ between forms (e.g. {@code tied_embedding_weight} is off by
 * default, {@code tie_word_embeddings} on).
 */
public final class FormMapping {

    /** A written key that only some Fast-LLM versions know. */
    public record VersionedKey(String path, SourceRange range, Set<FastLlmVersion> versions) {
    }

    /**
     * The forms a config can be in.
     *
     * @param possible the versions that know every versioned key written; empty when the config mixes forms
     * @param evidence the versioned keys written, in document order
     */
    public record Form(Set<FastLlmVersion> possible, List<VersionedKey> evidence) {

        /** Whether no single Fast-LLM version knows all the keys written. */
        public boolean mixed() {
            return possible.isEmpty();
        }

        /**
         * The version the config is read as: the seeds' form when it may be that (no mapping), else 0.4 when possible
         * (today's form), else 0.3. Empty when mixed.
         */
        public Optional<FastLlmVersion> version() {
            if (possible.contains(V0_2)) {
                return Optional.of(V0_2);
            }
            if (possible.contains(V0_4)) {
                return Optional.of(V0_4);
            }
            return possible.contains(V0_3) ? Optional.of(V0_3) : Optional.empty();
        }

        /** The first written key that no version knows together with the keys before it; empty unless mixed. */
        public Optional<VersionedKey> firstConflict() {
            Set<FastLlmVersion> remaining = EnumSet.allOf(FastLlmVersion.class);
            for (VersionedKey key : evidence) {
                remaining.retainAll(key.versions());
                if (remaining.isEmpty()) {
                    return Optional.of(key);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A key (or section) of the seeds' form and the key that means the same in later Fast-LLM versions. A {@code *}
     * step matches any entry name of a map. Several later keys may share a seeds' key (the transformer's one
     * normalization is the block's and the head's); read one way they map a later config onto the seeds' form, the
     * other way {@code trainbench migrate} rewrites a config into the later form.
     *
     * @param seeds    the dotted path in the seeds' form
     * @param later    the dotted path in the later versions
     * @param versions the later versions that write {@code later}
     */
    public record Correspondence(String seeds, String later, Set<FastLlmVersion> versions) {
    }

    private static final String BASE = "model.base_model";
    private static final String TRANSFORMER = BASE + ".transformer";
    private static final String BLOCK = BASE + ".decoder.block";

    /** The correspondences of the forms, in the order a migrated config writes them. */
    public static final List<Correspondence> CORRESPONDENCES = List.of(
            later(TRANSFORMER + ".hidden_size", BASE + ".hidden_size"),
            later(BASE + ".vocab_size", BASE + ".embeddings.vocab_size"),
            later(BASE + ".num_position_embeddings", BASE + ".embeddings.num_position_embeddings"),
            later(BASE + ".use_position_embeddings", BASE + ".embeddings.position_embeddings.enabled"),
            later(BASE + ".tie_word_embeddings", BASE + ".tied_embedding_weight"),
            later(TRANSFORMER + ".num_layers", BASE + ".decoder.num_blocks"),
            later(TRANSFORMER + ".num_attention_heads", BLOCK + ".mixer.heads"),
            later(TRANSFORMER + ".head_groups", BLOCK + ".mixer.head_groups"),
            later(TRANSFORMER + ".kv_channels", BLOCK + ".mixer.head_size"),
            later(TRANSFORMER + ".add_linear_biases", BLOCK + ".mixer.add_linear_biases"),
            later(TRANSFORMER + ".use_flash_attention", BLOCK + ".mixer.use_flash_attention"),
            later(TRANSFORMER + ".rotary", BLOCK + ".mixer.rotary"),
            later(TRANSFORMER + ".ffn_hidden_size", BLOCK + ".mlp.intermediate_size"),
            later(TRANSFORMER + ".gated", BLOCK + ".mlp.gated"),
            later(TRANSFORMER + ".activation_type", BLOCK + ".mlp.activation"),
            later(TRANSFORMER + ".mlp_recompute_level", BLOCK + ".mlp.recompute_level"),
            later(TRANSFORMER + ".add_linear_biases", BLOCK + ".mlp.add_linear_biases"),
            later(TRANSFORMER + ".normalization", BLOCK + ".normalization"),
            later(TRANSFORMER + ".normalization", BASE + ".head.normalization"),
            later("model.distributed.training_dtype", "model.distributed.compute_dtype"),
            new Correspondence("data.sampling.use_loss_masking_spans", "batch.use_loss_masking_spans", Set.of(V0_3)),
            new Correspondence("data.truncate_documents", "batch.truncate_documents", Set.of(V0_3)),
            new Correspondence("batch.cross_document_attention", BLOCK + ".mixer.cross_document_attention", Set.of(V0_3)),
            new Correspondence("batch.sequence_length", "data.micro_batch_size", Set.of(V0_4)),
            new Correspondence("data.sampling.seed", "data.seed", Set.of(V0_4)),
            new Correspondence("data.sampling.shuffle", "data.shuffle", Set.of(V0_4)),
            new Correspondence("data.sampling.gpu", "data.gpu", Set.of(V0_4)),
            new Correspondence("training.evaluators.*.evaluator.type", "training.evaluators.*.type", Set.of(V0_4)),
            new Correspondence("training.evaluators.*.evaluator.iterations", "training.evaluators.*.iterations", Set.of(V0_4)),
            later("dataset.field", "dataset.source_schema.text"),
            later("dataset.loss_masking_spans", "dataset.source_schema.loss_masking_spans"),
            later("dataset.chat.messages", "dataset.source_schema.messages"),
            later("tokenize_workers", "num_workers"));

    private static Correspondence later(String seeds, String later) {
        return new Correspondence(seeds, later, Set.of(V0_3, V0_4));
    }

    /**
     * The concrete (from, to) path pairs of a pattern pair in a tree: {@code *} steps take every entry name written
     * at that place in {@code tree} (read at {@code from}'s side).
     */
    public static List<String[]> expand(YamlNode tree, String from, String to) {
        List<String> fromSteps = ConfigTree.path(from);
        List<String> toSteps = ConfigTree.path(to);
        int star = fromSteps.indexOf("*");
        if (star < 0) {
            return List.<String[]>of(new String[] {from, to});
        }
        List<String[]> pairs = new ArrayList<>();
        if (ConfigTree.at(tree, fromSteps.subList(0, star)).orElse(null) instanceof MappingNode mapping) {
            for (String name : mapping.keys()) {
                String f = String.join(".", fromSteps.subList(0, star)) + "." + name + "." + String.join(".", fromSteps.subList(star + 1, fromSteps.size()));
                String t = to.replaceFirst("\\*", java.util.regex.Matcher.quoteReplacement(name));
                pairs.addAll(expand(tree, f, t));
            }
        }
        return pairs;
    }

    private FormMapping() {
    }

    /** The form of a config tree, judged against the schema of its kind. */
    public static Form form(YamlNode root) {
        ConfigKind kind = ConfigKind.detect(root);
        Optional<SchemaKey> schema = kind.schema();
        List<VersionedKey> evidence = new ArrayList<>();
        if (schema.isPresent()) {
            collect(root, schema.get(), "", evidence);
        }
        Set<FastLlmVersion> possible = EnumSet.allOf(FastLlmVersion.class);
        for (VersionedKey key : evidence) {
            possible.retainAll(key.versions());
        }
        return new Form(possible, List.copyOf(evidence));
    }

    private static void collect(YamlNode node, SchemaKey key, String path, List<VersionedKey> out) {
        if (node instanceof SequenceNode sequence && key.type() == ValueType.LIST) {
            for (YamlNode item : sequence.items()) {
                collect(item, key.element(), path, out);
            }
            return;
        }
        if (!(node instanceof MappingNode mapping) || (key.type() != ValueType.SECTION && key.type() != ValueType.MAP)) {
            return;
        }
        for (MappingNode.Entry entry : mapping.entries()) {
            Optional<SchemaKey> child = key.step(entry.name());
            if (child.isEmpty()) {
                continue;
            }
            String childPath = path.isEmpty() ? entry.name() : path + "." + entry.name();
            if (!child.get().versions().isEmpty()) {
                out.add(new VersionedKey(childPath, entry.key().range(), child.get().versions()));
            }
            collect(entry.value(), child.get(), childPath, out);
        }
    }

    /**
     * A training or preparation config in the seeds' form: a config of the 0.3 or 0.4 form gets the seeds' keys that
     * mean the same; a config of the seeds' form, or one that mixes forms (reported by the checker), is returned as it is.
     */
    public static YamlNode toEngineForm(YamlNode root) {
        if (!(root instanceof MappingNode)) {
            return root;
        }
        Form form = form(root);
        Optional<FastLlmVersion> version = form.version();
        if (version.isEmpty() || version.get() == V0_2) {
            return root;
        }
        ConfigKind kind = ConfigKind.detect(root);
        Mapper mapper = new Mapper(root);
        if (kind == ConfigKind.PREPARATION) {
            mapper.preparation();
        } else {
            mapper.model();
            mapper.training(version.get());
        }
        mapper.correspondences(version.get());
        return mapper.tree;
    }

    /** The rewrites, on a tree that grows as keys are added. */
    private static final class Mapper {
        private YamlNode tree;

        Mapper(YamlNode tree) {
            this.tree = tree;
        }

        void model() {
            boolean architectureWritten = isWritten(BASE + ".decoder") || isWritten(BASE + ".embeddings")
                    || isWritten(BASE + ".head") || isWritten(BASE + ".hidden_size");
            boolean pretrained = ConfigTree.at(tree, "pretrained").isPresent();
            if (architectureWritten && !pretrained) {
                // Fast-LLM 0.3/0.4 defaults that differ from the seeds' form.
                SourceRange at = keyRange(BASE).orElse(ConfigTree.documentAnchor(tree));
                setIfAbsent(BLOCK + ".mixer.head_size", "128", at);
                setIfAbsent(BLOCK + ".mlp.intermediate_size", "4096", at);
                setIfAbsent(BASE + ".tied_embedding_weight", "false", at);
                setIfAbsent(BASE + ".embeddings.position_embeddings.enabled", "false", at);
            }
        }

        void training(FastLlmVersion version) {
            if (version == V0_4) {
                SourceRange at = keyRange("data").orElse(ConfigTree.documentAnchor(tree));
                setIfAbsent("batch.micro_batch_size", "1", at);
                long microBatches = integer("schedule.depth_first_micro_batches") * integer("schedule.breadth_first_micro_batches");
                setIfAbsent("batch.batch_size", Long.toString(microBatches), keyRange("schedule").orElse(at));
                // Fast-LLM 0.4 attends within documents only and always reads the loss-masking spans a dataset has.
                setIfAbsent("batch.cross_document_attention", "false", at);
                setIfAbsent("data.sampling.use_loss_masking_spans", "true", at);
                flatEvaluators();
            }
        }

        /** Every correspondence of {@code version}: the later form's key, where written, also at the seeds' key. */
        void correspondences(FastLlmVersion version) {
            for (Correspondence correspondence : CORRESPONDENCES) {
                if (correspondence.versions().contains(version)) {
                    for (String[] paths : expand(tree, correspondence.later(), correspondence.seeds())) {
                        copy(paths[0], paths[1]);
                    }
                }
            }
        }

        /** 0.4's {@code evaluators.<name>: {type, iterations, interval, offset}} in the nested form, on the dataset named like it. */
        private void flatEvaluators() {
            if (!(ConfigTree.at(tree, "training.evaluators").orElse(null) instanceof MappingNode evaluators)) {
                return;
            }
            for (MappingNode.Entry entry : evaluators.entries()) {
                String path = "training.evaluators." + entry.name();
                if (!(entry.value() instanceof MappingNode) || isWritten(path + ".evaluator")) {
                    continue;
                }
                if (ConfigTree.at(tree, path + ".evaluator.dataset_name").isEmpty()) {
                    tree = ConfigTree.with(tree, ConfigTree.path(path + ".evaluator.dataset_name"),
                            new ScalarNode(entry.name(), ScalarNode.Style.DOUBLE_QUOTED, entry.key().range()), entry.key().range());
                }
            }
        }

        void preparation() {
            if (ConfigTree.scalar(tree, "dataset.source_schema.type").map(ScalarNode::text).filter("conversation"::equals).isPresent()) {
                setIfAbsent("dataset.source_schema.messages", "messages", keyRange("dataset.source_schema").orElseThrow());
            }
        }

        /** Writes the node at {@code from} at {@code to}, unless {@code to} is written already. */
        private void copy(String from, String to) {
            Optional<MappingNode.Entry> entry = ConfigTree.entry(tree, from);
            if (entry.isEmpty() || ConfigTree.at(tree, to).isPresent()) {
                return;
            }
            tree = ConfigTree.with(tree, ConfigTree.path(to), entry.get().value(), entry.get().key().range());
        }

        private void setIfAbsent(String path, String yaml, SourceRange at) {
            if (ConfigTree.at(tree, path).isEmpty()) {
                tree = ConfigTree.with(tree, ConfigTree.path(path), new ScalarNode(yaml, ScalarNode.Style.PLAIN, at), at);
            }
        }

        private boolean isWritten(String path) {
            return ConfigTree.at(tree, path).isPresent();
        }

        private long integer(String path) {
            return ConfigTree.scalar(tree, path).filter(s -> s.value() instanceof Long).map(s -> (Long) s.value()).orElse(1L);
        }

        private Optional<SourceRange> keyRange(String path) {
            return ConfigTree.entry(tree, path).map(entry -> entry.key().range());
        }
    }
}
