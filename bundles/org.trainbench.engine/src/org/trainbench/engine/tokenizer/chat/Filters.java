package org.trainbench.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Jinja filters, tests and Python string/dict/list methods for {@link ChatTemplate}. */
final class Filters {
    private Filters() {
    }

    private static String str(Object value) {
        return Values.pyStr(value);
    }

    private static boolean isString(Object value) {
        return value instanceof String || value instanceof MarkedText;
    }

    static Object apply(String name, Object value, List<Object> args, Map<String, Object> kwargs) {
        switch (name) {
            case "trim":
            case "strip":
                if (value instanceof MarkedText m) {
                    return m.strip(true, true, args.isEmpty() ? null : str(args.getFirst()));
                }
                return stripString(str(value), true, true, args.isEmpty() ? null : str(args.getFirst()));
            case "length":
            case "count":
                if (value instanceof List<?> l) {
                    return (long) l.size();
                }
                if (value instanceof Map<?, ?> m) {
                    return (long) m.size();
                }
                if (isString(value)) {
                    return (long) str(value).codePointCount(0, str(value).length());
                }
                if (value == Undefined.INSTANCE) {
                    return 0L;
                }
                throw new ChatTemplateException("length of " + Values.typeName(value));
            case "upper":
                return str(value).toUpperCase(Locale.ROOT);
            case "lower":
                return str(value).toLowerCase(Locale.ROOT);
            case "title":
                return title(str(value));
            case "capitalize": {
                String s = str(value);
                return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            }
            case "join": {
                String separator = args.isEmpty() ? "" : str(args.getFirst());
                Object result = "";
                boolean first = true;
                for (Object item : Values.iterate(value)) {
                    if (!first) {
                        result = MarkedText.concat(result, separator);
                    }
                    first = false;
                    result = MarkedText.concat(result, kwargs.containsKey("attribute")
                            ? attribute(item, str(kwargs.get("attribute"))) : item);
                }
                return result;
            }
            case "tojson": {
                Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.isEmpty() ? null : args.getFirst();
                return toJson(value, indent == null ? -1 : ((Number) indent).intValue(), 0);
            }
            case "items":
                if (value instanceof Map<?, ?> m) {
                    List<Object> items = new ArrayList<>();
                    m.forEach((k, v) -> items.add(List.of(k, v == null ? nullMarker() : v)));
                    return unwrapNulls(items);
                }
                throw new ChatTemplateException("items of " + Values.typeName(value));
            case "list":
                return Values.iterate(value);
            case "first": {
                List<Object> items = Values.iterate(value);
                return items.isEmpty() ? Undefined.INSTANCE : items.getFirst();
            }
            case "last": {
                List<Object> items = Values.iterate(value);
                return items.isEmpty() ? Undefined.INSTANCE : items.getLast();
            }
            case "reverse": {
                if (isString(value)) {
                    return new StringBuilder(str(value)).reverse().toString();
                }
                List<Object> items = Values.iterate(value);
                java.util.Collections.reverse(items);
                return items;
            }
            case "default":
            case "d": {
                boolean boolean_ = args.size() > 1 && Values.truthy(args.get(1));
                boolean missing = value == Undefined.INSTANCE || (boolean_ && !Values.truthy(value));
                return missing ? (args.isEmpty() ? "" : args.getFirst()) : value;
            }
            case "string":
                return value instanceof MarkedText ? value : str(value);
            case "safe":
            case "e":
            case "escape":
                return value;
            case "int":
                if (value instanceof Number n) {
                    return (long) n.doubleValue();
                }
                try {
                    return Long.parseLong(str(value).strip());
                } catch (NumberFormatException e) {
                    return 0L;
                }
            case "float":
                if (value instanceof Number n) {
                    return n.doubleValue();
                }
                try {
                    return Double.parseDouble(str(value).strip());
                } catch (NumberFormatException e) {
                    return 0.0;
                }
            case "abs":
                return value instanceof Long l ? Math.abs(l) : Math.abs(Values.toDouble(value));
            case "round":
                return (double) Math.round(Values.toDouble(value));
            case "sum": {
                Object total = 0L;
                for (Object item : Values.iterate(value)) {
                    total = total instanceof Long a && item instanceof Long b ? (Object) (a + b)
                            : (Object) (Values.toDouble(total) + Values.toDouble(item));
                }
                return total;
            }
            case "unique":
                return new ArrayList<>(new LinkedHashSet<>(Values.iterate(value)));
            case "sort": {
                List<Object> items = Values.iterate(value);
                items.sort((a, b) -> a instanceof Number x && b instanceof Number y
                        ? Double.compare(x.doubleValue(), y.doubleValue()) : str(a).compareTo(str(b)));
                return items;
            }
            case "dictsort": {
                List<Object> items = new ArrayList<>();
                ((Map<?, ?>) value).entrySet().stream().sorted((a, b) -> str(a.getKey()).compareTo(str(b.getKey())))
                        .forEach(e -> items.add(java.util.Arrays.asList(e.getKey(), e.getValue())));
                return items;
            }
            case "replace": {
                String from = str(args.get(0));
                String to = str(args.get(1));
                return str(value).replace(from, to);
            }
            case "indent": {
                int width = args.isEmpty() ? 4 : ((Number) args.getFirst()).intValue();
                String pad = " ".repeat(width);
                return str(value).replace("\n", "\n" + pad);
            }
            case "wordcount":
                return (long) str(value).strip().split("\\s+").length;
            case "select":
            case "reject": {
                List<Object> out = new ArrayList<>();
                String test = args.isEmpty() ? "true" : str(args.getFirst());
                List<Object> testArgs = args.size() > 1 ? args.subList(1, args.size()) : List.of();
                for (Object item : Values.iterate(value)) {
                    boolean passes = args.isEmpty() ? Values.truthy(item) : test(test, item, testArgs);
                    if (passes == name.equals("select")) {
                        out.add(item);
                    }
                }
                return out;
            }
            case "selectattr":
            case "rejectattr": {
                List<Object> out = new ArrayList<>();
                String attr = str(args.getFirst());
                String test = args.size() > 1 ? str(args.get(1)) : null;
                List<Object> testArgs = args.size() > 2 ? args.subList(2, args.size()) : List.of();
                for (Object item : Values.iterate(value)) {
                    Object v = attribute(item, attr);
                    boolean passes = test == null ? Values.truthy(v) : test(test, v, testArgs);
                    if (passes == name.equals("selectattr")) {
                        out.add(item);
                    }
                }
                return out;
            }
            case "map": {
                List<Object> out = new ArrayList<>();
                for (Object item : Values.iterate(value)) {
                    if (kwargs.containsKey("attribute")) {
                        Object v = attribute(item, str(kwargs.get("attribute")));
                        out.add(v == Undefined.INSTANCE && kwargs.containsKey("default") ? kwargs.get("default") : v);
                    } else {
                        out.add(apply(str(args.getFirst()), item, args.subList(1, args.size()), Map.of()));
                    }
                }
                return out;
            }
            default:
                throw new ChatTemplateException("the filter '" + name + "' is not supported by Trainbench's chat-template interpreter");
        }
    }

    // Map.of-style lists cannot hold null; items() keeps None values through this marker.
    private static final Object NULL = new Object();

    private static Object nullMarker() {
        return NULL;
    }

    private static List<Object> unwrapNulls(List<Object> items) {
        List<Object> out = new ArrayList<>();
        for (Object item : items) {
            List<?> pair = (List<?>) item;
            out.add(java.util.Arrays.asList(pair.get(0), pair.get(1) == NULL ? null : pair.get(1)));
        }
        return out;
    }

    private static Object attribute(Object item, String name) {
        if (item instanceof Map<?, ?> map) {
            Object current = map;
            for (String part : name.split("\\.")) {
                if (!(current instanceof Map<?, ?> m) || !m.containsKey(part)) {
                    return Undefined.INSTANCE;
                }
                current = m.get(part);
            }
            return current;
        }
        return Undefined.INSTANCE;
    }

    static boolean test(String name, Object value, List<Object> args) {
        return switch (name) {
            case "defined" -> value != Undefined.INSTANCE;
            case "undefined" -> value == Undefined.INSTANCE;
            case "none" -> value == null;
            case "string" -> isString(value);
            case "mapping" -> value instanceof Map<?, ?>;
            case "iterable" -> value instanceof List<?> || value instanceof Map<?, ?> || isString(value);
            case "sequence" -> value instanceof List<?> || value instanceof Map<?, ?> || isString(value);
            case "number" -> value instanceof Number;
            case "integer" -> value instanceof Long;
            case "float" -> value instanceof Double;
            case "boolean" -> value instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(value);
            case "false" -> Boolean.FALSE.equals(value);
            case "equalto", "eq", "==", "sameas" -> Values.pyEquals(value, args.getFirst());
            case "ne", "!=" -> !Values.pyEquals(value, args.getFirst());
            case "odd" -> value instanceof Long l && l % 2 != 0;
            case "even" -> value instanceof Long l && l % 2 == 0;
            case "in" -> args.getFirst() instanceof List<?> l ? l.stream().anyMatch(x -> Values.pyEquals(x, value))
                    : str(args.getFirst()).contains(str(value));
            case "lower" -> str(value).equals(str(value).toLowerCase(Locale.ROOT));
            case "upper" -> str(value).equals(str(value).toUpperCase(Locale.ROOT));
            default -> throw new ChatTemplateException("the test '" + name + "' is not supported by Trainbench's chat-template interpreter");
        };
    }

    static Object method(Object target, String name, List<Object> args) {
        if (isString(target)) {
            String s = str(target);
            switch (name) {
                case "strip", "lstrip", "rstrip" -> {
                    String chars = args.isEmpty() || args.getFirst() == null ? null : str(args.getFirst());
                    boolean left = !name.equals("rstrip");
                    boolean right = !name.equals("lstrip");
                    return target instanceof MarkedText m ? m.strip(left, right, chars) : stripString(s, left, right, chars);
                }
                case "upper" -> {
                    return s.toUpperCase(Locale.ROOT);
                }
                case "lower" -> {
                    return s.toLowerCase(Locale.ROOT);
                }
                case "title" -> {
                    return title(s);
                }
                case "capitalize" -> {
                    return apply("capitalize", s, List.of(), Map.of());
                }
                case "startswith" -> {
                    return s.startsWith(str(args.getFirst()));
                }
                case "endswith" -> {
                    return s.endsWith(str(args.getFirst()));
                }
                case "replace" -> {
                    return s.replace(str(args.get(0)), str(args.get(1)));
                }
                case "split" -> {
                    List<Object> parts = new ArrayList<>();
                    if (args.isEmpty() || args.getFirst() == null) {
                        for (String part : s.strip().split("\\s+")) {
                            if (!part.isEmpty()) {
                                parts.add(part);
                            }
                        }
                    } else {
                        String separator = str(args.getFirst());
                        int from = 0;
                        int at;
                        while ((at = s.indexOf(separator, from)) >= 0) {
                            parts.add(s.substring(from, at));
                            from = at + separator.length();
                        }
                        parts.add(s.substring(from));
                    }
                    return parts;
                }
                default -> throw new ChatTemplateException("the string method '" + name + "' is not supported");
            }
        }
        if (target instanceof Map<?, ?> map) {
            switch (name) {
                case "items" -> {
                    return apply("items", map, List.of(), Map.of());
                }
                case "keys" -> {
                    return new ArrayList<Object>(map.keySet());
                }
                case "values" -> {
                    return new ArrayList<Object>(map.values());
                }
                case "get" -> {
                    Object key = str(args.getFirst());
                    return map.containsKey(key) ? map.get(key) : args.size() > 1 ? args.get(1) : null;
                }
                default -> throw new ChatTemplateException("the dict method '" + name + "' is not supported");
            }
        }
        throw new ChatTemplateException("the method '" + name + "' of " + Values.typeName(target) + " is not supported");
    }

    private static String stripString(String s, boolean left, boolean right, String chars) {
        return new MarkedText(s, new java.util.BitSet()).strip(left, right, chars).text;
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder();
        boolean start = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetterOrDigit(c);
        }
        return out.toString();
    }

    /** Python's repr of a float. */
    static String pyFloat(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return String.format(Locale.ROOT, "%.1f", d);
        }
        String s = Double.toString(d);
        return s.replace("E", "e");
    }

    /** Python's repr of lists, dicts and scalars (as str() of a container prints its items). */
    static String pyRepr(Object value) {
        StringBuilder out = new StringBuilder();
        repr(out, value);
        return out.toString();
    }

    private static void repr(StringBuilder out, Object value) {
        switch (value) {
            case String s -> out.append(pyQuote(s));
            case MarkedText m -> out.append(pyQuote(m.text));
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(", ");
                    }
                    repr(out, list.get(i));
                }
                out.append(']');
            }
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        out.append(", ");
                    }
                    first = false;
                    repr(out, e.getKey());
                    out.append(": ");
                    repr(out, e.getValue());
                }
                out.append('}');
            }
            default -> out.append(Values.pyStr(value));
        }
    }

    private static String pyQuote(String s) {
        boolean useDouble = s.contains("'") && !s.contains("\"");
        char q = useDouble ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c == q) {
                        out.append('\\').append(c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append(q).toString();
    }

    /** Python's json.dumps(value, ensure_ascii=False, indent=indent), as transformers' tojson filter calls it. */
    static String toJson(Object value, int indent, int depth) {
        StringBuilder out = new StringBuilder();
        json(out, value, indent, depth);
        return out.toString();
    }

    private static void json(StringBuilder out, Object value, int indent, int depth) {
        switch (value) {
            case null -> out.append("null");
            case Undefined u -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Long l -> out.append(l);
            case Double d -> out.append(pyFloat(d).replace("inf", "Infinity").replace("nan", "NaN"));
            case String s -> org.trainbench.engine.json.Json.quote(out, s);
            case MarkedText m -> org.trainbench.engine.json.Json.quote(out, m.text);
            case List<?> list -> {
                if (list.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(indent >= 0 ? "," : ", ");
                    }
                    newline(out, indent, depth + 1);
                    json(out, list.get(i), indent, depth + 1);
                }
                newline(out, indent, depth);
                out.append(']');
            }
            case Map<?, ?> map -> {
                if (map.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        out.append(indent >= 0 ? "," : ", ");
                    }
                    first = false;
                    newline(out, indent, depth + 1);
                    org.trainbench.engine.json.Json.quote(out, str(e.getKey()));
                    out.append(": ");
                    json(out, e.getValue(), indent, depth + 1);
                }
                newline(out, indent, depth);
                out.append('}');
            }
            default -> org.trainbench.engine.json.Json.quote(out, value.toString());
        }
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    static Map<String, Object> orderedCopy(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(str(k), v));
        return copy;
    }
}
