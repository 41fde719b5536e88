package org.trainbench.engine.config.schema;

import java.util.Optional;

import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.ScalarResolution;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;

/**
 * Rewrites the legacy keys of a training config into their current form, as Fast-LLM does when it loads an old
 * config, so that engine code reads only current keys. A current key that is written wins over its legacy form (the
 * checker reports the conflict). The legacy dataset form ({@code data.format/path/split}) has no current equivalent
 * without re-running data preparation and stays as it is.
 */
public final class LegacyMigration {

    /** Path of the transformer section, where the rotary legacy keys live. */
    public static final String TRANSFORMER = "model.base_model.transformer";

    private LegacyMigration() {
    }

    /**
     * The rotary theta written in the legacy form {@code rotary_embedding_scale = -ln(theta)}, rounded to 12
     * significant digits: the scale is itself a rounded logarithm, so that -13.122363377404328 gives 500000.0 rather
     * than 499999.9999999997.
     */
    public static double thetaFromRotaryEmbeddingScale(double rotaryEmbeddingScale) {
        double theta = Math.exp(-rotaryEmbeddingScale);
        if (!Double.isFinite(theta) || theta == 0) {
            return theta;
        }
        return new java.math.BigDecimal(theta).round(new java.math.MathContext(12)).doubleValue();
    }

    /**
     * A training config tree in the seeds' form ({@link FormMapping}) with legacy keys rewritten; other trees are
     * returned unchanged.
     */
    public static YamlNode migrate(YamlNode root) {
        if (!(root instanceof MappingNode)) {
            return root;
        }
        root = FormMapping.toEngineForm(root);
        root = migrateValidation(root);
        root = migrateRotary(root);
        return root;
    }

    /** {@code training.validation.{iterations, interval}} becomes the evaluator {@code training.evaluators.validation}. */
    private static YamlNode migrateValidation(YamlNode root) {
        Optional<MappingNode.Entry> legacy = ConfigTree.entry(root, "training.validation");
        if (legacy.isEmpty() || !(legacy.get().value() instanceof MappingNode validation)
                || ConfigTree.at(root, "training.evaluators.validation").isPresent()) {
            return root;
        }
        SourceRange at = legacy.get().key().range();
        YamlNode result = root;
        Optional<YamlNode> interval = validation.get("interval");
        if (interval.isPresent()) {
            result = ConfigTree.with(result, ConfigTree.path("training.evaluators.validation.interval"), interval.get(), at);
        }
        result = ConfigTree.with(result, ConfigTree.path("training.evaluators.validation.evaluator.type"),
                new ScalarNode("loss", ScalarNode.Style.PLAIN, at), at);
        Optional<YamlNode> iterations = validation.get("iterations");
        if (iterations.isPresent()) {
            result = ConfigTree.with(result, ConfigTree.path("training.evaluators.validation.evaluator.iterations"),
                    iterations.get(), at);
        }
        return ConfigTree.with(result, ConfigTree.path("training.evaluators.validation.evaluator.dataset_name"),
                new ScalarNode("validation", ScalarNode.Style.PLAIN, at), at);
    }

    /**
     * {@code rotary.scaling_type} becomes {@code rotary.type}; else {@code use_rotary_embeddings} becomes type default
     * or none; {@code rotary_embedding_scale} becomes {@code rotary.theta = exp(-scale)}.
     */
    private static YamlNode migrateRotary(YamlNode root) {
        YamlNode result = root;
        if (!ConfigTree.isSet(result, TRANSFORMER + ".rotary.type")) {
            Optional<MappingNode.Entry> scalingType = ConfigTree.entry(result, TRANSFORMER + ".rotary.scaling_type");
            Optional<ScalarNode> useRotary = ConfigTree.scalar(result, TRANSFORMER + ".use_rotary_embeddings");
            if (scalingType.isPresent() && !(scalingType.get().value() instanceof ScalarNode s && s.isMissingValue())) {
                result = ConfigTree.with(result, ConfigTree.path(TRANSFORMER + ".rotary.type"), scalingType.get().value(),
                        scalingType.get().key().range());
            } else if (useRotary.isPresent() && useRotary.get().kind() == ScalarNode.Kind.BOOLEAN) {
                String type = Boolean.TRUE.equals(useRotary.get().value()) ? "default" : "none";
                result = ConfigTree.with(result, ConfigTree.path(TRANSFORMER + ".rotary.type"),
                        new ScalarNode(type, ScalarNode.Style.PLAIN, useRotary.get().range()), useRotary.get().range());
            }
        }
        Optional<ScalarNode> scale = ConfigTree.scalar(result, TRANSFORMER + ".rotary_embedding_scale");
        if (scale.isPresent() && !ConfigTree.isSet(result, TRANSFORMER + ".rotary.theta")
                && scale.get().value() instanceof Number number) {
            String theta = ScalarResolution.asYaml11Float(thetaFromRotaryEmbeddingScale(number.doubleValue()));
            result = ConfigTree.with(result, ConfigTree.path(TRANSFORMER + ".rotary.theta"),
                    new ScalarNode(theta, ScalarNode.Style.PLAIN, scale.get().range()), scale.get().range());
        }
        return result;
    }
}
