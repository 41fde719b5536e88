package org.trainbench.engine.config.check;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import org.trainbench.engine.config.schema.ConfigBinder;
import org.trainbench.engine.config.schema.ConfigBindingException;
import org.trainbench.engine.config.schema.ConfigTree;
import org.trainbench.engine.config.schema.LegacyMigration;
import org.trainbench.engine.config.training.BaseModelConfig;
import org.trainbench.engine.config.training.NormalizationType;
import org.trainbench.engine.config.training.TransformerConfig;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.YamlNode;

/** Facts computed from a config for hover and summaries: model size, rotary theta, tokens per step. */
public final class ConfigFacts {

    private ConfigFacts() {
    }

    /**
     * Number of parameters of the architecture: embeddings, output layer unless tied, per block attention
     * (q, k, v, o), MLP (gate, up, down when gated) and two normalizations, the final normalization, biases when
     * enabled, and learned position embeddings when enabled. Llama 3.1 8B gives 8,030,261,248.
     */
    public static long parameterCount(BaseModelConfig model) {
        TransformerConfig t = model.transformer();
        long h = t.hiddenSize();
        long heads = t.numAttentionHeads();
        long groups = t.headGroups();
        long d = t.kvChannels();
        long f = t.ffnHiddenSize();
        long attention = h * heads * d + 2 * h * groups * d + heads * d * h;
        long mlp = (t.gated() ? 2 : 1) * h * f + f * h;
        if (t.addLinearBiases()) {
            attention += heads * d + 2 * groups * d + h;
            mlp += (t.gated() ? 2 : 1) * f + h;
        }
        long norm = t.normalization().type() == NormalizationType.RMS_NORM ? h : 2 * h;
        long total = t.numLayers() * (attention + mlp + 2 * norm) + norm;
        total += model.vocabSize() * h * (model.tieWordEmbeddings() ? 1 : 2);
        if (Boolean.TRUE.equals(model.usePositionEmbeddings())) {
            total += model.numPositionEmbeddings() * h;
        }
        return total;
    }

    /**
     * Parameter count of the architecture written in a training config tree; empty when the architecture comes from
     * a pretrained model (and is not fully written) or the section cannot be bound (e.g. a wrong type).
     */
    public static OptionalLong parameterCount(YamlNode root) {
        YamlNode migrated = LegacyMigration.migrate(root);
        Optional<YamlNode> transformer = ConfigTree.at(migrated, LegacyMigration.TRANSFORMER);
        if (transformer.isEmpty()) {
            return OptionalLong.empty();
        }
        if (ConfigTree.at(migrated, "pretrained").isPresent()) {
            for (String key : new String[] {"hidden_size", "num_layers", "num_attention_heads", "head_groups", "ffn_hidden_size"}) {
                if (!ConfigTree.isSet(migrated, LegacyMigration.TRANSFORMER + "." + key)) {
                    return OptionalLong.empty();
                }
            }
        }
        YamlNode baseModel = ConfigTree.at(migrated, "model.base_model").orElseThrow();
        if (!(baseModel instanceof MappingNode)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(parameterCount(ConfigBinder.bind(baseModel, BaseModelConfig.class)));
        } catch (ConfigBindingException | ArithmeticException e) {
            return OptionalLong.empty();
        }
    }

    /** Rotary theta from the legacy {@code rotary_embedding_scale} (= -ln(theta)): exp(-scale). */
    public static double rotaryTheta(double rotaryEmbeddingScale) {
        return LegacyMigration.thetaFromRotaryEmbeddingScale(rotaryEmbeddingScale);
    }

    /**
     * Input tokens per optimizer step, batch_size * sequence_length, when both are written as integers (in the seeds'
     * form, or mapped from a later form's data.micro_batch_size and schedule).
     */
    public static OptionalLong tokensPerStep(YamlNode root) {
        root = LegacyMigration.migrate(root);
        Optional<ScalarNode> batch = ConfigTree.scalar(root, "batch.batch_size");
        Optional<ScalarNode> length = ConfigTree.scalar(root, "batch.sequence_length");
        if (batch.isPresent() && length.isPresent() && batch.get().value() instanceof Long b
                && length.get().value() instanceof Long l) {
            return OptionalLong.of(b * l);
        }
        return OptionalLong.empty();
    }

    /** A count for people: {@code 8.03B (8,030,261,248)}. */
    public static String describeCount(long count) {
        String exact = String.format(Locale.ROOT, "%,d", count);
        if (count >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fB (%s)", count / 1e9, exact);
        }
        if (count >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1fM (%s)", count / 1e6, exact);
        }
        return exact;
    }
}
