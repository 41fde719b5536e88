package org.trainbench.engine.config.schema;

import java.util.Optional;

import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.YamlNode;

/** The two kinds of config, told apart by their top-level keys. */
public enum ConfigKind {
    /** {@code training}, {@code batch}, {@code data}, {@code optimizer}, {@code model}, {@code pretrained}, {@code run}. */
    TRAINING,
    /** {@code output_path}, {@code *_workers}, {@code dataset}, {@code tokenizer}, {@code splits}. */
    PREPARATION,
    /** Neither: not a mapping, or no key of either kind. */
    UNKNOWN;

    /**
     * Recognizes the kind from the top-level keys: the kind whose schema knows more of them wins; a tie goes to
     * training. No known key at all gives {@link #UNKNOWN}.
     */
    public static ConfigKind detect(YamlNode root) {
        if (!(root instanceof MappingNode mapping)) {
            return UNKNOWN;
        }
        int training = known(ConfigSchema.training(), mapping);
        int preparation = known(ConfigSchema.preparation(), mapping);
        if (training == 0 && preparation == 0) {
            return UNKNOWN;
        }
        return preparation > training ? PREPARATION : TRAINING;
    }

    /** The schema root of this kind, empty for {@link #UNKNOWN}. */
    public Optional<SchemaKey> schema() {
        return ConfigSchema.root(this);
    }

    private static int known(SchemaKey root, MappingNode mapping) {
        int count = 0;
        for (MappingNode.Entry entry : mapping.entries()) {
            if (root.child(entry.name()).isPresent()) {
                count++;
            }
        }
        return count;
    }
}
