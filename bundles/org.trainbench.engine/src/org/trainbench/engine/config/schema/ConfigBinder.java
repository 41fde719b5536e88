package org.trainbench.engine.config.schema;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.trainbench.engine.config.preparation.PreparationConfig;
import org.trainbench.engine.config.training.TrainingConfig;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SequenceNode;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;

/**
 * Builds the typed config records from a config tree: legacy keys migrated ({@link LegacyMigration}), defaults
 * applied, values converted to their declared types. Unknown keys are ignored here (the checker reports them); a
 * value of the wrong type, or a missing required key, is a {@link ConfigBindingException}. Run the checker first for
 * the full list of problems with positions; the binder stops at the first.
 */
public final class ConfigBinder {

    private ConfigBinder() {
    }

    /** The training config of a tree. */
    public static TrainingConfig training(YamlNode root) throws ConfigBindingException {
        return bind(LegacyMigration.migrate(root), TrainingConfig.class);
    }

    /** The data-preparation config of a tree. */
    public static PreparationConfig preparation(YamlNode root) throws ConfigBindingException {
        return bind(FormMapping.toEngineForm(root), PreparationConfig.class);
    }

    /** Binds a tree to any config record (used for sub-sections too, e.g. the architecture alone). */
    public static <T extends Record> T bind(YamlNode root, Class<T> type) throws ConfigBindingException {
        SchemaKey schema = ConfigSchema.of(type);
        if (!(root instanceof MappingNode) && !(root instanceof ScalarNode s && s.kind() == ScalarNode.Kind.NULL)) {
            throw new ConfigBindingException("", root.range(), "expected a mapping of config sections, found a "
                    + describe(root));
        }
        return type.cast(section(schema, root, ""));
    }

    /**
     * The dotted paths of every key written in a tree, after legacy migration (e.g. {@code model.base_model.transformer.hidden_size}):
     * lets engine code tell a value written in the config from a default, e.g. to let written architecture keys
     * override a pretrained model's.
     */
    public static Set<String> writtenKeys(YamlNode root) {
        Set<String> keys = new LinkedHashSet<>();
        collectKeys(LegacyMigration.migrate(root), "", keys);
        return keys;
    }

    private static void collectKeys(YamlNode node, String prefix, Set<String> keys) {
        if (node instanceof MappingNode mapping) {
            for (MappingNode.Entry entry : mapping.entries()) {
                String path = prefix.isEmpty() ? entry.name() : prefix + "." + entry.name();
                keys.add(path);
                collectKeys(entry.value(), path, keys);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ binding

    private static Object section(SchemaKey schema, YamlNode node, String path) throws ConfigBindingException {
        MappingNode mapping = node instanceof MappingNode m ? m : null;
        if (mapping == null && !isNull(node)) {
            throw new ConfigBindingException(path, node.range(), "expected a section (key: value lines), found a " + describe(node));
        }
        List<SchemaKey> children = schema.children();
        Object[] arguments = new Object[children.size()];
        Class<?>[] types = new Class<?>[children.size()];
        for (int i = 0; i < children.size(); i++) {
            SchemaKey child = children.get(i);
            RecordComponent component = child.component();
            types[i] = component.getType();
            String childPath = path.isEmpty() ? child.name() : path + "." + child.name();
            Optional<YamlNode> value = mapping == null ? Optional.empty() : mapping.get(child.name());
            arguments[i] = value.isPresent() && !isNull(value.get())
                    ? value(child, value.get(), childPath)
                    : absent(child, childPath, mapping == null ? node.range() : mapping.range(), types[i]);
        }
        try {
            Constructor<?> constructor = schema.javaType().getDeclaredConstructor(types);
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw new ConfigBindingException(path, node.range(), "invalid section: " + e.getCause().getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("config record " + schema.javaType().getName() + " cannot be built", e);
        }
    }

    /** The value of a key that is not written (or written as null). */
    private static Object absent(SchemaKey key, String path, SourceRange parentRange, Class<?> javaType)
            throws ConfigBindingException {
        if (key.defaultValue().isPresent()) {
            try {
                return value(key, YamlParser.parse(key.defaultValue().get()), path);
            } catch (YamlSyntaxException e) {
                throw new IllegalStateException("invalid @Default of " + path, e);
            }
        }
        if (key.required()) {
            throw new ConfigBindingException(path, parentRange, "required key is missing: " + key.doc());
        }
        if (key.type() == ValueType.SECTION && !key.optionalSection() && !key.isLegacy()) {
            return section(key, ScalarNode.empty(parentRange), path);
        }
        if (javaType.isPrimitive()) {
            throw new IllegalStateException(path + ": primitive without default");
        }
        return null;
    }

    private static Object value(SchemaKey key, YamlNode node, String path) throws ConfigBindingException {
        return switch (key.type()) {
            case SECTION -> section(key, node, path);
            case MAP -> {
                if (!(node instanceof MappingNode mapping)) {
                    throw mismatch(key, node, path);
                }
                Map<String, Object> map = new LinkedHashMap<>();
                for (MappingNode.Entry entry : mapping.entries()) {
                    String entryPath = path + "." + entry.name();
                    map.put(entry.name(), isNull(entry.value()) && key.element().type() == ValueType.SECTION
                            ? section(key.element(), entry.value(), entryPath)
                            : value(key.element(), entry.value(), entryPath));
                }
                yield map;
            }
            case LIST -> {
                if (!(node instanceof SequenceNode sequence)) {
                    throw mismatch(key, node, path);
                }
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < sequence.items().size(); i++) {
                    list.add(value(key.element(), sequence.items().get(i), path + "[" + i + "]"));
                }
                yield list;
            }
            default -> scalar(key, node, path);
        };
    }

    private static Object scalar(SchemaKey key, YamlNode node, String path) throws ConfigBindingException {
        if (!(node instanceof ScalarNode scalar)) {
            throw mismatch(key, node, path);
        }
        Object value = scalar.value();
        Class<?> javaType = key.javaType();
        switch (key.type()) {
            case INTEGER -> {
                if (scalar.kind() != ScalarNode.Kind.INTEGER) {
                    throw mismatch(key, node, path);
                }
                BigInteger integer = value instanceof BigInteger big ? big : BigInteger.valueOf((Long) value);
                boolean isInt = javaType == int.class || javaType == Integer.class;
                if (integer.bitLength() >= (isInt ? 32 : 64)) {
                    throw new ConfigBindingException(path, node.range(), scalar.text() + " is too large for an integer key");
                }
                checkRange(key, integer.doubleValue(), scalar, path);
                return isInt ? (Object) integer.intValue() : (Object) integer.longValue();
            }
            case FLOAT -> {
                if (scalar.kind() != ScalarNode.Kind.INTEGER && scalar.kind() != ScalarNode.Kind.FLOAT) {
                    throw mismatch(key, node, path);
                }
                double number = ((Number) value).doubleValue();
                checkRange(key, number, scalar, path);
                return number;
            }
            case BOOLEAN -> {
                if (scalar.kind() != ScalarNode.Kind.BOOLEAN) {
                    throw mismatch(key, node, path);
                }
                return value;
            }
            case STRING -> {
                if (scalar.kind() != ScalarNode.Kind.STRING) {
                    throw mismatch(key, node, path);
                }
                return value;
            }
            case PATH -> {
                if (scalar.kind() != ScalarNode.Kind.STRING) {
                    throw mismatch(key, node, path);
                }
                try {
                    return Path.of(scalar.text());
                } catch (InvalidPathException e) {
                    throw new ConfigBindingException(path, node.range(), "not a valid path: " + e.getReason());
                }
            }
            case CHOICE -> {
                if (scalar.kind() != ScalarNode.Kind.STRING || !key.acceptedValues().contains(scalar.text())) {
                    throw new ConfigBindingException(path, node.range(), "expected " + key.typeDescription() + ", found "
                            + scalar.displayText());
                }
                if (javaType.isEnum()) {
                    for (Object constant : javaType.getEnumConstants()) {
                        ConfigChoice choice = (ConfigChoice) constant;
                        if (choice.yamlName().equals(scalar.text()) || choice.aliases().contains(scalar.text())) {
                            return constant;
                        }
                    }
                }
                return scalar.text();
            }
            default -> throw new IllegalStateException("not a scalar type: " + key.type());
        }
    }

    private static void checkRange(SchemaKey key, double value, ScalarNode scalar, String path) throws ConfigBindingException {
        if (key.range().isPresent() && !key.range().get().contains(value)) {
            throw new ConfigBindingException(path, scalar.range(), "expected a value " + key.range().get().describe()
                    + ", found " + scalar.text());
        }
    }

    private static ConfigBindingException mismatch(SchemaKey key, YamlNode node, String path) {
        return new ConfigBindingException(path, node.range(), "expected " + key.typeDescription() + ", found " + describe(node));
    }

    private static boolean isNull(YamlNode node) {
        return node instanceof ScalarNode scalar && scalar.kind() == ScalarNode.Kind.NULL;
    }

    /** "mapping", "list", "string 'abc'", "integer 3", ... for messages. */
    static String describe(YamlNode node) {
        return switch (node) {
            case MappingNode mapping -> "mapping";
            case SequenceNode sequence -> "list";
            case ScalarNode scalar -> switch (scalar.kind()) {
                case NULL -> "null";
                case BOOLEAN -> "boolean " + scalar.text();
                case INTEGER -> "integer " + scalar.text();
                case FLOAT -> "number " + scalar.text();
                case TIMESTAMP -> "date " + scalar.text();
                case STRING -> "string " + scalar.displayText();
            };
        };
    }
}
