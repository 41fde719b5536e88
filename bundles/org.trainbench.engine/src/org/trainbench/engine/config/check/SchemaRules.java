package org.trainbench.engine.config.check;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.trainbench.engine.config.schema.ConfigChoice;
import org.trainbench.engine.config.schema.ConfigSchema;
import org.trainbench.engine.config.schema.ConfigTree;
import org.trainbench.engine.config.schema.KeySuggestions;
import org.trainbench.engine.config.schema.SchemaKey;
import org.trainbench.engine.config.schema.ValueType;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.ScalarResolution;
import org.trainbench.engine.config.yaml.SequenceNode;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;

/**
 * The rules that compare a config tree with the schema, one method each: unknown key, duplicate key, wrong type, out
 * of range, not an allowed value, missing required key, legacy key, unsupported by the engine. The walk itself only
 * dispatches.
 */
final class SchemaRules {

    private final SchemaKey root;
    private final YamlNode tree;
    private final String kindName;
    private final List<Diagnostic> out;

    SchemaRules(SchemaKey root, YamlNode tree, String kindName, List<Diagnostic> out) {
        this.root = root;
        this.tree = tree;
        this.kindName = kindName;
        this.out = out;
    }

    void run() {
        section(root, tree instanceof MappingNode mapping ? mapping : null, "", ConfigTree.documentAnchor(tree));
    }

    // ------------------------------------------------------------------------------------------------- walk

    private void section(SchemaKey schema, MappingNode mapping, String path, SourceRange anchor) {
        if (mapping != null) {
            checkDuplicateKeys(mapping, path);
            for (MappingNode.Entry entry : mapping.entries()) {
                Optional<SchemaKey> child = schema.child(entry.name());
                String childPath = join(path, entry.name());
                if (child.isEmpty()) {
                    checkUnknownKey(schema, entry, path);
                    continue;
                }
                if (child.get().isLegacy()) {
                    checkLegacyKey(child.get(), entry, childPath);
                }
                checkHonoured(child.get(), entry, childPath);
                value(child.get(), entry.value(), childPath, entry.key().range());
            }
        }
        checkMissingRequired(schema, mapping, path, anchor);
    }

    private void value(SchemaKey key, YamlNode node, String path, SourceRange keyRange) {
        if (isNull(node)) {
            checkNullValue(key, (ScalarNode) node, path, keyRange);
            return;
        }
        switch (key.type()) {
            case SECTION -> {
                if (node instanceof MappingNode mapping) {
                    section(key, mapping, path, keyRange);
                } else {
                    reportWrongType(key, node, path);
                }
            }
            case MAP -> {
                if (!(node instanceof MappingNode mapping)) {
                    reportWrongType(key, node, path);
                    return;
                }
                checkDuplicateKeys(mapping, path);
                for (MappingNode.Entry entry : mapping.entries()) {
                    String entryPath = join(path, entry.name());
                    if (isNull(entry.value()) && key.element().type() != ValueType.SECTION) {
                        reportNullElement(key.element(), (ScalarNode) entry.value(), entryPath, entry.key().range());
                    } else {
                        value(key.element(), entry.value(), entryPath, entry.key().range());
                    }
                }
            }
            case LIST -> {
                if (!(node instanceof SequenceNode sequence)) {
                    reportWrongType(key, node, path);
                    return;
                }
                for (YamlNode item : sequence.items()) {
                    if (isNull(item) && key.element().type() != ValueType.SECTION) {
                        reportNullElement(key.element(), (ScalarNode) item, path, item.range());
                    } else {
                        value(key.element(), item, path, item.range());
                    }
                }
            }
            default -> {
                if (node instanceof ScalarNode scalar) {
                    if (checkScalarType(key, scalar, path)) {
                        checkEngineSupport(key, scalar, path);
                    }
                } else {
                    reportWrongType(key, node, path);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- rules

    /** A key written twice: PyYAML keeps the last silently, which hides the first. */
    private void checkDuplicateKeys(MappingNode mapping, String path) {
        Map<String, MappingNode.Entry> first = new HashMap<>();
        for (MappingNode.Entry entry : mapping.entries()) {
            MappingNode.Entry previous = first.putIfAbsent(entry.name(), entry);
            if (previous != null) {
                int line = previous.key().range().line();
                out.add(new Diagnostic(Severity.ERROR, IssueCodes.DUPLICATE_KEY, "`" + join(path, entry.name())
                        + "` is written twice (first on line " + line + "); only this last value would be used:"
                        + " remove one of them", entry.key().range(), join(path, entry.name()),
                        Map.of(Diagnostic.DATA_FIRST_LINE, Integer.toString(line))));
            }
        }
    }

    /** A key the schema does not have here: suggests a close sibling, or the section where that key lives. */
    private void checkUnknownKey(SchemaKey schema, MappingNode.Entry entry, String path) {
        String name = entry.name();
        List<String> siblings = schema.currentChildren().stream().map(SchemaKey::name).toList();
        String where = path.isEmpty() ? "a " + kindName + " config" : "`" + path + "`";
        Optional<String> close = KeySuggestions.closest(name, siblings);
        String message;
        Map<String, String> data = Map.of();
        if (close.isPresent()) {
            message = "Unknown key `" + name + "` in " + where + ": did you mean `" + close.get() + "`?";
            data = Map.of(Diagnostic.DATA_SUGGESTED_KEY, close.get());
        } else {
            Optional<String> elsewhere = placeOf(name);
            message = elsewhere.isPresent()
                    ? "`" + name + "` is not a key of " + where + ": it belongs in `" + elsewhere.get() + "`; move it there"
                    : "Unknown key `" + name + "` in " + where + ": remove it, or use one of: " + String.join(", ",
                            schema.currentChildren().stream().filter(k -> k.notHonoured().isEmpty()).map(SchemaKey::name).toList());
        }
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.UNKNOWN_KEY, message, entry.key().range(), join(path, name), data));
    }

    /** A legacy key: accepted, with its current form as quick-fix data. */
    private void checkLegacyKey(SchemaKey key, MappingNode.Entry entry, String path) {
        SchemaKey.LegacyInfo legacy = key.legacy().orElseThrow();
        Optional<LegacyRewrites.Rewrite> rewrite = LegacyRewrites.rewrite(tree, path);
        String message = "`" + path + "` is a legacy key: write `" + legacy.replacedByPath()
                + rewrite.filter(r -> r.value().length() <= 40).map(r -> ": " + r.value() + "`").orElse("`") + " instead"
                + (legacy.note().isEmpty() ? "" : " (" + legacy.note() + ")");
        Map<String, String> data = new HashMap<>();
        data.put(Diagnostic.DATA_REPLACEMENT_PATH, rewrite.map(LegacyRewrites.Rewrite::path).orElse(legacy.replacedByPath()));
        rewrite.ifPresent(r -> {
            data.put(Diagnostic.DATA_REPLACEMENT_VALUE, r.value());
            data.put(Diagnostic.DATA_REPLACED_KEYS, String.join(",", r.replacedKeys()));
        });
        out.add(new Diagnostic(Severity.WARNING, IssueCodes.LEGACY_KEY, message, entry.key().range(), path, data));
    }

    /**
     * A key Fast-LLM accepts but the engine does not honour, written with a value other than its default (or the values
     * the engine runs alike): a warning when a run computes the same anyway, an error when it would not.
     */
    private void checkHonoured(SchemaKey key, MappingNode.Entry entry, String path) {
        Optional<SchemaKey.NotHonouredInfo> info = key.notHonoured();
        if (info.isEmpty() || !setOtherThanDefault(key, entry.value(), info.get())) {
            return;
        }
        String written = entry.value() instanceof ScalarNode scalar ? ": " + scalar.text() : "";
        boolean error = info.get().changesResults();
        String message = "`" + path + written + "` is a Fast-LLM setting that Trainbench's engine does not honour. In Fast-LLM: "
                + firstSentence(key.doc()) + " " + info.get().instead()
                + (!error ? "" : key.defaultValue().isPresent() ? " Remove it (or set it to " + key.defaultValue().get()
                        + ") to run on Trainbench." : " Remove it to run on Trainbench.");
        Map<String, String> data = key.defaultValue().isPresent() && entry.value() instanceof ScalarNode
                ? Map.of(Diagnostic.DATA_SUGGESTED_VALUE, key.defaultValue().get()) : Map.of();
        out.add(new Diagnostic(error ? Severity.ERROR : Severity.WARNING,
                error ? IssueCodes.NOT_HONOURED_BY_ENGINE : IssueCodes.IGNORED_BY_ENGINE, message,
                error ? entry.value().range() : entry.key().range(), path, data));
    }

    /** Whether a written value asks for something: not null, not empty, not the default nor an accepted value. */
    private static boolean setOtherThanDefault(SchemaKey key, YamlNode node, SchemaKey.NotHonouredInfo info) {
        return switch (node) {
            case MappingNode mapping -> !mapping.entries().isEmpty();
            case SequenceNode sequence -> !sequence.items().isEmpty();
            case ScalarNode scalar -> {
                if (scalar.kind() == ScalarNode.Kind.NULL) {
                    yield false;
                }
                String text = scalar.kind() == ScalarNode.Kind.BOOLEAN ? String.valueOf(scalar.value())
                        : key.type() == ValueType.CHOICE ? canonicalChoice(key, scalar.text()) : scalar.text();
                if (info.accepts().contains(text)) {
                    yield false;
                }
                Optional<String> literal = key.defaultValue();
                if (literal.isEmpty()) {
                    yield true;
                }
                ScalarNode fallback = new ScalarNode(literal.get(), ScalarNode.Style.PLAIN, scalar.range());
                if (scalar.value() instanceof Number written && fallback.value() instanceof Number expected) {
                    yield written.doubleValue() != expected.doubleValue();
                }
                yield !text.equals(literal.get());
            }
        };
    }

    /** Required keys of a written (or required) section that are missing or null. */
    private void checkMissingRequired(SchemaKey schema, MappingNode mapping, String path, SourceRange anchor) {
        for (SchemaKey child : schema.children()) {
            if (!child.required()) {
                continue;
            }
            Optional<YamlNode> written = mapping == null ? Optional.empty() : mapping.get(child.name());
            boolean present = written.isPresent() && (child.type() == ValueType.SECTION || !isNull(written.get()));
            if (present) {
                continue;
            }
            String childPath = join(path, child.name());
            String what = child.type() == ValueType.SECTION ? "section `" + childPath + "`" : "`" + childPath + "`";
            List<String> requiredInside = child.children().stream().filter(SchemaKey::required).map(SchemaKey::name).toList();
            String message = "Missing " + what + (requiredInside.isEmpty() ? "" : " (with " + String.join(", ", requiredInside) + ")")
                    + ": " + firstSentence(child.doc()) + " Add it" + (path.isEmpty() ? "" : " under `" + path + "`") + ".";
            out.add(new Diagnostic(Severity.ERROR, IssueCodes.MISSING_REQUIRED, message, anchor, childPath,
                    Map.of(Diagnostic.DATA_MISSING_KEY, childPath)));
        }
    }

    /** {@code key:} with nothing, or {@code null}: fine for optional keys and sections, an error for keys that need a value. */
    private void checkNullValue(SchemaKey key, ScalarNode node, String path, SourceRange keyRange) {
        switch (key.type()) {
            case SECTION -> section(key, null, path, keyRange);
            case MAP, LIST -> {
            }
            default -> {
                if (key.javaType().isPrimitive()) {
                    String fix = key.defaultValue().map(d -> "write a value, or remove the key to use the default " + d)
                            .orElse("write a value");
                    out.add(new Diagnostic(Severity.ERROR, IssueCodes.WRONG_TYPE, "`" + path + "` needs " + article(key)
                            + " " + key.typeDescription() + ", found " + (node.isMissingValue() ? "nothing" : "null") + ": " + fix,
                            node.isMissingValue() ? keyRange : node.range(), path));
                }
            }
        }
    }

    /** A null entry of a map or list of values: unlike an optional key, an entry needs a value. */
    private void reportNullElement(SchemaKey element, ScalarNode node, String path, SourceRange keyRange) {
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.WRONG_TYPE, "`" + path + "` needs " + article(element) + " "
                + element.typeDescription() + ", found " + (node.isMissingValue() ? "nothing" : "null")
                + ": write a value, or remove the entry", node.isMissingValue() ? keyRange : node.range(), path));
    }

    /** Whether a scalar has the key's type (and range, and allowed value); reports the first problem. */
    private boolean checkScalarType(SchemaKey key, ScalarNode scalar, String path) {
        ScalarNode.Kind kind = scalar.kind();
        switch (key.type()) {
            case INTEGER -> {
                if (kind == ScalarNode.Kind.INTEGER) {
                    return checkRange(key, scalar, path);
                }
                if (kind == ScalarNode.Kind.FLOAT && scalar.value() instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
                    String integer = Long.toString(d.longValue());
                    out.add(new Diagnostic(Severity.ERROR, IssueCodes.WRONG_TYPE, "`" + path + "` needs an integer, found "
                            + scalar.text() + ": write " + integer, scalar.range(), path,
                            Map.of(Diagnostic.DATA_SUGGESTED_VALUE, integer)));
                    return false;
                }
                reportWrongType(key, scalar, path);
                return false;
            }
            case FLOAT -> {
                if (kind == ScalarNode.Kind.INTEGER || kind == ScalarNode.Kind.FLOAT) {
                    return checkRange(key, scalar, path);
                }
                if (kind == ScalarNode.Kind.STRING && scalar.style() == ScalarNode.Style.PLAIN
                        && ScalarResolution.looksLikeFloat(scalar.text())) {
                    reportFloatReadAsString(scalar, path);
                    return false;
                }
                reportWrongType(key, scalar, path);
                return false;
            }
            case BOOLEAN -> {
                if (kind == ScalarNode.Kind.BOOLEAN) {
                    return true;
                }
                reportWrongType(key, scalar, path);
                return false;
            }
            case STRING, PATH -> {
                if (kind == ScalarNode.Kind.STRING) {
                    return true;
                }
                reportWrongType(key, scalar, path);
                return false;
            }
            case CHOICE -> {
                if (kind == ScalarNode.Kind.STRING && key.acceptedValues().contains(scalar.text())) {
                    return true;
                }
                if (kind != ScalarNode.Kind.STRING && key.acceptedValues().contains(scalar.text())) {
                    reportWrongType(key, scalar, path);
                    return false;
                }
                reportNotAllowedValue(key, scalar, path);
                return false;
            }
            default -> throw new IllegalStateException("not a scalar type: " + key.type());
        }
    }

    /** A number outside the key's range, or too large for the key's integer type. */
    private boolean checkRange(SchemaKey key, ScalarNode scalar, String path) {
        Object value = scalar.value();
        boolean isInt = key.javaType() == int.class || key.javaType() == Integer.class;
        if (value instanceof BigInteger || (isInt && value instanceof Long l && (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE))) {
            out.add(new Diagnostic(Severity.ERROR, IssueCodes.OUT_OF_RANGE, "`" + path + "` is " + scalar.text()
                    + ", too large for this key" + key.range().map(r -> ": it must be " + r.describe()).orElse(""),
                    scalar.range(), path));
            return false;
        }
        double number = ((Number) value).doubleValue();
        Optional<SchemaKey.NumericRange> range = key.range();
        if (range.isPresent() && !range.get().contains(number)) {
            out.add(new Diagnostic(Severity.ERROR, IssueCodes.OUT_OF_RANGE, "`" + path + "` must be " + range.get().describe()
                    + ", found " + scalar.text() + rangeHint(key), scalar.range(), path));
            return false;
        }
        return true;
    }

    /** A value outside the allowed set, with the closest allowed value as a suggestion. */
    private void reportNotAllowedValue(SchemaKey key, ScalarNode scalar, String path) {
        Optional<String> close = KeySuggestions.closest(scalar.text(), key.acceptedValues());
        String message = "`" + path + "` cannot be " + scalar.displayText() + ": expected " + key.typeDescription()
                + close.map(c -> "; did you mean `" + c + "`?").orElse("");
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.NOT_ALLOWED_VALUE, message, scalar.range(), path,
                close.map(c -> Map.of(Diagnostic.DATA_SUGGESTED_VALUE, c)).orElse(Map.of())));
    }

    /** {@code 1e-5}: a number to the reader, a string to PyYAML (which needs a dot and a signed exponent). */
    private void reportFloatReadAsString(ScalarNode scalar, String path) {
        Map<String, String> data = Map.of();
        String fix = "write it with a dot and a signed exponent";
        try {
            String rewritten = ScalarResolution.asYaml11Float(Double.parseDouble(scalar.text().replace("_", "")));
            data = Map.of(Diagnostic.DATA_SUGGESTED_VALUE, rewritten);
            fix = "write " + rewritten;
        } catch (NumberFormatException e) {
            // keep the generic advice
        }
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.FLOAT_READ_AS_STRING, "`" + path + "` is " + scalar.text()
                + ", which YAML 1.1 (PyYAML, as Fast-LLM reads configs) takes for a string, not a number: " + fix,
                scalar.range(), path, data));
    }

    /** A value that Fast-LLM accepts but Trainbench's engine cannot run. */
    private void checkEngineSupport(SchemaKey key, ScalarNode scalar, String path) {
        if (key.engineSupports().isEmpty()) {
            return;
        }
        String canonical = scalar.kind() == ScalarNode.Kind.BOOLEAN ? String.valueOf(scalar.value()) : canonicalChoice(key, scalar.text());
        if (!key.engineSupports().contains(canonical)) {
            out.add(new Diagnostic(Severity.WARNING, IssueCodes.UNSUPPORTED_BY_ENGINE, "`" + path + ": " + scalar.text()
                    + "` is valid for Fast-LLM, but Trainbench's engine (Llama-family models) supports only "
                    + String.join(", ", key.engineSupports()) + ": a run would stop at launch", scalar.range(), path,
                    Map.of(Diagnostic.DATA_SUGGESTED_VALUE, key.engineSupports().getFirst())));
        }
    }

    private void reportWrongType(SchemaKey key, YamlNode node, String path) {
        String found = describe(node);
        String hint = wrongTypeHint(key, node);
        Map<String, String> data = Map.of();
        if (node instanceof ScalarNode scalar && (key.type() == ValueType.STRING || key.type() == ValueType.PATH
                || key.type() == ValueType.CHOICE) && scalar.style() == ScalarNode.Style.PLAIN) {
            data = Map.of(Diagnostic.DATA_SUGGESTED_VALUE, "\"" + scalar.text().replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        } else if (node instanceof ScalarNode scalar && scalar.style() != ScalarNode.Style.PLAIN
                && (key.type() == ValueType.INTEGER || key.type() == ValueType.FLOAT || key.type() == ValueType.BOOLEAN)
                && isType(key.type(), ScalarResolution.kind(scalar.text().isEmpty() ? "x" : scalar.text()))) {
            data = Map.of(Diagnostic.DATA_SUGGESTED_VALUE, scalar.text());
        }
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.WRONG_TYPE, "`" + path + "` needs " + article(key) + " "
                + key.typeDescription() + ", found " + found + hint, node.range(), path, data));
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static boolean isType(ValueType type, ScalarNode.Kind kind) {
        return switch (type) {
            case INTEGER -> kind == ScalarNode.Kind.INTEGER;
            case FLOAT -> kind == ScalarNode.Kind.INTEGER || kind == ScalarNode.Kind.FLOAT;
            case BOOLEAN -> kind == ScalarNode.Kind.BOOLEAN;
            default -> false;
        };
    }

    private static String wrongTypeHint(SchemaKey key, YamlNode node) {
        if (key.type() == ValueType.SECTION || key.type() == ValueType.MAP) {
            return ": write its keys on the following lines, indented under it";
        }
        if (!(node instanceof ScalarNode scalar)) {
            return key.type() == ValueType.LIST ? "" : ": write a single value";
        }
        if (key.type() == ValueType.LIST) {
            return ": write a list such as [99, 1, 0]";
        }
        if (scalar.style() != ScalarNode.Style.PLAIN && isType(key.type(), ScalarResolution.kind(scalar.text().isEmpty() ? "x" : scalar.text()))) {
            return ": remove the quotes";
        }
        return switch (key.type()) {
            case STRING, PATH, CHOICE -> scalar.kind() == ScalarNode.Kind.BOOLEAN
                    ? ": YAML reads yes/no/on/off/true/false as booleans; quote it (\"" + scalar.text() + "\")"
                    : ": quote it (\"" + scalar.text() + "\")";
            case BOOLEAN -> ": write true or false";
            case INTEGER -> ": write a whole number such as 4096 (underscores allowed: 100_000)";
            case FLOAT -> ": write a number such as 0.1 or 6.0e-04";
            default -> "";
        };
    }

    private static String rangeHint(SchemaKey key) {
        if (key.defaultValue().isPresent()) {
            return ": set a value in range, or remove the key to use the default " + key.defaultValue().get();
        }
        if (key.javaType().isPrimitive()) {
            return ": set a value in range";
        }
        return ": set a value in range, or remove the key to leave it unset";
    }

    private static String canonicalChoice(SchemaKey key, String text) {
        if (key.javaType().isEnum()) {
            for (Object constant : key.javaType().getEnumConstants()) {
                ConfigChoice choice = (ConfigChoice) constant;
                if (choice.yamlName().equals(text) || choice.aliases().contains(text)) {
                    return choice.yamlName();
                }
            }
        }
        return text;
    }

    /** The section path where a misplaced key name is declared, when it is declared in exactly one place. */
    private Optional<String> placeOf(String name) {
        List<String> places = new ArrayList<>();
        for (SchemaKey key : ConfigSchema.allKeys(root)) {
            if (key.name().equals(name) && !key.isLegacy()) {
                int dot = key.path().lastIndexOf('.');
                places.add(dot < 0 ? "" : key.path().substring(0, dot));
            }
        }
        return places.size() == 1 && !places.getFirst().isEmpty() && !places.getFirst().contains("*")
                ? Optional.of(places.getFirst()) : Optional.empty();
    }

    static String describe(YamlNode node) {
        return switch (node) {
            case MappingNode mapping -> "a section (key: value lines)";
            case SequenceNode sequence -> "a list";
            case ScalarNode scalar -> switch (scalar.kind()) {
                case NULL -> "null";
                case BOOLEAN -> "the boolean " + scalar.text();
                case INTEGER -> "the integer " + scalar.text();
                case FLOAT -> "the number " + scalar.text();
                case TIMESTAMP -> "the date " + scalar.text() + " (YAML 1.1 reads it as a date)";
                case STRING -> "the string " + (scalar.style() == ScalarNode.Style.PLAIN ? "\"" + scalar.text() + "\"" : scalar.displayText());
            };
        };
    }

    private static String article(SchemaKey key) {
        return switch (key.type()) {
            case INTEGER -> "an";
            default -> "a";
        };
    }

    static String firstSentence(String doc) {
        int end = doc.indexOf(". ");
        return end < 0 ? doc : doc.substring(0, end + 1);
    }

    static boolean isNull(YamlNode node) {
        return node instanceof ScalarNode scalar && scalar.kind() == ScalarNode.Kind.NULL;
    }

    static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
