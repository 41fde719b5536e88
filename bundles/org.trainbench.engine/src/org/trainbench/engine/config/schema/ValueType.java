package org.trainbench.engine.config.schema;

/** What a config key holds. */
public enum ValueType {
    /** A mapping with fixed keys, declared by a record. */
    SECTION("section"),
    /** A mapping with free names (e.g. {@code data.datasets.<name>}); its entries follow {@link SchemaKey#element()}. */
    MAP("mapping"),
    /** A sequence; its items follow {@link SchemaKey#element()}. */
    LIST("list"),
    STRING("string"),
    /** A file or directory path, written as a string. */
    PATH("path"),
    INTEGER("integer"),
    /** A number; integers are accepted, as Fast-LLM does. */
    FLOAT("number"),
    BOOLEAN("boolean"),
    /** One of a fixed set of strings ({@link SchemaKey#allowedValues()}). */
    CHOICE("choice");

    private final String label;

    ValueType(String label) {
        this.label = label;
    }

    /** How messages name the type: "integer", "boolean", ... */
    public String label() {
        return label;
    }
}
