package org.trainbench.engine.config.schema;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the schema declares about one config key: what completion, hover, the checker, the binder and CLI help
 * read. Obtained from {@link ConfigSchema}; immutable.
 */
public final class SchemaKey {

    /** A numeric range; either bound may be infinite. */
    public record NumericRange(double min, double max, boolean minExclusive, boolean maxExclusive) {
        public boolean contains(double value) {
            return (minExclusive ? value > min : value >= min) && (maxExclusive ? value < max : value <= max);
        }

        /** E.g. {@code ">= 1"}, {@code "between 0 and 1"}, {@code "> 0"}. */
        public String describe() {
            boolean hasMin = min != Double.NEGATIVE_INFINITY;
            boolean hasMax = max != Double.POSITIVE_INFINITY;
            if (hasMin && hasMax && !minExclusive && !maxExclusive) {
                return "between " + number(min) + " and " + number(max);
            }
            List<String> parts = new ArrayList<>();
            if (hasMin) {
                parts.add((minExclusive ? "> " : ">= ") + number(min));
            }
            if (hasMax) {
                parts.add((maxExclusive ? "< " : "<= ") + number(max));
            }
            return String.join(" and ", parts);
        }

        private static String number(double value) {
            return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
        }
    }

    /** Where a legacy key's value belongs now. */
    public record LegacyInfo(String replacedByPath, String note) {
    }

    /** What the engine does instead of honouring a key Fast-LLM accepts ({@link NotHonoured}). */
    public record NotHonouredInfo(String instead, boolean changesResults, List<String> accepts) {
        public NotHonouredInfo {
            accepts = List.copyOf(accepts);
        }
    }

    private final String name;
    private final String path;
    private final ValueType type;
    private final Class<?> javaType;
    private final String doc;
    private final String defaultValue;
    private final String derivedDefault;
    private final NumericRange range;
    private final List<String> allowedValues;
    private final List<String> acceptedValues;
    private final List<String> valueDocs;
    private final List<String> engineSupports;
    private final boolean required;
    private final boolean optionalSection;
    private final boolean inputPath;
    private final boolean hubNameAllowed;
    private final LegacyInfo legacy;
    private final java.util.Set<FastLlmVersion> versions;
    private final NotHonouredInfo notHonoured;
    private final RecordComponent component;
    private List<SchemaKey> children = List.of();
    private SchemaKey element;

    SchemaKey(String name, String path, ValueType type, Class<?> javaType, String doc, String defaultValue,
            String derivedDefault, NumericRange range, List<String> allowedValues, List<String> acceptedValues,
            List<String> valueDocs, List<String> engineSupports, boolean required, boolean optionalSection,
            boolean inputPath, boolean hubNameAllowed, LegacyInfo legacy, java.util.Set<FastLlmVersion> versions,
            NotHonouredInfo notHonoured, RecordComponent component) {
        this.name = name;
        this.path = path;
        this.type = type;
        this.javaType = javaType;
        this.doc = doc;
        this.defaultValue = defaultValue;
        this.derivedDefault = derivedDefault;
        this.range = range;
        this.allowedValues = List.copyOf(allowedValues);
        this.acceptedValues = List.copyOf(acceptedValues);
        this.valueDocs = List.copyOf(valueDocs);
        this.engineSupports = List.copyOf(engineSupports);
        this.required = required;
        this.optionalSection = optionalSection;
        this.inputPath = inputPath;
        this.hubNameAllowed = hubNameAllowed;
        this.legacy = legacy;
        this.versions = versions.isEmpty() ? java.util.Set.of() : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(versions));
        this.notHonoured = notHonoured;
        this.component = component;
    }

    void setChildren(List<SchemaKey> children) {
        this.children = List.copyOf(children);
    }

    void setElement(SchemaKey element) {
        this.element = element;
    }

    /** The YAML key, e.g. {@code hidden_size}; {@code <name>} for the entries of a {@link ValueType#MAP}, {@code <item>} for list items. */
    public String name() {
        return name;
    }

    /**
     * The dotted path from the config root, e.g. {@code model.base_model.transformer.hidden_size}; map entries appear
     * as {@code *} ({@code data.datasets.*.path}). The root's path is empty.
     */
    public String path() {
        return path;
    }

    public ValueType type() {
        return type;
    }

    /** The Java type of the bound value (record, enum, boxed or primitive type, Map, List, Path, String). */
    public Class<?> javaType() {
        return javaType;
    }

    /** The documentation: what the key is and does. */
    public String doc() {
        return doc;
    }

    /** The literal default as YAML text ({@code "0.01"}, {@code "cosine"}), if there is one. */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** A default computed from other keys, in words ({@code "4 * hidden_size"}), if there is one. */
    public Optional<String> derivedDefault() {
        return Optional.ofNullable(derivedDefault);
    }

    /** The default as a reader sees it: the literal, the derived rule, or "none". */
    public String defaultDescription() {
        return defaultValue != null ? defaultValue : derivedDefault != null ? derivedDefault : "none";
    }

    /** Bounds of a numeric key (or of each value of a map or list of numbers). */
    public Optional<NumericRange> range() {
        return Optional.ofNullable(range);
    }

    /** The canonical values of a {@link ValueType#CHOICE} or of a string with allowed values; empty otherwise. */
    public List<String> allowedValues() {
        return allowedValues;
    }

    /** {@link #allowedValues()} plus accepted aliases (e.g. {@code bf16} for {@code bfloat16}). */
    public List<String> acceptedValues() {
        return acceptedValues;
    }

    /** One sentence per allowed value, same order as {@link #allowedValues()} (empty strings where undocumented). */
    public List<String> allowedValueDocs() {
        return valueDocs;
    }

    /** The values Trainbench's engine can run, when it runs fewer than Fast-LLM accepts; empty when it runs them all. */
    public List<String> engineSupports() {
        return engineSupports;
    }

    /** Whether the key must be written (when its parent section is). */
    public boolean required() {
        return required;
    }

    /** Whether the section is absent (null) unless written, rather than bound with defaults. */
    public boolean optionalSection() {
        return optionalSection;
    }

    /** Whether the value names a file or directory the run reads. */
    public boolean inputPath() {
        return inputPath;
    }

    /** Whether an input path may also be a Hugging Face Hub name. */
    public boolean hubNameAllowed() {
        return hubNameAllowed;
    }

    /** Whether this is a legacy key (accepted with a warning, rewritten when bound). */
    public boolean isLegacy() {
        return legacy != null;
    }

    /** Where a legacy key belongs now. */
    public Optional<LegacyInfo> legacy() {
        return Optional.ofNullable(legacy);
    }

    /**
     * The Fast-LLM versions whose configs have this key where it is declared; empty when every version has it (then
     * its section's versions apply).
     */
    public java.util.Set<FastLlmVersion> versions() {
        return versions;
    }

    /** Whether a config of {@code version} may write this key (ignoring its sections' versions). */
    public boolean existsIn(FastLlmVersion version) {
        return versions.isEmpty() || versions.contains(version);
    }

    /** What the engine does instead of honouring this key, when it does not ({@link NotHonoured}). */
    public Optional<NotHonouredInfo> notHonoured() {
        return Optional.ofNullable(notHonoured);
    }

    /** The current (non-legacy) keys of a section that a config of {@code version} may write: what completion proposes there. */
    public List<SchemaKey> currentChildren(FastLlmVersion version) {
        return children.stream().filter(child -> !child.isLegacy() && child.existsIn(version)).toList();
    }

    /** The keys of a {@link ValueType#SECTION}, in declaration order, legacy keys included. */
    public List<SchemaKey> children() {
        return children;
    }

    /** The current (non-legacy) keys of a section: what completion proposes. */
    public List<SchemaKey> currentChildren() {
        return children.stream().filter(child -> !child.isLegacy()).toList();
    }

    /** The key named {@code key} of a section. */
    public Optional<SchemaKey> child(String key) {
        for (SchemaKey child : children) {
            if (child.name.equals(key)) {
                return Optional.of(child);
            }
        }
        return Optional.empty();
    }

    /** The schema of each entry of a {@link ValueType#MAP} or item of a {@link ValueType#LIST}; null otherwise. */
    public SchemaKey element() {
        return element;
    }

    /** The schema below this key for one more path step: a section's child, or a map's entry schema. */
    public Optional<SchemaKey> step(String key) {
        return switch (type) {
            case SECTION -> child(key);
            case MAP -> Optional.of(element);
            default -> Optional.empty();
        };
    }

    /** The type in words for messages and hover: "integer >= 1", "one of constant, linear, cosine", "mapping of section". */
    public String typeDescription() {
        return switch (type) {
            case CHOICE -> "one of " + String.join(", ", allowedValues);
            case MAP -> "mapping of " + (element.type == ValueType.SECTION ? "sections" : element.typeDescription()) + " by name";
            case LIST -> "list of " + element.typeDescription();
            case INTEGER, FLOAT -> type.label() + (range != null ? " " + range.describe() : "");
            default -> type.label();
        };
    }

    RecordComponent component() {
        return component;
    }

    @Override
    public String toString() {
        return (path.isEmpty() ? "<root>" : path) + " (" + typeDescription() + ")";
    }
}
