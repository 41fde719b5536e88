package org.trainbench.engine.config.schema;

import org.trainbench.engine.config.yaml.SourceRange;

/** A config value that cannot be bound to its typed record: names the key, its place and what was expected. */
public final class ConfigBindingException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String keyPath;
    private final transient SourceRange range;

    public ConfigBindingException(String keyPath, SourceRange range, String message) {
        super(keyPath + ": " + message);
        this.keyPath = keyPath;
        this.range = range;
    }

    /** The dotted key path, e.g. {@code batch.batch_size}. */
    public String keyPath() {
        return keyPath;
    }

    /** Where the value (or, for a missing key, its section) is written. */
    public SourceRange range() {
        return range;
    }
}
