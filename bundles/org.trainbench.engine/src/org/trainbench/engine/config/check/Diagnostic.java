package org.trainbench.engine.config.check;

import java.util.Map;
import java.util.Objects;

import org.trainbench.engine.config.yaml.SourceRange;

/**
 * One finding about a config: what is wrong and what to do ({@link #message()}), where ({@link #range()}, {@link #keyPath()}),
 * which rule found it ({@link #code()}, one of {@link IssueCodes}), and what a quick fix needs ({@link #data()}).
 *
 * @param severity how bad it is
 * @param code     the rule's issue code, e.g. {@link IssueCodes#UNKNOWN_KEY}
 * @param message  names the key, says what was expected and what to do
 * @param range    where it is in the text; always inside the text (a zero-length range marks a position)
 * @param keyPath  the dotted key path concerned, e.g. {@code model.base_model.transformer.head_groups}; empty for the whole document
 * @param data     quick-fix data under the {@code DATA_*} keys below; empty when there is nothing to propose
 */
public record Diagnostic(Severity severity, String code, String message, SourceRange range, String keyPath,
        Map<String, String> data) {

    /** The key to write instead of the one written (did-you-mean), as a bare name, e.g. {@code hidden_size}. */
    public static final String DATA_SUGGESTED_KEY = "suggestedKey";
    /** The value to write instead, as YAML text, e.g. {@code cosine}, {@code 1.0e-05}, {@code 480}. */
    public static final String DATA_SUGGESTED_VALUE = "suggestedValue";
    /** For a legacy key: the dotted path of its current form, e.g. {@code model.base_model.transformer.rotary.theta}. */
    public static final String DATA_REPLACEMENT_PATH = "replacementPath";
    /** For a legacy key: the value of the current form as YAML (flow style for sections), e.g. {@code 500000.0}. */
    public static final String DATA_REPLACEMENT_VALUE = "replacementValue";
    /** For a legacy key: comma-separated dotted paths of the legacy keys one rewrite replaces together. */
    public static final String DATA_REPLACED_KEYS = "replacedKeys";
    /** For a missing key or section: its dotted path, e.g. {@code run.experiment_dir}. */
    public static final String DATA_MISSING_KEY = "missingKey";
    /** For a duplicate key: the 1-based line of its first occurrence. */
    public static final String DATA_FIRST_LINE = "firstLine";

    public Diagnostic {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(keyPath, "keyPath");
        data = Map.copyOf(data);
    }

    /** A diagnostic without quick-fix data. */
    public Diagnostic(Severity severity, String code, String message, SourceRange range, String keyPath) {
        this(severity, code, message, range, keyPath, Map.of());
    }

    /** The line `trainbench validate` prints: {@code FILE:LINE:COL: error: message [code]}. */
    public String format(String file) {
        return file + ":" + range.line() + ":" + range.column() + ": " + severity.label() + ": " + message + " [" + code + "]";
    }
}
