package org.trainbench.engine.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's one JSON reader and writer: tokenizer files, JSON Lines datasets, safetensors headers, metrics lines,
 * checkpoint manifests and command output. Values are {@code Map<String, Object>} (insertion ordered),
 * {@code List<Object>}, String, Long (integers that fit), Double, Boolean and null. Strings are Java strings, so
 * {@code \uD83D\uDE00} escapes become one supplementary code point.
 *
 * <p>Writing is compact (no spaces). Doubles are written with {@link Double#toString}, the shortest text that reads
 * back to the same double, so a loss in metrics.jsonl is the exact value the engine computed; a float is written as
 * the double it widens to, for the same reason. NaN and infinities have no JSON form and are written as null.
 */
public final class Json {

    /** A syntax error; {@link #offset()} is the character offset in the parsed text. */
    public static final class SyntaxException extends IllegalArgumentException {
        private final int offset;

        SyntaxException(String message, int offset) {
            super(message + " at character " + offset);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    /** Deeper nesting is refused as a syntax error instead of overflowing the parser's stack. */
    static final int MAX_DEPTH = 512;

    private final String text;
    private int at;
    private int depth;
    /** For the pull reader: whether the object or array just entered has had no key or element yet. */
    private boolean first;

    private Json(String text) {
        this.text = text;
    }

    public static Object parse(String text) {
        Json json = new Json(text);
        json.skipWhitespace();
        Object value = json.value();
        json.skipWhitespace();
        if (json.at < text.length()) {
            throw new SyntaxException("unexpected '" + text.charAt(json.at) + "' after the JSON value", json.at);
        }
        return value;
    }

    /**
     * Parses one JSON value from a named source.
     *
     * @param source named in error messages (a file name)
     * @throws IllegalArgumentException naming the source and the character offset when the text is not JSON
     */
    public static Object parse(String text, String source) {
        try {
            return parse(text);
        } catch (SyntaxException e) {
            throw new IllegalArgumentException(source + ": invalid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * A pull reader over one JSON text, for a value too large to build a tree of (tokenizer.json's vocabulary and
     * merges): the caller walks objects and arrays with {@link #beginObject()}/{@link #nextKey()} and
     * {@link #beginArray()}/{@link #nextElement()} and reads each value as it comes, with the syntax rules and errors
     * of {@link #parse(String)}; {@link #end()} checks that nothing follows the top-level value.
     */
    public static Json reader(String text) {
        Json json = new Json(text);
        json.skipWhitespace();
        return json;
    }

    /** The next character that is not whitespace ('{', '[', '"', a digit...), or 0 at the end of the text. */
    public char peek() {
        skipWhitespace();
        return at < text.length() ? text.charAt(at) : 0;
    }

    /** Enters an object; then {@link #nextKey()} until it returns null. */
    public void beginObject() {
        begin('{', "an object");
    }

    /** The next key of the object being read, positioned at its value; null (and the object left) at its end. */
    public String nextKey() {
        skipWhitespace();
        if (at < text.length() && text.charAt(at) == '}') {
            at++;
            depth--;
            first = false;
            return null;
        }
        if (!first) {
            if (at >= text.length()) {
                throw new SyntaxException("unterminated object", at);
            }
            if (text.charAt(at) != ',') {
                throw new SyntaxException("expected ',' or '}' in an object but found '" + text.charAt(at) + "'", at);
            }
            at++;
            skipWhitespace();
        }
        first = false;
        if (at >= text.length() || text.charAt(at) != '"') {
            throw new SyntaxException("expected a quoted key", at);
        }
        String key = string();
        skipWhitespace();
        if (at >= text.length() || text.charAt(at) != ':') {
            throw new SyntaxException("expected ':' after key \"" + key + "\"", at);
        }
        at++;
        return key;
    }

    /** Enters an array; then {@link #nextElement()} before each element until it returns false. */
    public void beginArray() {
        begin('[', "an array");
    }

    private void begin(char open, String what) {
        skipWhitespace();
        if (at >= text.length() || text.charAt(at) != open) {
            throw new SyntaxException("expected " + what, at);
        }
        enter();
        at++;
        first = true;
    }

    /** Whether another element of the array being read follows (positioned at it); false (and the array left) at its end. */
    public boolean nextElement() {
        skipWhitespace();
        if (at < text.length() && text.charAt(at) == ']') {
            at++;
            depth--;
            first = false;
            return false;
        }
        if (!first) {
            if (at >= text.length()) {
                throw new SyntaxException("unterminated array", at);
            }
            if (text.charAt(at) != ',') {
                throw new SyntaxException("expected ',' or ']' in an array but found '" + text.charAt(at) + "'", at);
            }
            at++;
        }
        first = false;
        skipWhitespace();
        return true;
    }

    /** The next value as {@link #parse(String)} gives it (maps, lists, strings, numbers...). */
    public Object readValue() {
        skipWhitespace();
        return value();
    }

    /** The next value, which must be a string. */
    public String readString() {
        skipWhitespace();
        if (at >= text.length() || text.charAt(at) != '"') {
            throw new SyntaxException("expected a string", at);
        }
        return string();
    }

    /**
     * The next value as an int from {@code min} to {@code max}, as {@link #toInt} checks it; a plain run of digits is
     * read without making a string or a Long of it.
     */
    public int readInt(int min, int max) {
        skipWhitespace();
        int i = at;
        long value = 0;
        while (i < text.length() && i - at < 10 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            value = value * 10 + (text.charAt(i++) - '0');
        }
        boolean ends = i == text.length() || switch (text.charAt(i)) {
            case '.', 'e', 'E', '+', '-' -> false;
            default -> text.charAt(i) < '0' || text.charAt(i) > '9';
        };
        if (i > at && ends && value >= min && value <= max) {
            at = i;
            return (int) value;
        }
        return toInt(value(), min, max);
    }

    /**
     * The next value, a string, as its range in the text when it holds no escape: {@code (start << 32) | end}, and the
     * reader is positioned after it; -1 for a string with an escape (the position stays; read it with
     * {@link #readString()}). For values only looked up, never kept: tokenizer.json's 280,147 merges.
     */
    public long readStringRange() {
        skipWhitespace();
        if (at >= text.length() || text.charAt(at) != '"') {
            throw new SyntaxException("expected a string", at);
        }
        int start = at + 1;
        int end = text.indexOf('"', start);
        if (end < 0) {
            throw new SyntaxException("unterminated string", at);
        }
        if (text.indexOf('\\', start, end) >= 0) {
            return -1;
        }
        at = end + 1;
        return ((long) start << 32) | end;
    }

    /** Checks that only whitespace follows the value read. */
    public void end() {
        skipWhitespace();
        if (at < text.length()) {
            throw new SyntaxException("unexpected '" + text.charAt(at) + "' after the JSON value", at);
        }
    }

    /**
     * A JSON number as an int, checked before narrowing: {@code 1e12} or {@code 4294967344} must not become
     * -727379968 or 48.
     *
     * @throws IllegalArgumentException "expected an integer from MIN to MAX, got VALUE" when it is no integer or out of
     *                                  range (the caller adds the file and key)
     */
    public static int toInt(Object value, int min, int max) {
        if (value instanceof Long l && l >= min && l <= max) {
            return (int) (long) l;
        }
        if (value instanceof Number n && !(value instanceof Long) && n.doubleValue() == Math.rint(n.doubleValue())
                && n.doubleValue() >= min && n.doubleValue() <= max) {
            return (int) n.doubleValue();
        }
        throw new IllegalArgumentException("expected an integer from " + min + " to " + max + ", got "
                + (value instanceof String ? "\"" + value + "\"" : String.valueOf(value)));
    }

    /** Parses a JSON object from a named source; anything else is an error naming the source. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text, String source) {
        Object value = parse(text, source);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(source + ": expected a JSON object");
        }
        return (Map<String, Object>) value;
    }

    private void skipWhitespace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            at++;
        }
    }

    private Object value() {
        if (at >= text.length()) {
            throw new SyntaxException("unexpected end of input, expected a value", at);
        }
        char c = text.charAt(at);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw new SyntaxException("unexpected '" + c + "', expected a value", at);
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw new SyntaxException("unknown literal, expected " + word, at);
        }
        at += word.length();
        return value;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new SyntaxException("nested deeper than " + MAX_DEPTH + " objects and arrays", at);
        }
    }

    private Map<String, Object> object() {
        enter();
        Map<String, Object> map = new LinkedHashMap<>();
        at++;
        skipWhitespace();
        if (at < text.length() && text.charAt(at) == '}') {
            at++;
            depth--;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (at >= text.length() || text.charAt(at) != '"') {
                throw new SyntaxException("expected a quoted key", at);
            }
            String key = string();
            skipWhitespace();
            if (at >= text.length() || text.charAt(at) != ':') {
                throw new SyntaxException("expected ':' after key \"" + key + "\"", at);
            }
            at++;
            skipWhitespace();
            map.put(key, value());
            skipWhitespace();
            if (at >= text.length()) {
                throw new SyntaxException("unterminated object", at);
            }
            char c = text.charAt(at++);
            if (c == '}') {
                depth--;
                return map;
            }
            if (c != ',') {
                throw new SyntaxException("expected ',' or '}' in an object but found '" + c + "'", at - 1);
            }
        }
    }

    private List<Object> array() {
        enter();
        List<Object> list = new ArrayList<>();
        at++;
        skipWhitespace();
        if (at < text.length() && text.charAt(at) == ']') {
            at++;
            depth--;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value());
            skipWhitespace();
            if (at >= text.length()) {
                throw new SyntaxException("unterminated array", at);
            }
            char c = text.charAt(at++);
            if (c == ']') {
                depth--;
                return list;
            }
            if (c != ',') {
                throw new SyntaxException("expected ',' or ']' in an array but found '" + c + "'", at - 1);
            }
        }
    }

    private String string() {
        int start = ++at;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '"') {
                return text.substring(start, at++);
            }
            if (c == '\\') {
                break;
            }
            at++;
        }
        // Sized from the raw length up to the closing quote: a long string is copied once, not grown by doubling.
        int end = at;
        while (end < text.length() && text.charAt(end) != '"') {
            end += text.charAt(end) == '\\' ? 2 : 1;
        }
        StringBuilder out = new StringBuilder(Math.min(end, text.length()) - start).append(text, start, at);
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
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw new SyntaxException("truncated \\u escape", at);
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw new SyntaxException("bad \\u escape", at);
                    }
                    at += 4;
                }
                default -> throw new SyntaxException("unknown escape \\" + e, at - 1);
            }
        }
        throw new SyntaxException("unterminated string", start - 1);
    }

    private Object number() {
        int start = at;
        if (text.charAt(at) == '-') {
            at++;
        }
        boolean integral = true;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c >= '0' && c <= '9') {
                at++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                at++;
            } else {
                break;
            }
        }
        String number = text.substring(start, at);
        try {
            if (integral) {
                try {
                    return Long.parseLong(number);
                } catch (NumberFormatException tooLarge) {
                    return Double.parseDouble(number);
                }
            }
            return Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new SyntaxException("malformed number " + number, start);
        }
    }

    /** Compact JSON of maps, lists, strings, numbers, booleans, null and int/long/double arrays. Non-ASCII is written as is. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    public static void write(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case String s -> quote(out, s);
            case Boolean b -> out.append(b);
            case Double d -> out.append(Double.isFinite(d) ? Double.toString(d) : "null");
            case Float f -> out.append(Float.isFinite(f) ? Double.toString(f.doubleValue()) : "null");
            case Number n -> out.append(n.longValue());
            case int[] array -> {
                out.append('[');
                for (int i = 0; i < array.length; i++) {
                    out.append(i > 0 ? "," : "").append(array[i]);
                }
                out.append(']');
            }
            case long[] array -> {
                out.append('[');
                for (int i = 0; i < array.length; i++) {
                    out.append(i > 0 ? "," : "").append(array[i]);
                }
                out.append(']');
            }
            case double[] array -> {
                out.append('[');
                for (int i = 0; i < array.length; i++) {
                    out.append(i > 0 ? "," : "");
                    write(out, array[i]);
                }
                out.append(']');
            }
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    quote(out, String.valueOf(entry.getKey()));
                    out.append(':');
                    write(out, entry.getValue());
                }
                out.append('}');
            }
            case Iterable<?> list -> {
                out.append('[');
                boolean first = true;
                for (Object item : list) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(out, item);
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    public static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
