package org.trainbench.launch;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One {@code --set key=value} override of a config value, applied by the engine after reading the file (e.g.
 * {@code training.train_iters=10}).
 *
 * @param key   a dotted path into the config, e.g. {@code optimizer.learning_rate.base}
 * @param value the value as YAML would read it ({@code 1e-4}, {@code yes}, {@code ./data})
 */
public record ConfigOverride(String key, String value) {

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*");

    public ConfigOverride {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /**
     * Reads the stored form {@code key=value}; the value is everything after the first '=' and may itself contain
     * '='.
     */
    public static ConfigOverride parse(String text) {
        int equals = text.indexOf('=');
        if (equals < 0) {
            return new ConfigOverride(text.strip(), "");
        }
        return new ConfigOverride(text.substring(0, equals).strip(), text.substring(equals + 1).strip());
    }

    /**
     * Why this override cannot be passed to the engine, or null when it can. The message names the key and says what
     * is expected.
     */
    public String problem() {
        if (key.isEmpty()) {
            return "An override has an empty key: enter a dotted config key such as training.train_iters";
        }
        if (!KEY.matcher(key).matches()) {
            return "Override key '" + key
                    + "' is not a dotted config key: use letters, digits and '_' separated by '.', e.g. batch.micro_batch_size";
        }
        return null;
    }

    /** The stored and command-line form, {@code key=value}. */
    @Override
    public String toString() {
        return key + "=" + value;
    }
}
