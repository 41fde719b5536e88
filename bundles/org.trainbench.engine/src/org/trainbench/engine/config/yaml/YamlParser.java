package org.trainbench.engine.config.yaml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.trainbench.engine.config.yaml.YamlNode.CollectionStyle;

/**
 * Parses the YAML subset that Fast-LLM configs use into a {@link YamlNode} tree with exact positions.
 *
 * <p>Supported: block mappings and sequences by indentation (a sequence may sit at its key's indentation), compact
 * nesting ({@code - key: value}), flow sequences and mappings (which may span lines), comments (full-line and
 * trailing), plain, single- and double-quoted single-line scalars, a leading {@code ---}.
 *
 * <p>Rejected with a {@link YamlSyntaxException} that says what to write instead, rather than parsed into something
 * PyYAML would read differently: anchors, aliases, tags, block scalars ({@code |}, {@code >}), explicit keys
 * ({@code ?}), complex keys, directives, several documents, multi-line plain or quoted scalars, tabs in indentation.
 *
 * <p>The parser never throws anything but {@link YamlSyntaxException}: every loop consumes input, and nesting is
 * limited to {@value #MAX_DEPTH} levels so that hostile input cannot overflow the stack.
 */
public final class YamlParser {

    /** Deepest nesting of collections accepted; configs use about 6. */
    public static final int MAX_DEPTH = 100;

    private final String text;
    private final int length;
    /** Offsets at which lines start, for line/column of any offset. */
    private final int[] lineStarts;
    private int pos;
    private int depth;
    /** Whether any content (or a leading {@code ---}) has been read: later document markers are errors. */
    private boolean contentSeen;

    private YamlParser(String text) {
        this.text = text;
        this.length = text.length();
        this.lineStarts = lineStarts(text);
    }

    /**
     * Parses one config document. An empty document (only blank lines and comments) gives an empty plain scalar
     * (which resolves to null, as in PyYAML) at offset 0.
     */
    public static YamlNode parse(String text) throws YamlSyntaxException {
        YamlParser parser = new YamlParser(text);
        try {
            return parser.document();
        } catch (StackOverflowError e) {
            // Unreachable given MAX_DEPTH, kept so that the contract "only YamlSyntaxException" holds on tiny stacks.
            throw new YamlSyntaxException("the document is nested too deeply to parse", parser.rangeAt(0, 0));
        }
    }

    // ---------------------------------------------------------------------------------------------- document

    private YamlNode document() throws YamlSyntaxException {
        if (length > 0 && text.charAt(0) == '\uFEFF') {
            pos = 1; // a byte order mark is not content
        }
        pos = firstContent(pos);
        if (pos >= length) {
            return ScalarNode.empty(rangeAt(Math.min(pos, length), 0));
        }
        YamlNode root = blockNode(-1);
        if (pos < length) {
            int rootColumn = column(root.range().offset());
            if (column(pos) < rootColumn) {
                throw error(pos, "this line is indented less than the first line of the document (column "
                        + (rootColumn + 1) + "); align it with the keys it belongs to");
            }
            throw error(pos, "unexpected content after the document's value on line " + root.range().line()
                    + (root instanceof ScalarNode scalar && scalar.text().contains(":")
                            ? " (a `key: value` needs a space after the colon)" : ""));
        }
        return root;
    }

    // ------------------------------------------------------------------------------------------------ blocks

    /**
     * Parses the node that starts at {@code pos} (a content char at a column greater than {@code parentIndent}),
     * and leaves {@code pos} at the first content char of the next content line, or at the end.
     */
    private YamlNode blockNode(int parentIndent) throws YamlSyntaxException {
        enter(pos);
        try {
            int indent = column(pos);
            if (isSequenceIndicator(pos)) {
                return blockSequence(indent);
            }
            rejectUnsupportedStart(pos, false);
            if (keyAt(pos) != null) {
                return blockMapping(indent);
            }
            YamlNode value = inlineValue();
            endOfLine();
            return value;
        } finally {
            depth--;
        }
    }

    private MappingNode blockMapping(int indent) throws YamlSyntaxException {
        List<MappingNode.Entry> entries = new ArrayList<>();
        int start = pos;
        while (true) {
            KeyAt key = keyAt(pos);
            if (key == null) {
                if (isSequenceIndicator(pos)) {
                    throw error(pos, "a sequence item (`- ...`) cannot appear among the keys of a mapping;"
                            + " indent it under the key it belongs to");
                }
                rejectUnsupportedStart(pos, false);
                String line = text.substring(pos, lineEnd(pos));
                throw error(pos, "expected `key: value` here, like the other keys at column " + (indent + 1)
                        + (line.matches(".*:[^ \\t].*") && !line.contains(": ") ? " (a space is needed after `:`)" : ""));
            }
            pos = key.afterColon;
            skipInlineSpace();
            YamlNode value;
            if (atCommentOrLineEnd(pos)) {
                int colonEnd = key.afterColon;
                pos = nextContent(pos);
                if (pos < length && column(pos) > indent) {
                    value = blockNode(indent);
                } else if (pos < length && column(pos) == indent && isSequenceIndicator(pos)) {
                    enter(pos);
                    try {
                        value = blockSequence(indent);
                    } finally {
                        depth--;
                    }
                } else {
                    value = ScalarNode.empty(rangeAt(colonEnd, 0));
                }
            } else {
                if (isSequenceIndicator(pos)) {
                    throw error(pos, "a sequence cannot start on the line of its key; put `- item` on the next"
                            + " lines, or write a flow sequence `[a, b]`");
                }
                enter(pos);
                try {
                    rejectUnsupportedStart(pos, false);
                    value = inlineValue();
                } finally {
                    depth--;
                }
                endOfLine();
            }
            entries.add(new MappingNode.Entry(key.key, value));
            if (pos >= length || column(pos) < indent) {
                break;
            }
            if (column(pos) > indent) {
                throw error(pos, "unexpected indentation at column " + (column(pos) + 1) + ": the keys of this mapping"
                        + " start at column " + (indent + 1) + (value instanceof ScalarNode
                                ? " (a value that continues on the next line must be written on one line, or quoted)"
                                : ""));
            }
        }
        SourceRange first = rangeAt(start, 0);
        return new MappingNode(entries, CollectionStyle.BLOCK, SourceRange.span(first, last(entries).value().range()));
    }

    private SequenceNode blockSequence(int indent) throws YamlSyntaxException {
        List<YamlNode> items = new ArrayList<>();
        int start = pos;
        while (true) {
            int dash = pos;
            pos++;
            skipInlineSpace();
            YamlNode item;
            if (atCommentOrLineEnd(pos)) {
                pos = nextContent(pos);
                item = pos < length && column(pos) > indent ? blockNode(indent) : ScalarNode.empty(rangeAt(dash + 1, 0));
            } else {
                item = blockNode(indent);
            }
            items.add(item);
            if (pos >= length || column(pos) < indent) {
                break;
            }
            if (column(pos) > indent) {
                throw error(pos, "unexpected indentation: items of this sequence start at column " + (indent + 1));
            }
            if (!isSequenceIndicator(pos)) {
                break; // a key at the same column: the sequence was the value of the key above
            }
        }
        SourceRange first = rangeAt(start, 0);
        return new SequenceNode(items, CollectionStyle.BLOCK, SourceRange.span(first, items.getLast().range()));
    }

    /** A value on the line of its key or dash: a flow collection or a scalar, never a block collection. */
    private YamlNode inlineValue() throws YamlSyntaxException {
        char c = text.charAt(pos);
        if (c == '[' || c == '{') {
            return flowNode();
        }
        if (c == '"' || c == '\'') {
            return quoted();
        }
        if (c == ']' || c == '}' || c == ',') {
            throw error(pos, "unexpected `" + c + "`: there is no open flow collection here");
        }
        int start = pos;
        int end = plainEnd(start, false);
        int colon = skipSpaces(end);
        if (colon < length && text.charAt(colon) == ':') {
            throw error(colon, "a `key: value` cannot be the value of another key on the same line;"
                    + " put it on its own line, indented, or quote the value if it contains `: `");
        }
        pos = end;
        return plain(start, end);
    }

    // -------------------------------------------------------------------------------------------------- keys

    private record KeyAt(ScalarNode key, int afterColon) {
    }

    /** The {@code key:} that starts at {@code p}, or null when the line there is not a mapping entry. */
    private KeyAt keyAt(int p) throws YamlSyntaxException {
        char c = text.charAt(p);
        if (c == '"' || c == '\'') {
            int close = quotedEnd(p);
            if (close < 0) {
                return null;
            }
            int q = skipInlineSpace(close);
            if (q < length && text.charAt(q) == ':' && isBlankOrEnd(q + 1)) {
                int saved = pos;
                pos = p;
                ScalarNode key = quoted();
                pos = saved;
                return new KeyAt(key, q + 1);
            }
            return null;
        }
        if (c == ':' && isBlankOrEnd(p + 1)) {
            throw error(p, "missing key before `:`");
        }
        if (!canStartPlain(p, false)) {
            return null;
        }
        int end = plainEnd(p, false);
        int colon = skipSpaces(end);
        if (colon < length && text.charAt(colon) == ':' && isBlankOrEnd(colon + 1)) {
            return new KeyAt(plain(p, end), colon + 1);
        }
        return null;
    }

    // -------------------------------------------------------------------------------------------------- flow

    private YamlNode flowNode() throws YamlSyntaxException {
        enter(pos);
        try {
            char c = text.charAt(pos);
            if (c == '[') {
                return flowSequence();
            }
            if (c == '{') {
                return flowMapping();
            }
            if (c == '"' || c == '\'') {
                return quoted();
            }
            rejectUnsupportedStart(pos, true);
            if (!canStartPlain(pos, true)) {
                throw error(pos, "expected a value, found `" + c + "`");
            }
            int start = pos;
            pos = plainEnd(start, true);
            return plain(start, pos);
        } finally {
            depth--;
        }
    }

    private SequenceNode flowSequence() throws YamlSyntaxException {
        int open = pos++;
        List<YamlNode> items = new ArrayList<>();
        while (true) {
            pos = skipFlowSpace(pos, open, ']');
            char c = text.charAt(pos);
            if (c == ']') {
                pos++;
                break;
            }
            if (c == ',') {
                throw error(pos, "expected a value before `,`");
            }
            items.add(flowNode());
            pos = skipFlowSpace(pos, open, ']');
            c = text.charAt(pos);
            if (c == ':') {
                throw error(pos, "`key: value` pairs inside `[...]` are not supported; write a mapping `{key: value}`");
            }
            if (c == ',') {
                pos++;
            } else if (c != ']') {
                throw error(pos, "expected `,` or `]` in the sequence that starts at line " + line(open));
            }
        }
        return new SequenceNode(items, CollectionStyle.FLOW, rangeAt(open, pos - open));
    }

    private MappingNode flowMapping() throws YamlSyntaxException {
        int open = pos++;
        List<MappingNode.Entry> entries = new ArrayList<>();
        while (true) {
            pos = skipFlowSpace(pos, open, '}');
            char c = text.charAt(pos);
            if (c == '}') {
                pos++;
                break;
            }
            if (c == ',') {
                throw error(pos, "expected a key before `,`");
            }
            if (c == '[' || c == '{') {
                throw error(pos, "collections as keys are not supported; use a plain or quoted key");
            }
            ScalarNode key;
            if (c == '"' || c == '\'') {
                key = quoted();
            } else {
                rejectUnsupportedStart(pos, true);
                if (!canStartPlain(pos, true)) {
                    throw error(pos, "expected a key, found `" + c + "`");
                }
                int start = pos;
                pos = plainEnd(start, true);
                key = plain(start, pos);
            }
            int keyLineColon = skipInlineSpace(pos);
            pos = skipFlowSpace(pos, open, '}');
            c = text.charAt(pos);
            if (c == ':' && pos != keyLineColon) {
                throw error(pos, "the `:` must be on the same line as its key");
            }
            YamlNode value;
            if (c == ':') {
                int afterColon = ++pos;
                pos = skipFlowSpace(pos, open, '}');
                c = text.charAt(pos);
                value = c == ',' || c == '}' ? ScalarNode.empty(rangeAt(afterColon, 0)) : flowNode();
                pos = skipFlowSpace(pos, open, '}');
                c = text.charAt(pos);
            } else {
                value = ScalarNode.empty(rangeAt(key.range().endOffset(), 0));
            }
            entries.add(new MappingNode.Entry(key, value));
            if (c == ',') {
                pos++;
            } else if (c != '}') {
                throw error(pos, "expected `,` or `}` in the mapping that starts at line " + line(open));
            }
        }
        return new MappingNode(entries, CollectionStyle.FLOW, rangeAt(open, pos - open));
    }

    /** Skips spaces, line breaks and comments inside a flow collection; fails at the end of the text. */
    private int skipFlowSpace(int p, int open, char close) throws YamlSyntaxException {
        while (p < length) {
            char c = text.charAt(p);
            if (c == ' ' || c == '\n' || c == '\r') {
                p++;
            } else if (c == '\t') {
                rejectTab(p);
            } else if (c == '#') {
                p = lineEnd(p);
            } else {
                return p;
            }
        }
        throw new YamlSyntaxException("`" + text.charAt(open) + "` is never closed: add `" + close + "`",
                rangeAt(open, 1));
    }

    // ----------------------------------------------------------------------------------------------- scalars

    /** Where a plain scalar that starts at {@code p} ends (trailing spaces excluded). */
    private int plainEnd(int p, boolean flow) throws YamlSyntaxException {
        int end = p;
        int q = p;
        while (q < length) {
            char c = text.charAt(q);
            if (c == '\n' || c == '\r') {
                break;
            }
            if (c == ':' && (flow ? isFlowValueIndicator(q) : isBlankOrEnd(q + 1))) {
                break;
            }
            if (c == '#' && q > p && text.charAt(q - 1) == ' ') {
                break;
            }
            rejectTab(q);
            if (flow && (c == ',' || (c == '?' && q > p) || c == '[' || c == ']' || c == '{' || c == '}')) {
                break;
            }
            q++;
            if (c != ' ') {
                end = q;
            }
        }
        return end;
    }

    /** The plain scalar text[start, end); does not move {@code pos}. */
    private ScalarNode plain(int start, int end) {
        return new ScalarNode(text.substring(start, end), ScalarNode.Style.PLAIN, rangeAt(start, end - start));
    }

    /** The offset just past the closing quote of the quoted scalar at {@code p}, or -1 if it is not closed on its line. */
    private int quotedEnd(int p) {
        char quote = text.charAt(p);
        int q = p + 1;
        while (q < length) {
            char c = text.charAt(q);
            if (c == '\n' || c == '\r') {
                return -1;
            }
            if (quote == '\'' && c == '\'') {
                if (q + 1 < length && text.charAt(q + 1) == '\'') {
                    q += 2;
                    continue;
                }
                return q + 1;
            }
            if (quote == '"' && c == '\\') {
                q += 2;
                continue;
            }
            if (quote == '"' && c == '"') {
                return q + 1;
            }
            q++;
        }
        return -1;
    }

    private ScalarNode quoted() throws YamlSyntaxException {
        int start = pos;
        char quote = text.charAt(start);
        int end = quotedEnd(start);
        if (end < 0) {
            throw error(start, "this quoted string is not closed on its line: add the closing " + quote
                    + " (strings that span lines are not supported)");
        }
        String content = text.substring(start + 1, end - 1);
        String value;
        ScalarNode.Style style;
        if (quote == '\'') {
            value = content.replace("''", "'");
            style = ScalarNode.Style.SINGLE_QUOTED;
        } else {
            value = unescape(content, start + 1);
            style = ScalarNode.Style.DOUBLE_QUOTED;
        }
        pos = end;
        return new ScalarNode(value, style, rangeAt(start, end - start));
    }

    private String unescape(String content, int contentOffset) throws YamlSyntaxException {
        if (content.indexOf('\\') < 0) {
            return content;
        }
        StringBuilder out = new StringBuilder(content.length());
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i + 1 >= content.length()) {
                throw error(contentOffset + i, "a `\\` at the end of a string escapes nothing");
            }
            char e = content.charAt(++i);
            switch (e) {
                case '0' -> out.append('\0');
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 't', '\t' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'v' -> out.append('\u000B');
                case 'f' -> out.append('\f');
                case 'r' -> out.append('\r');
                case 'e' -> out.append('\u001B');
                case ' ' -> out.append(' ');
                case '"' -> out.append('"');
                case '/' -> out.append('/');
                case '\\' -> out.append('\\');
                case 'N' -> out.append('\u0085');
                case '_' -> out.append('\u00A0');
                case 'L' -> out.append('\u2028');
                case 'P' -> out.append('\u2029');
                case 'x', 'u', 'U' -> {
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    String hex = content.substring(i + 1, Math.min(content.length(), i + 1 + digits));
                    if (hex.length() < digits || !hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                        throw error(contentOffset + i - 1, "`\\" + e + "` needs " + digits + " hex digits, found `"
                                + hex + "`");
                    }
                    int codePoint = (int) Long.parseLong(hex, 16);
                    if (!Character.isValidCodePoint(codePoint)) {
                        throw error(contentOffset + i - 1, "`\\" + e + hex + "` is not a valid character");
                    }
                    out.appendCodePoint(codePoint);
                    i += digits;
                }
                default -> throw error(contentOffset + i - 1, "unknown escape `\\" + e + "` in a double-quoted string;"
                        + " write `\\\\` for a backslash, or use single quotes");
            }
        }
        return out.toString();
    }

    // ------------------------------------------------------------------------------------ unsupported syntax

    private void rejectUnsupportedStart(int p, boolean flow) throws YamlSyntaxException {
        char c = text.charAt(p);
        String reason = switch (c) {
            case '&' -> "anchors (`&name`) are not supported: write the value out in full";
            case '*' -> "aliases (`*name`) are not supported: write the value out in full";
            case '!' -> "tags (`!type`) are not supported: remove the tag";
            case '|', '>' -> flow ? null : "block scalars (`|`, `>`) are not supported: write the value on one line,"
                    + " quoted if needed";
            case '%' -> "directives (`%YAML`, `%TAG`) are not supported: remove the line";
            case '@', '`' -> "`" + c + "` is reserved in YAML and cannot start a value: quote the value";
            // PyYAML reads `?` and `:` at the start of a token inside brackets as key/value indicators, whatever follows
            case '?' -> flow || isBlankOrEnd(p + 1) ? "explicit keys (`? key`) are not supported: write `key: value`" : null;
            case ':' -> flow ? "missing key before `:`" : null;
            default -> null;
        };
        if (reason != null) {
            throw error(p, reason);
        }
        if (c == '<' && text.startsWith("<<", p) && (p + 2 < length && (text.charAt(p + 2) == ':'))) {
            throw error(p, "merge keys (`<<`) are not supported: write the keys out in full");
        }
    }

    private boolean canStartPlain(int p, boolean flow) {
        char c = text.charAt(p);
        return switch (c) {
            case '-' -> p + 1 < length && !isBlank(text.charAt(p + 1)) && !(flow && isFlowIndicator(p + 1));
            case '?', ':' -> !flow && p + 1 < length && !isBlank(text.charAt(p + 1));
            case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`' -> false;
            case ' ', '\t', '\n', '\r' -> false;
            default -> true;
        };
    }

    // -------------------------------------------------------------------------------------- lines and layout

    /** From {@code p}, whose line holds nothing more than blanks or a comment, to the next content. */
    private int nextContent(int p) throws YamlSyntaxException {
        int end = lineEnd(p);
        return end >= length ? length : firstContent(afterBreak(end));
    }

    /**
     * From the start of a line, skips blank and comment lines and returns the offset of the first content char, or
     * the end of the text. A {@code ---} is accepted before any content; other document markers are rejected.
     */
    private int firstContent(int p) throws YamlSyntaxException {
        while (p < length) {
            int lineStart = p;
            int q = p;
            while (q < length && text.charAt(q) == ' ') {
                q++;
            }
            rejectTab(q);
            if (q >= length) {
                return length;
            }
            char c = text.charAt(q);
            if (c == '\n' || c == '\r' || c == '#') {
                p = afterBreak(lineEnd(q));
                continue;
            }
            if (q == lineStart && (text.startsWith("---", q) || text.startsWith("...", q)) && isBlankOrEnd(q + 3)) {
                if (!contentSeen && text.startsWith("---", q)) {
                    int after = skipInlineSpace(q + 3);
                    if (!atCommentOrLineEnd(after)) {
                        throw error(after, "content on the `---` line is not supported: start it on the next line");
                    }
                    contentSeen = true;
                    p = afterBreak(lineEnd(after));
                    continue;
                }
                throw error(q, "several documents in one file (`---`, `...`) are not supported: one config per file");
            }
            if (q == lineStart && c == '%') {
                throw error(q, "directives (`%YAML`, `%TAG`) are not supported: remove the line");
            }
            contentSeen = true;
            return q;
        }
        return length;
    }

    /** After an inline value: only blanks or a comment may follow on the line; then moves to the next content. */
    private void endOfLine() throws YamlSyntaxException {
        int p = skipInlineSpace(pos);
        if (!atCommentOrLineEnd(p)) {
            char c = text.charAt(p);
            String reason = c == '#' ? "a comment needs a space before `#`"
                    : c == ':' ? "unexpected `:` after the value; quote the value if it contains `: `"
                    : "unexpected text after the value: quote the whole value, or start a new line";
            throw error(p, reason);
        }
        pos = nextContent(p);
    }

    private void skipInlineSpace() throws YamlSyntaxException {
        pos = skipInlineSpace(pos);
    }

    private int skipInlineSpace(int p) throws YamlSyntaxException {
        while (p < length && text.charAt(p) == ' ') {
            p++;
        }
        rejectTab(p);
        return p;
    }

    private int skipSpaces(int p) {
        while (p < length && text.charAt(p) == ' ') {
            p++;
        }
        return p;
    }

    /** PyYAML, which Fast-LLM uses, rejects tabs anywhere outside quoted strings and comments. */
    private void rejectTab(int p) throws YamlSyntaxException {
        if (p < length && text.charAt(p) == '\t') {
            throw error(p, "a tab character: YAML configs may use tabs only inside quotes or comments; use spaces");
        }
    }

    private boolean atCommentOrLineEnd(int p) {
        return p >= length || text.charAt(p) == '\n' || text.charAt(p) == '\r'
                || (text.charAt(p) == '#' && (p == 0 || isBlank(text.charAt(p - 1))));
    }

    private int lineEnd(int p) {
        while (p < length && text.charAt(p) != '\n' && text.charAt(p) != '\r') {
            p++;
        }
        return p;
    }

    private int afterBreak(int p) {
        if (p < length && text.charAt(p) == '\r') {
            p++;
            if (p < length && text.charAt(p) == '\n') {
                p++;
            }
        } else if (p < length && text.charAt(p) == '\n') {
            p++;
        }
        return p;
    }

    private boolean isSequenceIndicator(int p) {
        return p < length && text.charAt(p) == '-' && isBlankOrEnd(p + 1);
    }

    private boolean isBlankOrEnd(int p) {
        return p >= length || isBlank(text.charAt(p));
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private boolean isFlowIndicator(int p) {
        if (p >= length) {
            return false;
        }
        char c = text.charAt(p);
        return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
    }

    /** A {@code :} that separates key and value inside a flow collection. */
    private boolean isFlowValueIndicator(int p) {
        return isBlankOrEnd(p + 1) || isFlowIndicator(p + 1);
    }

    private void enter(int p) throws YamlSyntaxException {
        if (++depth > MAX_DEPTH) {
            depth--;
            throw error(p, "collections are nested more than " + MAX_DEPTH + " levels deep");
        }
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    // ------------------------------------------------------------------------------------------- positions

    private static int[] lineStarts(String text) {
        int[] starts = new int[16];
        int count = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lineBreak = c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'));
            if (lineBreak) {
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                }
                starts[count++] = i + 1;
            }
        }
        return Arrays.copyOf(starts, count);
    }

    /** 1-based line of an offset. */
    private int line(int offset) {
        int index = Arrays.binarySearch(lineStarts, offset);
        return index >= 0 ? index + 1 : -index - 1;
    }

    /** 0-based column of an offset. */
    private int column(int offset) {
        return offset - lineStarts[line(offset) - 1];
    }

    private SourceRange rangeAt(int offset, int rangeLength) {
        return new SourceRange(line(offset), column(offset) + 1, offset, rangeLength);
    }

    private YamlSyntaxException error(int offset, String reason) {
        int at = Math.min(offset, length);
        return new YamlSyntaxException(reason, rangeAt(at, at < length ? 1 : 0));
    }
}
