package org.trainbench.engine.config.check;

import java.util.List;

/**
 * The issue code of every check rule, one rule each. Quick fixes are keyed to these codes; docs/CONFIG.md lists them.
 */
public final class IssueCodes {

    /** The text is not YAML, or uses YAML that configs do not (anchors, tags, block scalars, several documents). */
    public static final String SYNTAX_ERROR = "syntax-error";
    /** The document is empty, not a mapping, or has no key of either config kind. */
    public static final String UNKNOWN_CONFIG_KIND = "unknown-config-kind";
    /** A key the schema does not know at this place; data: {@link Diagnostic#DATA_SUGGESTED_KEY} when one is close. */
    public static final String UNKNOWN_KEY = "unknown-key";
    /** A value of the wrong type (a string where a number is expected, a list where a section is, ...). */
    public static final String WRONG_TYPE = "wrong-type";
    /** A number such as {@code 1e-5} that YAML 1.1 (PyYAML, hence Fast-LLM) reads as a string; data: the value rewritten. */
    public static final String FLOAT_READ_AS_STRING = "float-read-as-string";
    /** A number outside the key's range (e.g. {@code checkpoint.keep: 0}). */
    public static final String OUT_OF_RANGE = "out-of-range";
    /** A value not among the key's allowed values; data: {@link Diagnostic#DATA_SUGGESTED_VALUE} when one is close. */
    public static final String NOT_ALLOWED_VALUE = "not-allowed-value";
    /** A key written twice in the same mapping (PyYAML silently keeps the last). */
    public static final String DUPLICATE_KEY = "duplicate-key";
    /** A required key or section is missing; data: {@link Diagnostic#DATA_MISSING_KEY}. */
    public static final String MISSING_REQUIRED = "missing-required";
    /** A legacy key (warning); data: its replacement path and value. */
    public static final String LEGACY_KEY = "legacy-key";
    /** A valid Fast-LLM value that Trainbench's engine cannot run (warning). */
    public static final String UNSUPPORTED_BY_ENGINE = "unsupported-by-engine";
    /**
     * A key Fast-LLM accepts that Trainbench's engine does not honour, set so that a run computes the same anyway
     * (logging, data loading, parallel layouts run as data parallel): warning.
     */
    public static final String IGNORED_BY_ENGINE = "ignored-by-engine";
    /** A key Fast-LLM accepts that Trainbench's engine does not honour, set so that a run would compute something else. */
    public static final String NOT_HONOURED_BY_ENGINE = "not-honoured-by-engine";
    /**
     * Keys of Fast-LLM forms that no single version has (e.g. {@code batch} with {@code data.micro_batch_size}); one
     * diagnostic for the whole config, at the first key that conflicts with the ones before it.
     */
    public static final String MIXED_FORMS = "mixed-forms";
    /** A blended dataset with fewer than two datasets, or not one weight per dataset. */
    public static final String BLEND_MISMATCH = "blend-mismatch";
    /** Neither {@code pretrained} nor {@code model.base_model.transformer} defines the model architecture. */
    public static final String ARCHITECTURE_UNDEFINED = "architecture-undefined";
    /** {@code num_attention_heads} is not a multiple of {@code head_groups}; data: the closest divisor. */
    public static final String HEADS_NOT_DIVISIBLE = "heads-not-divisible";
    /** {@code hidden_size} differs from {@code num_attention_heads * kv_channels}, or does not divide. */
    public static final String HIDDEN_SIZE_MISMATCH = "hidden-size-mismatch";
    /** {@code batch_size} is not a multiple of {@code micro_batch_size}; data: the closest multiple. */
    public static final String BATCH_NOT_DIVISIBLE = "batch-not-divisible";
    /** Warmup, decay and training lengths out of order: warmup < decay_iterations <= train_iters (warning). */
    public static final String LR_SCHEDULE_ORDER = "lr-schedule-order";
    /** The minimum learning rate is above the base learning rate. */
    public static final String LR_MINIMUM_ABOVE_BASE = "lr-minimum-above-base";
    /** {@code rotary_embedding_scale} contradicts {@code rotary.theta}, or gives a theta <= 1. */
    public static final String ROTARY_THETA_CONFLICT = "rotary-theta-conflict";
    /** An evaluator names a dataset that {@code data.datasets} does not define; data: the closest name. */
    public static final String UNKNOWN_EVALUATOR_DATASET = "unknown-evaluator-dataset";
    /** Training iterations without a {@code training} dataset. */
    public static final String MISSING_TRAINING_DATASET = "missing-training-dataset";
    /** A {@code pretrained} section without {@code path} (weights or architecture cannot be loaded). */
    public static final String PRETRAINED_WITHOUT_PATH = "pretrained-without-path";
    /**
     * With {@code pretrained}, an architecture key written in the config disagrees with the pretrained model's
     * config.json (the architecture is loaded from the model, so the written value would be ignored); data: the
     * model's value.
     */
    public static final String PRETRAINED_ARCHITECTURE_MISMATCH = "pretrained-architecture-mismatch";
    /** A referenced input file or directory does not exist, relative to the config file (warning). */
    public static final String FILE_NOT_FOUND = "file-not-found";
    /**
     * A {@code training.export} section without {@code interval}: as in Fast-LLM, that disables exports, so the run
     * writes none, not even after the last step (warning).
     */
    public static final String EXPORT_WITHOUT_INTERVAL = "export-without-interval";
    /** A data-preparation {@code output_path} that is or holds the config or one of its inputs. */
    public static final String OUTPUT_HOLDS_INPUT = "output-holds-input";

    /** Every code, for documentation and tests. */
    public static final List<String> ALL = List.of(SYNTAX_ERROR, UNKNOWN_CONFIG_KIND, UNKNOWN_KEY, WRONG_TYPE,
            FLOAT_READ_AS_STRING, OUT_OF_RANGE, NOT_ALLOWED_VALUE, DUPLICATE_KEY, MISSING_REQUIRED, LEGACY_KEY,
            UNSUPPORTED_BY_ENGINE, ARCHITECTURE_UNDEFINED, HEADS_NOT_DIVISIBLE, HIDDEN_SIZE_MISMATCH, BATCH_NOT_DIVISIBLE,
            LR_SCHEDULE_ORDER, LR_MINIMUM_ABOVE_BASE, ROTARY_THETA_CONFLICT, UNKNOWN_EVALUATOR_DATASET,
            MISSING_TRAINING_DATASET, PRETRAINED_WITHOUT_PATH, PRETRAINED_ARCHITECTURE_MISMATCH, FILE_NOT_FOUND,
            EXPORT_WITHOUT_INTERVAL, OUTPUT_HOLDS_INPUT, IGNORED_BY_ENGINE, NOT_HONOURED_BY_ENGINE, MIXED_FORMS,
            BLEND_MISMATCH);

    private IssueCodes() {
    }
}
