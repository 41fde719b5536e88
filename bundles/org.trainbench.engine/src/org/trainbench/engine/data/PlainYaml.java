package org.trainbench.engine.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The plain subset of YAML that dataset config files ({@code fast_llm_config_<split>.yaml}, as PyYAML's
 * {@code safe_dump} writes them) and data-preparation configs use: block mappings and sequences (a sequence may sit at
 * its key's indentation), flow sequences and mappings on one line, quoted and plain scalars, comments, a leading
 * {@code ---}. Scalars follow YAML 1.1 as PyYAML reads them: {@code yes/no/on/off/true/false} are booleans,
 * {@code 100_000} is an integer, {@code ~}/{@code null} is null. Anchors, tags, multi-line and block scalars are
 * reported as unsupported, with the line.
 * <p>
 * Kept deliberately small so the data package does not depend on the engine's full config loader; results are
 * {@code Map<String, Object>} (insertion ordered), {@code List<Object>}, String, Long, Double, Boolean or null.
 */
public final class PlainYaml {

    private record Line(int number, int indent, String content) {
    }

    private final String source;
    private final List<Line> lines = new ArrayList<>();
    private int position;

    private PlainYaml(String source, String text) {
        this.source = source;
        String[] raw = text.split("\r?\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String line = stripComment(raw[i]);
            if (line.isBlank() || line.strip().equals("---") || line.strip().equals("...")) {
                continue;
            }
            if (line.indexOf('\t') >= 0 && line.substring(0, line.length() - line.stripLeading().length()).indexOf('\t') >= 0) {
                throw error(i + 1, "tabs are not allowed for indentation in YAML; indent with spaces");
            }
            int indent = line.length() - line.stripLeading().length();
            lines.add(new Line(i + 1, indent, line.strip()));
        }
    }

    /** Parses a document; {@code source} (usually the file path) prefixes every error message. */
    public static Object parse(String text, String source) {
        PlainYaml yaml = new PlainYaml(source, text);
        if (yaml.lines.isEmpty()) {
            return null;
        }
        Object value = yaml.parseNode(yaml.lines.getFirst().indent());
        if (yaml.position < yaml.lines.size()) {
            Line extra = yaml.lines.get(yaml.position);
            throw yaml.error(extra.number(), "unexpected content at indentation " + extra.indent() + ": \"" + extra.content()
                    + "\" (check the indentation of this line)");
        }
        return value;
    }

    private IllegalArgumentException error(int line, String problem) {
        return new IllegalArgumentException(source + ":" + line + ": " + problem);
    }

    private static String stripComment(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single && (i == 0 || line.charAt(i - 1) != '\\')) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static boolean isSequenceEntry(String content) {
        return content.equals("-") || content.startsWith("- ");
    }

    private Object parseNode(int indent) {
        Line line = lines.get(position);
        if (isSequenceEntry(line.content())) {
            return parseSequence(line.indent());
        }
        if (keyEnd(line.content()) >= 0) {
            return parseMapping(line.indent());
        }
        position++;
        return parseInline(line.content(), line.number());
    }

    /** Index of the ':' that ends a mapping key on this line, or -1. */
    private static int keyEnd(String content) {
        if (content.startsWith("[") || content.startsWith("{")) {
            return -1;
        }
        int start = 0;
        if (content.startsWith("\"") || content.startsWith("'")) {
            int close = content.indexOf(content.charAt(0), 1);
            if (close < 0) {
                return -1;
            }
            start = close + 1;
        }
        for (int i = start; i < content.length(); i++) {
            if (content.charAt(i) == ':' && (i + 1 == content.length() || content.charAt(i + 1) == ' ')) {
                return i;
            }
        }
        return -1;
    }

    private Map<String, Object> parseMapping(int indent) {
        Map<String, Object> map = new LinkedHashMap<>();
        while (position < lines.size()) {
            Line line = lines.get(position);
            if (line.indent() < indent) {
                break;
            }
            if (line.indent() > indent) {
                throw error(line.number(), "unexpected indentation " + line.indent() + " (expected " + indent + ")");
            }
            if (isSequenceEntry(line.content())) {
                break;
            }
            int colon = keyEnd(line.content());
            if (colon < 0) {
                throw error(line.number(), "expected \"key: value\" but found \"" + line.content() + "\"");
            }
            String key = unquoteKey(line.content().substring(0, colon).strip(), line.number());
            String rest = line.content().substring(colon + 1).strip();
            if (map.containsKey(key)) {
                throw error(line.number(), "duplicate key \"" + key + "\"");
            }
            position++;
            Object value;
            if (!rest.isEmpty()) {
                value = parseInline(rest, line.number());
            } else if (position < lines.size() && lines.get(position).indent() > indent) {
                value = parseNode(lines.get(position).indent());
            } else if (position < lines.size() && lines.get(position).indent() == indent
                    && isSequenceEntry(lines.get(position).content())) {
                value = parseSequence(indent);
            } else {
                value = null;
            }
            map.put(key, value);
        }
        return map;
    }

    private List<Object> parseSequence(int indent) {
        List<Object> list = new ArrayList<>();
        while (position < lines.size()) {
            Line line = lines.get(position);
            if (line.indent() != indent || !isSequenceEntry(line.content())) {
                if (line.indent() > indent) {
                    throw error(line.number(), "unexpected indentation " + line.indent() + " in a list");
                }
                break;
            }
            String rest = line.content().substring(1);
            String stripped = rest.strip();
            if (stripped.isEmpty()) {
                position++;
                if (position < lines.size() && lines.get(position).indent() > indent) {
                    list.add(parseNode(lines.get(position).indent()));
                } else {
                    list.add(null);
                }
            } else if (isSequenceEntry(stripped) || keyEnd(stripped) >= 0) {
                // "- key: value" or "- - x": the entry is a block node starting at the column after the dash.
                int column = indent + 1 + (rest.length() - rest.stripLeading().length());
                lines.set(position, new Line(line.number(), column, stripped));
                list.add(parseNode(column));
            } else {
                position++;
                list.add(parseInline(stripped, line.number()));
            }
        }
        return list;
    }

    private String unquoteKey(String key, int line) {
        Object value = key.startsWith("\"") || key.startsWith("'") ? parseInline(key, line) : key;
        return String.valueOf(value);
    }

    private Object parseInline(String text, int line) {
        FlowParser parser = new FlowParser(text, line);
        Object value = parser.value(true);
        parser.skipSpaces();
        if (parser.at < text.length()) {
            throw error(line, "unexpected text after the value: \"" + text.substring(parser.at) + "\"");
        }
        return value;
    }

    private static final Pattern INTEGER = Pattern.compile("[-+]?(0|[1-9][0-9_]*)");
    private static final Pattern FLOAT = Pattern.compile("[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+");

    /** A plain (unquoted) scalar as PyYAML's safe loader types it. */
    static Object plainScalar(String text) {
        switch (text) {
            case "", "~", "null", "Null", "NULL":
                return null;
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON":
                return Boolean.TRUE;
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF":
                return Boolean.FALSE;
            case ".inf", ".Inf", ".INF", "+.inf":
                return Double.POSITIVE_INFINITY;
            case "-.inf", "-.Inf", "-.INF":
                return Double.NEGATIVE_INFINITY;
            case ".nan", ".NaN", ".NAN":
                return Double.NaN;
            default:
                break;
        }
        if (INTEGER.matcher(text).matches()) {
            try {
                return Long.parseLong(text.replace("_", ""));
            } catch (NumberFormatException e) {
                return text;
            }
        }
        if (FLOAT.matcher(text).matches() && !text.equals(".") && !text.equals("-.") && !text.equals("+.")) {
            return Double.parseDouble(text.replace("_", ""));
        }
        return text;
    }

    private final class FlowParser {
        private final String text;
        private final int line;
        private int at;

        FlowParser(String text, int line) {
            this.text = text;
            this.line = line;
        }

        void skipSpaces() {
            while (at < text.length() && text.charAt(at) == ' ') {
                at++;
            }
        }

        Object value(boolean topLevel) {
            skipSpaces();
            if (at >= text.length()) {
                return null;
            }
            char c = text.charAt(at);
            return switch (c) {
                case '[' -> sequence();
                case '{' -> mapping();
                case '"' -> doubleQuoted();
                case '\'' -> singleQuoted();
                case '&', '*', '!', '|', '>' -> throw error(line, "YAML feature '" + c + "' (anchors, aliases, tags, block scalars) is not supported here");
                default -> plain(topLevel);
            };
        }

        private Object plain(boolean topLevel) {
            int start = at;
            while (at < text.length()) {
                char c = text.charAt(at);
                if (!topLevel && (c == ',' || c == ']' || c == '}' || (c == ':' && (at + 1 == text.length() || text.charAt(at + 1) == ' ')))) {
                    break;
                }
                at++;
            }
            return plainScalar(text.substring(start, at).strip());
        }

        private List<Object> sequence() {
            at++;
            List<Object> list = new ArrayList<>();
            skipSpaces();
            if (at < text.length() && text.charAt(at) == ']') {
                at++;
                return list;
            }
            while (true) {
                list.add(value(false));
                skipSpaces();
                if (at >= text.length()) {
                    throw error(line, "unclosed '[' (flow sequences must fit on one line here)");
                }
                char c = text.charAt(at++);
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    throw error(line, "expected ',' or ']' in a flow sequence but found '" + c + "'");
                }
            }
        }

        private Map<String, Object> mapping() {
            at++;
            Map<String, Object> map = new LinkedHashMap<>();
            skipSpaces();
            if (at < text.length() && text.charAt(at) == '}') {
                at++;
                return map;
            }
            while (true) {
                Object key = value(false);
                skipSpaces();
                if (at >= text.length() || text.charAt(at) != ':') {
                    throw error(line, "expected ':' after a key in a flow mapping");
                }
                at++;
                map.put(String.valueOf(key), value(false));
                skipSpaces();
                if (at >= text.length()) {
                    throw error(line, "unclosed '{' (flow mappings must fit on one line here)");
                }
                char c = text.charAt(at++);
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    throw error(line, "expected ',' or '}' in a flow mapping but found '" + c + "'");
                }
            }
        }

        private String singleQuoted() {
            StringBuilder out = new StringBuilder();
            at++;
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c == '\'') {
                    if (at < text.length() && text.charAt(at) == '\'') {
                        out.append('\'');
                        at++;
                    } else {
                        return out.toString();
                    }
                } else {
                    out.append(c);
                }
            }
            throw error(line, "unclosed single-quoted string");
        }

        private String doubleQuoted() {
            StringBuilder out = new StringBuilder();
            at++;
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (at >= text.length()) {
                    break;
                }
                char e = text.charAt(at++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case '0' -> out.append('\0');
                    case '"', '\\', '/' -> out.append(e);
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    case 'U' -> {
                        out.appendCodePoint(Integer.parseInt(text.substring(at, at + 8), 16));
                        at += 8;
                    }
                    case 'x' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 2), 16));
                        at += 2;
                    }
                    default -> throw error(line, "unknown escape \\" + e + " in a double-quoted string");
                }
            }
            throw error(line, "unclosed double-quoted string");
        }
    }

    /** Writes maps, lists and scalars in block style; strings that would read back as something else are quoted. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        writeNode(out, value, 0, false);
        return out.toString();
    }

    private static void writeNode(StringBuilder out, Object value, int indent, boolean inSequence) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(first && inSequence)) {
                    out.append(" ".repeat(indent));
                }
                first = false;
                out.append(scalar(String.valueOf(entry.getKey()))).append(':');
                writeChild(out, entry.getValue(), indent);
            }
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            boolean first = true;
            for (Object item : list) {
                if (!(first && inSequence)) {
                    out.append(" ".repeat(indent));
                }
                first = false;
                out.append("- ");
                if (item instanceof Map<?, ?> m && !m.isEmpty() || item instanceof List<?> l && !l.isEmpty()) {
                    writeNode(out, item, indent + 2, true);
                } else {
                    out.append(scalar(item)).append('\n');
                }
            }
        } else {
            out.append(scalar(value)).append('\n');
        }
    }

    private static void writeChild(StringBuilder out, Object value, int indent) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            out.append('\n');
            writeNode(out, value, indent + 2, false);
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            out.append('\n');
            writeNode(out, value, indent, false);
        } else {
            out.append(' ').append(scalar(value)).append('\n');
        }
    }

    private static String scalar(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?>) {
            return "{}";
        }
        if (value instanceof List<?>) {
            return "[]";
        }
        if (value instanceof Boolean || value instanceof Long || value instanceof Integer) {
            return value.toString();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d)) {
                return ".nan";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? ".inf" : "-.inf";
            }
            return Double.toString(d).replace("E", "e");
        }
        String text = value.toString();
        boolean plainIsSafe = !text.isEmpty() && plainScalar(text) instanceof String s && s.equals(text)
                && text.equals(text.strip()) && text.chars().allMatch(c -> c >= 0x20 && c < 0x7F)
                && "-?:,[]{}#&*!|>'\"%@`".indexOf(text.charAt(0)) < 0 && !text.contains(": ") && !text.contains(" #");
        if (plainIsSafe) {
            return text;
        }
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
