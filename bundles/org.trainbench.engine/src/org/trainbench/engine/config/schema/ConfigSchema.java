package org.trainbench.engine.config.schema;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.trainbench.engine.config.preparation.PreparationConfig;
import org.trainbench.engine.config.training.TrainingConfig;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.ScalarResolution;

/**
 * The config schema, read once by reflection from the annotated config records ({@link TrainingConfig},
 * {@link PreparationConfig} and what they hold). The records are the single declaration: the checker, the binder,
 * the editor's completion and hover, and CLI help all come through here.
 */
public final class ConfigSchema {

    private static final Map<Class<?>, SchemaKey> ROOTS = new ConcurrentHashMap<>();

    private ConfigSchema() {
    }

    /** The root of training configs. */
    public static SchemaKey training() {
        return of(TrainingConfig.class);
    }

    /** The root of data-preparation configs. */
    public static SchemaKey preparation() {
        return of(PreparationConfig.class);
    }

    /** The root for a config kind; {@link ConfigKind#UNKNOWN} has none. */
    public static Optional<SchemaKey> root(ConfigKind kind) {
        return switch (kind) {
            case TRAINING -> Optional.of(training());
            case PREPARATION -> Optional.of(preparation());
            case UNKNOWN -> Optional.empty();
        };
    }

    /** The schema declared by a config record, as a root section. */
    public static SchemaKey of(Class<? extends Record> type) {
        return ROOTS.computeIfAbsent(type, t -> {
            SchemaKey root = new SchemaKey("", "", ValueType.SECTION, t, doc(t.getAnnotation(Doc.class)), null, null,
                    null, List.of(), List.of(), List.of(), List.of(), false, false, false, false, null, java.util.Set.of(), null, null);
            root.setChildren(children(t, ""));
            return root;
        });
    }

    /** The key at a path of YAML keys below {@code root} (map entries match any name). */
    public static Optional<SchemaKey> lookup(SchemaKey root, List<String> keyPath) {
        SchemaKey key = root;
        for (String step : keyPath) {
            Optional<SchemaKey> next = key.step(step);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            key = next.get();
        }
        return Optional.of(key);
    }

    /** The key at a dotted path ({@code model.base_model.transformer.hidden_size}) of a config kind. */
    public static Optional<SchemaKey> lookup(ConfigKind kind, String dottedPath) {
        return root(kind).flatMap(root -> lookup(root, dottedPath.isEmpty() ? List.of() : List.of(dottedPath.split("\\."))));
    }

    /** Every key below {@code root}, depth first in declaration order (map entries and list items included). */
    public static List<SchemaKey> allKeys(SchemaKey root) {
        List<SchemaKey> keys = new ArrayList<>();
        collect(root, keys);
        return keys;
    }

    private static void collect(SchemaKey key, List<SchemaKey> keys) {
        for (SchemaKey child : key.children()) {
            keys.add(child);
            collect(child, keys);
        }
        if (key.element() != null) {
            keys.add(key.element());
            collect(key.element(), keys);
        }
    }

    /** The YAML name of a record component: {@link Key} if given, else the component name in snake_case. */
    public static String yamlName(RecordComponent component) {
        Key key = component.getAnnotation(Key.class);
        if (key != null) {
            return key.value();
        }
        StringBuilder name = new StringBuilder();
        for (char c : component.getName().toCharArray()) {
            if (Character.isUpperCase(c)) {
                name.append('_').append(Character.toLowerCase(c));
            } else {
                name.append(c);
            }
        }
        return name.toString();
    }

    // -------------------------------------------------------------------------------------------- reflection

    private static List<SchemaKey> children(Class<?> record, String parentPath) {
        List<SchemaKey> children = new ArrayList<>();
        for (RecordComponent component : record.getRecordComponents()) {
            children.add(key(component, parentPath));
        }
        return children;
    }

    private static SchemaKey key(RecordComponent component, String parentPath) {
        String name = yamlName(component);
        String path = parentPath.isEmpty() ? name : parentPath + "." + name;
        Class<?> raw = component.getType();
        Default literal = component.getAnnotation(Default.class);
        DerivedDefault derived = component.getAnnotation(DerivedDefault.class);
        Legacy legacy = component.getAnnotation(Legacy.class);
        String where = component.getDeclaringRecord().getSimpleName() + "." + component.getName();
        if (component.getAnnotation(Doc.class) == null) {
            throw new IllegalStateException(where + " has no @Doc: every config key is documented");
        }
        if (raw.isPrimitive() && literal == null && component.getAnnotation(Required.class) == null) {
            throw new IllegalStateException(where + " is primitive but has neither @Default nor @Required");
        }
        SchemaKey key = create(name, path, component.getGenericType(), component, legacy == null ? null
                : new SchemaKey.LegacyInfo(resolveRelative(parentPath, legacy.replacedBy()), legacy.note()), false);
        if (literal != null && !literalFits(literal.value(), key)) {
            throw new IllegalStateException(where + ": @Default(\"" + literal.value() + "\") is not a valid " + key.typeDescription());
        }
        if (literal != null && derived != null) {
            throw new IllegalStateException(where + " has both @Default and @DerivedDefault");
        }
        return key;
    }

    /**
     * The key for a component, or ({@code element}) for the values of a component's map or list, which share the
     * component's range and allowed values but not its doc, default or requiredness.
     */
    private static SchemaKey create(String name, String path, Type type, RecordComponent component,
            SchemaKey.LegacyInfo legacy, boolean element) {
        Class<?> raw = rawClass(type);
        ValueType valueType = valueType(raw, component);
        Range range = component.getAnnotation(Range.class);
        SchemaKey.NumericRange numericRange = range == null || (valueType != ValueType.INTEGER && valueType != ValueType.FLOAT)
                ? null : new SchemaKey.NumericRange(range.min(), range.max(), range.minExclusive(), range.maxExclusive());
        List<String> allowed = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        List<String> valueDocs = new ArrayList<>();
        if (raw.isEnum() && ConfigChoice.class.isAssignableFrom(raw)) {
            for (Object constant : raw.getEnumConstants()) {
                ConfigChoice choice = (ConfigChoice) constant;
                allowed.add(choice.yamlName());
                valueDocs.add(choice.doc());
                accepted.add(choice.yamlName());
                accepted.addAll(choice.aliases());
            }
        }
        AllowedValues allowedValues = component.getAnnotation(AllowedValues.class);
        if (allowedValues != null && valueType == ValueType.STRING) {
            allowed.addAll(Arrays.asList(allowedValues.value()));
            accepted.addAll(Arrays.asList(allowedValues.value()));
            for (int i = 0; i < allowedValues.value().length; i++) {
                valueDocs.add("");
            }
            valueType = ValueType.CHOICE;
        }
        Default literal = element ? null : component.getAnnotation(Default.class);
        DerivedDefault derived = element ? null : component.getAnnotation(DerivedDefault.class);
        InputPath inputPath = component.getAnnotation(InputPath.class);
        EngineSupports supports = component.getAnnotation(EngineSupports.class);
        Versions versions = element ? null : component.getAnnotation(Versions.class);
        NotHonoured notHonoured = element ? null : component.getAnnotation(NotHonoured.class);
        SchemaKey key = new SchemaKey(name, path, valueType, raw,
                element ? "" : doc(component.getAnnotation(Doc.class)),
                literal == null ? null : literal.value(), derived == null ? null : derived.value(),
                numericRange, allowed, accepted, valueDocs,
                supports == null ? List.of() : Arrays.asList(supports.value()),
                !element && component.getAnnotation(Required.class) != null,
                !element && component.getAnnotation(OptionalSection.class) != null,
                inputPath != null && (valueType == ValueType.PATH || valueType == ValueType.STRING),
                inputPath != null && inputPath.hubNameAllowed(), element ? null : legacy,
                versions == null ? java.util.Set.of() : java.util.Set.of(versions.value()),
                notHonoured == null ? null : new SchemaKey.NotHonouredInfo(notHonoured.value(), notHonoured.changesResults(),
                        Arrays.asList(notHonoured.accepts())), component);
        switch (valueType) {
            case SECTION -> key.setChildren(children(raw, path));
            case MAP -> key.setElement(create("<name>", path + ".*", typeArgument(type, 1), component, null, true));
            case LIST -> key.setElement(create("<item>", path + ".*", typeArgument(type, 0), component, null, true));
            default -> {
            }
        }
        return key;
    }

    private static ValueType valueType(Class<?> raw, RecordComponent component) {
        if (raw.isRecord()) {
            return ValueType.SECTION;
        }
        if (Map.class.isAssignableFrom(raw)) {
            return ValueType.MAP;
        }
        if (List.class.isAssignableFrom(raw)) {
            return ValueType.LIST;
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return ValueType.INTEGER;
        }
        if (raw == double.class || raw == Double.class) {
            return ValueType.FLOAT;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return ValueType.BOOLEAN;
        }
        if (raw == String.class) {
            return ValueType.STRING;
        }
        if (raw == Path.class) {
            return ValueType.PATH;
        }
        if (raw.isEnum() && ConfigChoice.class.isAssignableFrom(raw)) {
            return ValueType.CHOICE;
        }
        throw new IllegalStateException(component.getDeclaringRecord().getSimpleName() + "." + component.getName()
                + ": type " + raw.getName() + " is not a config type");
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported config type " + type);
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[index];
        }
        throw new IllegalStateException("raw collection type in a config record: " + type);
    }

    private static String resolveRelative(String parentPath, String relative) {
        return parentPath.isEmpty() ? relative : parentPath + "." + relative;
    }

    private static String doc(Doc doc) {
        return doc == null ? "" : doc.value();
    }

    /** Whether a @Default literal is a valid value of the key (checked when the schema is built). */
    private static boolean literalFits(String literal, SchemaKey key) {
        ScalarNode.Kind kind = ScalarResolution.kind(literal);
        return switch (key.type()) {
            case INTEGER -> kind == ScalarNode.Kind.INTEGER;
            case FLOAT -> kind == ScalarNode.Kind.INTEGER || kind == ScalarNode.Kind.FLOAT;
            case BOOLEAN -> kind == ScalarNode.Kind.BOOLEAN;
            case CHOICE -> key.acceptedValues().contains(literal);
            case STRING, PATH -> kind == ScalarNode.Kind.STRING;
            default -> false;
        };
    }
}
