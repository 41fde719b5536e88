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

    private static final String BASE = "model.base_model";
    private static final String TRANSFORMER = BASE + ".transformer";
    private static final String BLOCK = BASE + ".decoder.block";

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
            copy(BASE + ".hidden_size", TRANSFORMER + ".hidden_size");
            copy(BASE + ".embeddings.vocab_size", BASE + ".vocab_size");
            copy(BASE + ".embeddings.num_position_embeddings", BASE + ".num_position_embeddings");
            copy(BASE + ".embeddings.position_embeddings.enabled", BASE + ".use_position_embeddings");
            copy(BASE + ".tied_embedding_weight", BASE + ".tie_word_embeddings");
            copy(BASE + ".decoder.num_blocks", TRANSFORMER + ".num_layers");
            String mixer = BLOCK + ".mixer";
            copy(mixer + ".heads", TRANSFORMER + ".num_attention_heads");
            copy(mixer + ".head_groups", TRANSFORMER + ".head_groups");
            copy(mixer + ".head_size", TRANSFORMER + ".kv_channels");
            copy(mixer + ".add_linear_biases", TRANSFORMER + ".add_linear_biases");
            copy(mixer + ".use_flash_attention", TRANSFORMER + ".use_flash_attention");
            copy(mixer + ".rotary", TRANSFORMER + ".rotary");
            String mlp = BLOCK + ".mlp";
            copy(mlp + ".intermediate_size", TRANSFORMER + ".ffn_hidden_size");
            copy(mlp + ".gated", TRANSFORMER + ".gated");
            copy(mlp + ".activation", TRANSFORMER + ".activation_type");
            copy(mlp + ".add_linear_biases", TRANSFORMER + ".add_linear_biases");
            copy(BLOCK + ".normalization", TRANSFORMER + ".normalization");
            copy(BASE + ".head.normalization", TRANSFORMER + ".normalization");
            if (architectureWritten && !pretrained) {
                // Fast-LLM 0.3/0.4 defaults that differ from the seeds' form.
                SourceRange at = keyRange(BASE).orElse(ConfigTree.documentAnchor(tree));
                setIfAbsent(TRANSFORMER + ".kv_channels", "128", at);
                setIfAbsent(TRANSFORMER + ".ffn_hidden_size", "4096", at);
                setIfAbsent(BASE + ".tie_word_embeddings", "false", at);
                setIfAbsent(BASE + ".use_position_embeddings", "false", at);
            }
        }

        void training(FastLlmVersion version) {
            copy("model.distributed.compute_dtype", "model.distributed.training_dtype");
            if (version == V0_3) {
                copy("batch.use_loss_masking_spans", "data.sampling.use_loss_masking_spans");
                copy("batch.truncate_documents", "data.truncate_documents");
                copy(BLOCK + ".mixer.cross_document_attention", "batch.cross_document_attention");
            } else {
                SourceRange at = keyRange("data").orElse(ConfigTree.documentAnchor(tree));
                copy("data.micro_batch_size", "batch.sequence_length");
                setIfAbsent("batch.micro_batch_size", "1", at);
                long microBatches = integer("schedule.depth_first_micro_batches") * integer("schedule.breadth_first_micro_batches");
                if (isWritten("schedule.depth_first_micro_batches") || isWritten("schedule.breadth_first_micro_batches")) {
                    setIfAbsent("batch.batch_size", Long.toString(microBatches),
                            keyRange("schedule").orElse(at));
                }
                // Fast-LLM 0.4 attends within documents only and always reads the loss-masking spans a dataset has.
                setIfAbsent("batch.cross_document_attention", "false", at);
                setIfAbsent("data.sampling.use_loss_masking_spans", "true", at);
                copy("data.seed", "data.sampling.seed");
                copy("data.shuffle", "data.sampling.shuffle");
                flatEvaluators();
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
                copy(path + ".type", path + ".evaluator.type");
                copy(path + ".iterations", path + ".evaluator.iterations");
                if (ConfigTree.at(tree, path + ".evaluator.dataset_name").isEmpty()) {
                    tree = ConfigTree.with(tree, ConfigTree.path(path + ".evaluator.dataset_name"),
                            new ScalarNode(entry.name(), ScalarNode.Style.DOUBLE_QUOTED, entry.key().range()), entry.key().range());
                }
            }
        }

        void preparation() {
            copy("dataset.source_schema.text", "dataset.field");
            copy("dataset.source_schema.loss_masking_spans", "dataset.loss_masking_spans");
            copy("dataset.source_schema.messages", "dataset.chat.messages");
            if (ConfigTree.scalar(tree, "dataset.source_schema.type").map(ScalarNode::text).filter("conversation"::equals).isPresent()) {
                setIfAbsent("dataset.chat.messages", "messages", keyRange("dataset.source_schema").orElseThrow());
            }
            copy("num_workers", "tokenize_workers");
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
