package org.trainbench.engine.config.yaml;

/**
 * Text that is not YAML, or YAML outside the subset configs use (anchors, aliases, tags, block scalars, several
 * documents). Carries the position of the offending text and a message that says what to write instead.
 */
public final class YamlSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient SourceRange range;
    private final String reason;

    public YamlSyntaxException(String reason, SourceRange range) {
        super(range.line() + ":" + range.column() + ": " + reason);
        this.reason = reason;
        this.range = range;
    }

    /** Where the problem is. */
    public SourceRange range() {
        return range;
    }

    /** The message without the position prefix. */
    public String reason() {
        return reason;
    }
}
