package org.trainbench.engine.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Hugging Face chat template (the {@code chat_template} of tokenizer_config.json): the subset of Jinja that Llama 2,
 * Llama 3/3.1, Mistral and ChatML templates use, interpreted as transformers' {@code apply_chat_template} renders it
 * (trim_blocks and lstrip_blocks on, loop controls on).
 * <p>
 * Supported: text, {@code {{ }}}, comments, whitespace control ({@code -}), {@code for} (with tuple targets, else,
 * {@code loop.index/index0/revindex/revindex0/first/last/length/previtem/nextitem}, break, continue), {@code if/elif/else},
 * {@code set} (also {@code set ns.attr}), {@code generation} blocks (rendered as their content); expressions with
 * literals, lists, dicts, attribute and item access, slices, calls, {@code + - * / // % ~}, comparisons, {@code in},
 * {@code not in}, {@code and/or/not}, conditional expressions, filters (trim, length, count, upper, lower, title,
 * capitalize, join, tojson, items, list, first, last, default, string, int, float, replace, reject, select,
 * rejectattr, selectattr, map, safe, e, escape, abs, round, sum, unique, reverse, sort, dictsort, indent, wordcount),
 * tests (defined, undefined, none, string, mapping, iterable, sequence, number, integer, float, boolean, true, false,
 * equalto/eq/==, ne, odd, even, in), string methods (strip, lstrip, rstrip, upper, lower, title, capitalize, startswith,
 * endswith, split, replace, format-free), dict methods (items, keys, values, get), and the globals
 * {@code raise_exception}, {@code namespace}, {@code range}, {@code strftime_now}.
 * <p>
 * Rendering also yields the assistant spans: the code points that came from assistant messages' content, followed
 * through concatenation, slicing and trimming (see {@link #render}).
 */
public final class ChatTemplate {

    private final String source;
    private final List<Node> body;

    private ChatTemplate(String source, List<Node> body) {
        this.source = source;
        this.body = body;
    }

    /** Parses a template; {@link ChatTemplateException} names the line of a syntax error. */
    public static ChatTemplate parse(String source) {
        return new ChatTemplate(source, new Parser(new Lexer(source).tokens()).template());
    }

    public String source() {
        return source;
    }

    /**
     * A rendered conversation.
     *
     * @param text the rendered text
     * @param assistantSpans inclusive {@code [begin, end]} code-point ranges of assistant content, each extended over
     *        an end-of-turn token that the template writes right after it (only white space between)
     */
    public record Rendering(String text, List<int[]> assistantSpans) {
    }

    /**
     * Renders {@code messages} (role/content maps) with the given variables ({@code bos_token}, {@code eos_token},
     * {@code add_generation_prompt} and any others the template reads).
     *
     * @param endOfTurnTokens special tokens that close an assistant turn (e.g. {@code <|eot_id|>}, {@code <|im_end|>},
     *        {@code </s>}): an assistant span extends over one of them when the template writes it right after the
     *        content, so that the model learns to stop
     * @throws ChatTemplateException when the template raises an exception or fails (the message says why)
     */
    public Rendering render(List<Map<String, Object>> messages, Map<String, Object> variables, List<String> endOfTurnTokens) {
        List<Object> marked = new ArrayList<>();
        for (Map<String, Object> message : messages) {
            Map<String, Object> copy = new LinkedHashMap<>(message);
            if ("assistant".equals(message.get("role")) && message.get("content") instanceof String content) {
                copy.put("content", MarkedText.allMarked(content));
            }
            marked.add(copy);
        }
        Context context = new Context();
        context.push();
        context.set("messages", marked);
        variables.forEach(context::set);
        if (!variables.containsKey("add_generation_prompt")) {
            context.set("add_generation_prompt", false);
        }
        Output out = new Output();
        try {
            execute(body, context, out);
        } catch (LoopControl control) {
            throw new ChatTemplateException("'" + control.kind + "' outside a for loop");
        }
        String text = out.text.toString();
        return new Rendering(text, spans(text, out.marks, endOfTurnTokens));
    }

    private static List<int[]> spans(String text, BitSet marks, List<String> endOfTurnTokens) {
        List<int[]> spans = new ArrayList<>();
        int i = marks.nextSetBit(0);
        while (i >= 0) {
            int end = marks.nextClearBit(i); // exclusive, UTF-16
            int after = end;
            while (after < text.length() && Character.isWhitespace(text.charAt(after))) {
                after++;
            }
            for (String token : endOfTurnTokens) {
                if (!token.isEmpty() && text.startsWith(token, after)) {
                    end = after + token.length();
                    break;
                }
            }
            spans.add(new int[] {text.codePointCount(0, i), text.codePointCount(0, end) - 1});
            i = marks.nextSetBit(end);
        }
        return spans;
    }

    // ------------------------------------------------------------------------------------------------ lexer

    private enum Kind {
        TEXT, OUTPUT, STATEMENT
    }

    private record Token(Kind kind, String content, int line) {
    }

    private static final class Lexer {
        private final String s;

        Lexer(String source) {
            this.s = source;
        }

        List<Token> tokens() {
            List<Token> tokens = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            int textLine = 1;
            int i = 0;
            boolean stripNextLeading = false;
            boolean trimNextNewline = false;
            while (i < s.length()) {
                int open = nextTag(i);
                String chunk = s.substring(i, open < 0 ? s.length() : open);
                if (stripNextLeading) {
                    chunk = stripLeading(chunk);
                } else if (trimNextNewline) {
                    if (chunk.startsWith("\r\n")) {
                        chunk = chunk.substring(2);
                    } else if (chunk.startsWith("\n")) {
                        chunk = chunk.substring(1);
                    }
                }
                stripNextLeading = false;
                trimNextNewline = false;
                if (open < 0) {
                    text.append(chunk);
                    break;
                }
                char type = s.charAt(open + 1);
                boolean minus = open + 2 < s.length() && s.charAt(open + 2) == '-';
                boolean plus = open + 2 < s.length() && s.charAt(open + 2) == '+';
                if (minus) {
                    chunk = stripTrailing(chunk);
                } else if (type != '{' && !plus) {
                    // lstrip_blocks: a block or comment tag alone at the start of its line takes the indentation with it
                    // (judged on the source: trim_blocks may already have removed the newline before it)
                    int newline = chunk.lastIndexOf('\n');
                    String tail = chunk.substring(newline + 1);
                    int tailStart = open - tail.length();
                    boolean lineStart = tailStart == 0 || s.charAt(tailStart - 1) == '\n';
                    if (lineStart && tail.chars().allMatch(c -> c == ' ' || c == '\t')) {
                        chunk = chunk.substring(0, chunk.length() - tail.length());
                    }
                }
                text.append(chunk);
                if (!text.isEmpty()) {
                    tokens.add(new Token(Kind.TEXT, text.toString(), textLine));
                    text.setLength(0);
                }
                int line = lineOf(open);
                String close = type == '{' ? "}}" : type == '%' ? "%}" : "#}";
                int contentStart = open + 2 + (minus || plus ? 1 : 0);
                int end = s.indexOf(close, contentStart);
                if (end < 0) {
                    throw new ChatTemplateException("line " + line + ": unclosed '" + s.substring(open, open + 2) + "'");
                }
                int contentEnd = end;
                boolean closeMinus = end > contentStart && s.charAt(end - 1) == '-';
                if (closeMinus) {
                    contentEnd--;
                }
                String content = s.substring(contentStart, contentEnd).strip();
                if (type == '{') {
                    tokens.add(new Token(Kind.OUTPUT, content, line));
                } else if (type == '%') {
                    tokens.add(new Token(Kind.STATEMENT, content, line));
                }
                i = end + 2;
                stripNextLeading = closeMinus;
                trimNextNewline = !closeMinus && type != '{';
                textLine = lineOf(i);
            }
            if (!text.isEmpty()) {
                tokens.add(new Token(Kind.TEXT, text.toString(), textLine));
            }
            return tokens;
        }

        private int nextTag(int from) {
            int i = s.indexOf('{', from);
            while (i >= 0 && i + 1 < s.length()) {
                char c = s.charAt(i + 1);
                if (c == '{' || c == '%' || c == '#') {
                    return i;
                }
                i = s.indexOf('{', i + 1);
            }
            return -1;
        }

        private int lineOf(int offset) {
            int line = 1;
            for (int k = 0; k < offset && k < s.length(); k++) {
                if (s.charAt(k) == '\n') {
                    line++;
                }
            }
            return line;
        }

        private static String stripLeading(String text) {
            int k = 0;
            while (k < text.length() && Character.isWhitespace(text.charAt(k))) {
                k++;
            }
            return text.substring(k);
        }

        private static String stripTrailing(String text) {
            int k = text.length();
            while (k > 0 && Character.isWhitespace(text.charAt(k - 1))) {
                k--;
            }
            return text.substring(0, k);
        }
    }

    // ------------------------------------------------------------------------------------------------ AST

    private sealed interface Node permits TextNode, OutputNode, IfNode, ForNode, SetNode, ControlNode {
    }

    private record TextNode(String text) implements Node {
    }

    private record OutputNode(Expr expr, int line) implements Node {
    }

    private record IfNode(List<Expr> conditions, List<List<Node>> bodies, List<Node> elseBody) implements Node {
    }

    private record ForNode(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> elseBody, int line)
            implements Node {
    }

    private record SetNode(List<String> targets, String attribute, Expr value, List<Node> block) implements Node {
    }

    private record ControlNode(String kind) implements Node {
    }

    private sealed interface Expr permits Literal, Name, GetAttr, GetItem, Slice, Call, Filter, Test, Binary, Unary,
            Conditional, ListExpr, DictExpr {
    }

    private record Literal(Object value) implements Expr {
    }

    private record Name(String name) implements Expr {
    }

    private record GetAttr(Expr target, String name) implements Expr {
    }

    private record GetItem(Expr target, Expr index) implements Expr {
    }

    private record Slice(Expr target, Expr start, Expr stop, Expr step) implements Expr {
    }

    private record Call(Expr target, List<Expr> args, Map<String, Expr> kwargs) implements Expr {
    }

    private record Filter(Expr target, String name, List<Expr> args, Map<String, Expr> kwargs) implements Expr {
    }

    private record Test(Expr target, String name, List<Expr> args, boolean negated) implements Expr {
    }

    private record Binary(String op, Expr left, Expr right) implements Expr {
    }

    private record Unary(String op, Expr operand) implements Expr {
    }

    private record Conditional(Expr condition, Expr then, Expr otherwise) implements Expr {
    }

    private record ListExpr(List<Expr> items) implements Expr {
    }

    private record DictExpr(List<Expr> keys, List<Expr> values) implements Expr {
    }

    // ------------------------------------------------------------------------------------------------ parser

    private static final class Parser {
        private final List<Token> tokens;
        private int at;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
        }

        List<Node> template() {
            List<Node> nodes = block(List.of());
            if (at < tokens.size()) {
                Token t = tokens.get(at);
                throw new ChatTemplateException("line " + t.line() + ": unexpected '{% " + t.content() + " %}'");
            }
            return nodes;
        }

        /** Parses nodes until a statement whose first word is in {@code ends} (not consumed). */
        private List<Node> block(List<String> ends) {
            List<Node> nodes = new ArrayList<>();
            while (at < tokens.size()) {
                Token t = tokens.get(at);
                switch (t.kind()) {
                    case TEXT -> {
                        nodes.add(new TextNode(t.content()));
                        at++;
                    }
                    case OUTPUT -> {
                        nodes.add(new OutputNode(new ExprParser(t.content(), t.line()).whole(), t.line()));
                        at++;
                    }
                    case STATEMENT -> {
                        String word = firstWord(t.content());
                        if (ends.contains(word)) {
                            return nodes;
                        }
                        nodes.add(statement(t, word));
                    }
                }
            }
            if (!ends.isEmpty()) {
                throw new ChatTemplateException("the template ends inside a block: expected one of " + ends);
            }
            return nodes;
        }

        private static String firstWord(String content) {
            int k = 0;
            while (k < content.length() && (Character.isLetterOrDigit(content.charAt(k)) || content.charAt(k) == '_')) {
                k++;
            }
            return content.substring(0, k);
        }

        private void expectEnd(String word) {
            Token t = tokens.get(at);
            if (!firstWord(t.content()).equals(word)) {
                throw new ChatTemplateException("line " + t.line() + ": expected {% " + word + " %}");
            }
            at++;
        }

        private Node statement(Token t, String word) {
            String rest = t.content().substring(word.length()).strip();
            int line = t.line();
            at++;
            switch (word) {
                case "if": {
                    List<Expr> conditions = new ArrayList<>();
                    List<List<Node>> bodies = new ArrayList<>();
                    conditions.add(new ExprParser(rest, line).whole());
                    bodies.add(block(List.of("elif", "else", "endif")));
                    List<Node> elseBody = List.of();
                    while (true) {
                        Token end = tokens.get(at);
                        String w = firstWord(end.content());
                        at++;
                        if (w.equals("elif")) {
                            conditions.add(new ExprParser(end.content().substring(4).strip(), end.line()).whole());
                            bodies.add(block(List.of("elif", "else", "endif")));
                        } else if (w.equals("else")) {
                            elseBody = block(List.of("endif"));
                            expectEnd("endif");
                            break;
                        } else {
                            break;
                        }
                    }
                    return new IfNode(conditions, bodies, elseBody);
                }
                case "for": {
                    ExprParser p = new ExprParser(rest, line);
                    List<String> targets = new ArrayList<>();
                    targets.add(p.identifier());
                    while (p.accept(",")) {
                        targets.add(p.identifier());
                    }
                    p.expectWord("in");
                    Expr iterable = p.orExpr(false);
                    Expr filter = null;
                    if (p.acceptWord("if")) {
                        filter = p.orExpr(true);
                    }
                    p.end();
                    List<Node> body = block(List.of("else", "endfor"));
                    List<Node> elseBody = List.of();
                    if (firstWord(tokens.get(at).content()).equals("else")) {
                        at++;
                        elseBody = block(List.of("endfor"));
                    }
                    expectEnd("endfor");
                    return new ForNode(targets, iterable, filter, body, elseBody, line);
                }
                case "set": {
                    ExprParser p = new ExprParser(rest, line);
                    List<String> targets = new ArrayList<>();
                    targets.add(p.identifier());
                    String attribute = null;
                    if (p.accept(".")) {
                        attribute = p.identifier();
                    }
                    while (p.accept(",")) {
                        targets.add(p.identifier());
                    }
                    if (!p.accept("=")) {
                        p.end();
                        List<Node> inner = block(List.of("endset"));
                        expectEnd("endset");
                        return new SetNode(targets, attribute, null, inner);
                    }
                    Expr value = p.tupleOrExpr();
                    p.end();
                    return new SetNode(targets, attribute, value, null);
                }
                case "generation": {
                    List<Node> inner = block(List.of("endgeneration"));
                    expectEnd("endgeneration");
                    return new IfNode(List.of(new Literal(true)), List.of(inner), List.of());
                }
                case "break":
                case "continue":
                    return new ControlNode(word);
                default:
                    throw new ChatTemplateException("line " + line + ": the tag '" + word
                            + "' is not supported by Trainbench's chat-template interpreter");
            }
        }
    }

    private static final class ExprParser {
        private final String s;
        private final int line;
        private int at;

        ExprParser(String source, int line) {
            this.s = source;
            this.line = line;
        }

        private ChatTemplateException error(String problem) {
            return new ChatTemplateException("line " + line + ": " + problem + " in '" + s + "'");
        }

        Expr whole() {
            Expr e = tupleOrExpr();
            end();
            return e;
        }

        void end() {
            skip();
            if (at < s.length()) {
                throw error("unexpected '" + s.substring(at) + "'");
            }
        }

        private void skip() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
                at++;
            }
        }

        boolean accept(String symbol) {
            skip();
            if (s.startsWith(symbol, at)) {
                // "=" must not take the first character of "=="
                if (symbol.equals("=") && s.startsWith("==", at)) {
                    return false;
                }
                if ((symbol.equals("*") || symbol.equals("/")) && s.startsWith(symbol + symbol, at)) {
                    return false;
                }
                at += symbol.length();
                return true;
            }
            return false;
        }

        private boolean peekWord(String word) {
            skip();
            if (!s.startsWith(word, at)) {
                return false;
            }
            int end = at + word.length();
            return end >= s.length() || !(Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_');
        }

        boolean acceptWord(String word) {
            if (peekWord(word)) {
                at += word.length();
                return true;
            }
            return false;
        }

        void expectWord(String word) {
            if (!acceptWord(word)) {
                throw error("expected '" + word + "'");
            }
        }

        String identifier() {
            skip();
            int start = at;
            while (at < s.length() && (Character.isLetterOrDigit(s.charAt(at)) || s.charAt(at) == '_')) {
                at++;
            }
            if (start == at) {
                throw error("expected a name");
            }
            return s.substring(start, at);
        }

        Expr tupleOrExpr() {
            Expr first = conditional();
            if (!peekComma()) {
                return first;
            }
            List<Expr> items = new ArrayList<>();
            items.add(first);
            while (accept(",")) {
                skip();
                if (at >= s.length()) {
                    break;
                }
                items.add(conditional());
            }
            return new ListExpr(items);
        }

        private boolean peekComma() {
            skip();
            return at < s.length() && s.charAt(at) == ',';
        }

        Expr conditional() {
            Expr value = orExpr(true);
            if (acceptWord("if")) {
                Expr condition = orExpr(true);
                Expr otherwise = acceptWord("else") ? conditional() : new Literal(Undefined.INSTANCE);
                return new Conditional(condition, value, otherwise);
            }
            return value;
        }

        Expr orExpr(boolean allowConditional) {
            Expr left = andExpr();
            while (acceptWord("or")) {
                left = new Binary("or", left, andExpr());
            }
            return left;
        }

        private Expr andExpr() {
            Expr left = notExpr();
            while (acceptWord("and")) {
                left = new Binary("and", left, notExpr());
            }
            return left;
        }

        private Expr notExpr() {
            if (acceptWord("not")) {
                return new Unary("not", notExpr());
            }
            return compare();
        }

        private Expr compare() {
            Expr left = additive();
            while (true) {
                skip();
                String op = null;
                for (String candidate : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
                    if (s.startsWith(candidate, at)) {
                        op = candidate;
                        break;
                    }
                }
                if (op != null) {
                    at += op.length();
                    left = new Binary(op, left, additive());
                } else if (acceptWord("in")) {
                    left = new Binary("in", left, additive());
                } else if (peekWord("not") && followedByIn()) {
                    acceptWord("not");
                    acceptWord("in");
                    left = new Binary("not in", left, additive());
                } else {
                    return left;
                }
            }
        }

        private boolean followedByIn() {
            int save = at;
            acceptWord("not");
            boolean in = peekWord("in");
            at = save;
            return in;
        }

        private Expr additive() {
            Expr left = concat();
            while (true) {
                skip();
                if (at < s.length() && (s.charAt(at) == '+' || s.charAt(at) == '-') && !s.startsWith("-}", at)) {
                    String op = String.valueOf(s.charAt(at++));
                    left = new Binary(op, left, concat());
                } else {
                    return left;
                }
            }
        }

        private Expr concat() {
            Expr left = multiplicative();
            while (accept("~")) {
                left = new Binary("~", left, multiplicative());
            }
            return left;
        }

        private Expr multiplicative() {
            Expr left = unary();
            while (true) {
                skip();
                String op = null;
                for (String candidate : new String[] {"//", "/", "%", "*"}) {
                    if (s.startsWith(candidate, at) && !s.startsWith("**", at)) {
                        op = candidate;
                        break;
                    }
                }
                if (op == null) {
                    return left;
                }
                at += op.length();
                left = new Binary(op, left, unary());
            }
        }

        private Expr unary() {
            skip();
            if (at < s.length() && s.charAt(at) == '-') {
                at++;
                return new Unary("-", unary());
            }
            if (at < s.length() && s.charAt(at) == '+') {
                at++;
                return unary();
            }
            return filters(postfix(primary()));
        }

        private Expr filters(Expr e) {
            while (true) {
                skip();
                if (at < s.length() && s.charAt(at) == '|') {
                    at++;
                    String name = identifier();
                    List<Expr> args = new ArrayList<>();
                    Map<String, Expr> kwargs = new LinkedHashMap<>();
                    skip();
                    if (at < s.length() && s.charAt(at) == '(') {
                        at++;
                        arguments(args, kwargs);
                    }
                    e = new Filter(e, name, args, kwargs);
                } else if (acceptWord("is")) {
                    boolean negated = acceptWord("not");
                    String name;
                    skip();
                    if (s.startsWith("==", at)) {
                        at += 2;
                        name = "==";
                    } else {
                        name = identifier();
                    }
                    List<Expr> args = new ArrayList<>();
                    skip();
                    if (at < s.length() && s.charAt(at) == '(') {
                        at++;
                        arguments(args, new LinkedHashMap<>());
                    } else if (at < s.length() && (s.charAt(at) == '\'' || s.charAt(at) == '"'
                            || Character.isDigit(s.charAt(at)))) {
                        args.add(primary());
                    }
                    e = new Test(e, name, args, negated);
                } else {
                    return e;
                }
            }
        }

        private void arguments(List<Expr> args, Map<String, Expr> kwargs) {
            skip();
            if (accept(")")) {
                return;
            }
            while (true) {
                skip();
                int save = at;
                if (at < s.length() && (Character.isLetter(s.charAt(at)) || s.charAt(at) == '_')) {
                    String name = identifier();
                    if (accept("=")) {
                        kwargs.put(name, conditional());
                    } else {
                        at = save;
                        args.add(conditional());
                    }
                } else {
                    args.add(conditional());
                }
                if (accept(")")) {
                    return;
                }
                if (!accept(",")) {
                    throw error("expected ',' or ')' in arguments");
                }
            }
        }

        private Expr postfix(Expr e) {
            while (true) {
                skip();
                if (at >= s.length()) {
                    return e;
                }
                char c = s.charAt(at);
                if (c == '.') {
                    at++;
                    e = new GetAttr(e, identifier());
                } else if (c == '[') {
                    at++;
                    Expr start = null;
                    skip();
                    if (!s.startsWith(":", at)) {
                        start = conditional();
                    }
                    if (accept(":")) {
                        Expr stop = null;
                        Expr step = null;
                        skip();
                        if (!s.startsWith("]", at) && !s.startsWith(":", at)) {
                            stop = conditional();
                        }
                        if (accept(":")) {
                            skip();
                            if (!s.startsWith("]", at)) {
                                step = conditional();
                            }
                        }
                        e = new Slice(e, start, stop, step);
                    } else {
                        e = new GetItem(e, start);
                    }
                    if (!accept("]")) {
                        throw error("expected ']'");
                    }
                } else if (c == '(') {
                    at++;
                    List<Expr> args = new ArrayList<>();
                    Map<String, Expr> kwargs = new LinkedHashMap<>();
                    arguments(args, kwargs);
                    e = new Call(e, args, kwargs);
                } else {
                    return e;
                }
            }
        }

        private Expr primary() {
            skip();
            if (at >= s.length()) {
                throw error("expected an expression");
            }
            char c = s.charAt(at);
            if (c == '\'' || c == '"') {
                return new Literal(string(c));
            }
            if (Character.isDigit(c)) {
                int start = at;
                while (at < s.length() && (Character.isDigit(s.charAt(at)) || s.charAt(at) == '_')) {
                    at++;
                }
                if (at + 1 < s.length() && s.charAt(at) == '.' && Character.isDigit(s.charAt(at + 1))) {
                    at++;
                    while (at < s.length() && (Character.isDigit(s.charAt(at)) || s.charAt(at) == 'e' || s.charAt(at) == 'E')) {
                        at++;
                    }
                    return new Literal(Double.parseDouble(s.substring(start, at).replace("_", "")));
                }
                return new Literal(Long.parseLong(s.substring(start, at).replace("_", "")));
            }
            if (c == '(') {
                at++;
                Expr inner = tupleOrExpr();
                if (!accept(")")) {
                    throw error("expected ')'");
                }
                return inner;
            }
            if (c == '[') {
                at++;
                List<Expr> items = new ArrayList<>();
                if (!accept("]")) {
                    do {
                        skip();
                        if (s.startsWith("]", at)) {
                            break;
                        }
                        items.add(conditional());
                    } while (accept(","));
                    if (!accept("]")) {
                        throw error("expected ']'");
                    }
                }
                return new ListExpr(items);
            }
            if (c == '{') {
                at++;
                List<Expr> keys = new ArrayList<>();
                List<Expr> values = new ArrayList<>();
                if (!accept("}")) {
                    do {
                        skip();
                        if (s.startsWith("}", at)) {
                            break;
                        }
                        keys.add(conditional());
                        if (!accept(":")) {
                            throw error("expected ':' in a dict literal");
                        }
                        values.add(conditional());
                    } while (accept(","));
                    if (!accept("}")) {
                        throw error("expected '}'");
                    }
                }
                return new DictExpr(keys, values);
            }
            String name = identifier();
            return switch (name) {
                case "true", "True" -> new Literal(true);
                case "false", "False" -> new Literal(false);
                case "none", "None" -> new Literal(null);
                default -> new Name(name);
            };
        }

        private String string(char quote) {
            StringBuilder out = new StringBuilder();
            at++;
            while (at < s.length()) {
                char c = s.charAt(at++);
                if (c == quote) {
                    return out.toString();
                }
                if (c == '\\' && at < s.length()) {
                    char e = s.charAt(at++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case '\\' -> out.append('\\');
                        case '\'' -> out.append('\'');
                        case '"' -> out.append('"');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> out.append('\\').append(e);
                    }
                } else {
                    out.append(c);
                }
            }
            throw error("unclosed string");
        }
    }

    // ------------------------------------------------------------------------------------------------ values

    /** Jinja's undefined: renders as nothing, is false, and fails when used in arithmetic or attribute access. */
    enum Undefined {
        INSTANCE
    }

    private static final class LoopControl extends RuntimeException {
        final String kind;

        LoopControl(String kind) {
            super(kind, null, false, false);
            this.kind = kind;
        }
    }

    private static final class Context {
        private final List<Map<String, Object>> scopes = new ArrayList<>();

        void push() {
            scopes.add(new LinkedHashMap<>());
        }

        void pop() {
            scopes.removeLast();
        }

        Object get(String name) {
            for (int i = scopes.size() - 1; i >= 0; i--) {
                if (scopes.get(i).containsKey(name)) {
                    return scopes.get(i).get(name);
                }
            }
            return Undefined.INSTANCE;
        }

        void set(String name, Object value) {
            scopes.getLast().put(name, value);
        }
    }

    private static final class Output {
        final StringBuilder text = new StringBuilder();
        final BitSet marks = new BitSet();

        void append(Object value) {
            if (value instanceof MarkedText m) {
                int base = text.length();
                text.append(m.text);
                for (int i = m.marks.nextSetBit(0); i >= 0; i = m.marks.nextSetBit(i + 1)) {
                    marks.set(base + i);
                }
            } else if (value != Undefined.INSTANCE) {
                text.append(pyStr(value));
            }
        }
    }

    /** A {@code namespace(...)} object: attributes can be assigned inside loops. */
    private static final class Namespace extends LinkedHashMap<String, Object> {
    }

    // ------------------------------------------------------------------------------------------------ interpreter

    private static void execute(List<Node> nodes, Context context, Output out) {
        for (Node node : nodes) {
            switch (node) {
                case TextNode t -> out.text.append(t.text());
                case OutputNode o -> out.append(eval(o.expr(), context));
                case IfNode i -> {
                    boolean done = false;
                    for (int k = 0; k < i.conditions().size() && !done; k++) {
                        if (truthy(eval(i.conditions().get(k), context))) {
                            execute(i.bodies().get(k), context, out);
                            done = true;
                        }
                    }
                    if (!done) {
                        execute(i.elseBody(), context, out);
                    }
                }
                case ForNode f -> executeFor(f, context, out);
                case SetNode s -> {
                    Object value;
                    if (s.value() == null) {
                        Output inner = new Output();
                        execute(s.block(), context, inner);
                        value = new MarkedText(inner.text.toString(), inner.marks);
                    } else {
                        value = eval(s.value(), context);
                    }
                    if (s.attribute() != null) {
                        Object target = context.get(s.targets().getFirst());
                        if (!(target instanceof Namespace namespace)) {
                            throw new ChatTemplateException("cannot set attribute '" + s.attribute() + "' of "
                                    + s.targets().getFirst() + ": only namespace() objects take attributes");
                        }
                        namespace.put(s.attribute(), value);
                    } else if (s.targets().size() == 1) {
                        context.set(s.targets().getFirst(), value);
                    } else {
                        List<Object> items = iterate(value);
                        for (int k = 0; k < s.targets().size(); k++) {
                            context.set(s.targets().get(k), k < items.size() ? items.get(k) : Undefined.INSTANCE);
                        }
                    }
                }
                case ControlNode c -> throw new LoopControl(c.kind());
            }
        }
    }

    private static void executeFor(ForNode f, Context context, Output out) {
        List<Object> items = new ArrayList<>(iterate(eval(f.iterable(), context)));
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                context.push();
                bindTargets(f.targets(), item, context);
                if (truthy(eval(f.filter(), context))) {
                    kept.add(item);
                }
                context.pop();
            }
            items = kept;
        }
        if (items.isEmpty()) {
            execute(f.elseBody(), context, out);
            return;
        }
        context.push();
        try {
            int n = items.size();
            for (int i = 0; i < n; i++) {
                Map<String, Object> loop = new LinkedHashMap<>();
                loop.put("index", (long) i + 1);
                loop.put("index0", (long) i);
                loop.put("revindex", (long) (n - i));
                loop.put("revindex0", (long) (n - i - 1));
                loop.put("first", i == 0);
                loop.put("last", i == n - 1);
                loop.put("length", (long) n);
                loop.put("previtem", i > 0 ? items.get(i - 1) : Undefined.INSTANCE);
                loop.put("nextitem", i + 1 < n ? items.get(i + 1) : Undefined.INSTANCE);
                context.set("loop", loop);
                bindTargets(f.targets(), items.get(i), context);
                try {
                    execute(f.body(), context, out);
                } catch (LoopControl control) {
                    if (control.kind.equals("break")) {
                        break;
                    }
                }
            }
        } finally {
            context.pop();
        }
    }

    private static void bindTargets(List<String> targets, Object item, Context context) {
        if (targets.size() == 1) {
            context.set(targets.getFirst(), item);
            return;
        }
        List<Object> parts = iterate(item);
        if (parts.size() != targets.size()) {
            throw new ChatTemplateException("cannot unpack " + parts.size() + " values into " + targets);
        }
        for (int k = 0; k < targets.size(); k++) {
            context.set(targets.get(k), parts.get(k));
        }
    }

    private static Object eval(Expr expr, Context context) {
        switch (expr) {
            case Literal l:
                return l.value();
            case Name n:
                return context.get(n.name());
            case ListExpr l: {
                List<Object> items = new ArrayList<>();
                for (Expr item : l.items()) {
                    items.add(eval(item, context));
                }
                return items;
            }
            case DictExpr d: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int k = 0; k < d.keys().size(); k++) {
                    map.put(pyStr(eval(d.keys().get(k), context)), eval(d.values().get(k), context));
                }
                return map;
            }
            case GetAttr g:
                return attribute(eval(g.target(), context), g.name());
            case GetItem g:
                return item(eval(g.target(), context), eval(g.index(), context));
            case Slice s:
                return slice(eval(s.target(), context), s.start() == null ? null : eval(s.start(), context),
                        s.stop() == null ? null : eval(s.stop(), context), s.step() == null ? null : eval(s.step(), context));
            case Call c:
                return call(c, context);
            case Filter f:
                return Filters.apply(f.name(), eval(f.target(), context), evalAll(f.args(), context), evalKw(f.kwargs(), context));
            case Test t: {
                Object value = t.target() instanceof Name n ? context.get(n.name()) : evalLenient(t.target(), context);
                boolean result = Filters.test(t.name(), value, evalAll(t.args(), context));
                return t.negated() != result;
            }
            case Unary u: {
                Object value = eval(u.operand(), context);
                if (u.op().equals("not")) {
                    return !truthy(value);
                }
                if (value instanceof Long l) {
                    return -l;
                }
                return -toDouble(value);
            }
            case Conditional c:
                return truthy(eval(c.condition(), context)) ? eval(c.then(), context) : eval(c.otherwise(), context);
            case Binary b:
                return binary(b, context);
        }
    }

    /** For tests: {@code x.y is defined} must not fail when x has no y. */
    private static Object evalLenient(Expr expr, Context context) {
        if (expr instanceof GetAttr g) {
            Object target = evalLenient(g.target(), context);
            return target == Undefined.INSTANCE ? Undefined.INSTANCE : attribute(target, g.name());
        }
        return eval(expr, context);
    }

    private static List<Object> evalAll(List<Expr> exprs, Context context) {
        List<Object> values = new ArrayList<>();
        for (Expr e : exprs) {
            values.add(eval(e, context));
        }
        return values;
    }

    private static Map<String, Object> evalKw(Map<String, Expr> exprs, Context context) {
        Map<String, Object> values = new LinkedHashMap<>();
        exprs.forEach((k, v) -> values.put(k, eval(v, context)));
        return values;
    }

    private static Object binary(Binary b, Context context) {
        if (b.op().equals("and")) {
            Object left = eval(b.left(), context);
            return truthy(left) ? eval(b.right(), context) : left;
        }
        if (b.op().equals("or")) {
            Object left = eval(b.left(), context);
            return truthy(left) ? left : eval(b.right(), context);
        }
        Object left = eval(b.left(), context);
        Object right = eval(b.right(), context);
        switch (b.op()) {
            case "~":
                return MarkedText.concat(left == Undefined.INSTANCE ? "" : left, right == Undefined.INSTANCE ? "" : right);
            case "+":
                if (isString(left) && isString(right)) {
                    return MarkedText.concat(left, right);
                }
                if (left instanceof List<?> l && right instanceof List<?> r) {
                    List<Object> joined = new ArrayList<>(l);
                    joined.addAll(r);
                    return joined;
                }
                return arithmetic("+", left, right);
            case "-":
            case "*":
            case "/":
            case "//":
            case "%":
                if (b.op().equals("*") && isString(left) && right instanceof Long n) {
                    return pyStr(left).repeat((int) Math.max(0, n));
                }
                return arithmetic(b.op(), left, right);
            case "==":
                return pyEquals(left, right);
            case "!=":
                return !pyEquals(left, right);
            case "<":
            case "<=":
            case ">":
            case ">=": {
                int c = compare(left, right);
                return switch (b.op()) {
                    case "<" -> c < 0;
                    case "<=" -> c <= 0;
                    case ">" -> c > 0;
                    default -> c >= 0;
                };
            }
            case "in":
                return contains(right, left);
            case "not in":
                return !contains(right, left);
            default:
                throw new ChatTemplateException("unknown operator " + b.op());
        }
    }

    private static boolean isString(Object value) {
        return value instanceof String || value instanceof MarkedText;
    }

    private static Object arithmetic(String op, Object left, Object right) {
        if (left == Undefined.INSTANCE || right == Undefined.INSTANCE) {
            throw new ChatTemplateException("an undefined value is used with '" + op + "'");
        }
        if (left instanceof Boolean bl) {
            left = bl ? 1L : 0L;
        }
        if (right instanceof Boolean br) {
            right = br ? 1L : 0L;
        }
        if (left instanceof Long a && right instanceof Long c) {
            return switch (op) {
                case "+" -> a + c;
                case "-" -> a - c;
                case "*" -> a * c;
                case "/" -> (double) a / c;
                case "//" -> Math.floorDiv(a, c);
                case "%" -> Math.floorMod(a, c);
                default -> throw new ChatTemplateException("unknown operator " + op);
            };
        }
        if (!(left instanceof Number) || !(right instanceof Number)) {
            throw new ChatTemplateException("unsupported operand types for " + op + ": " + typeName(left) + " and "
                    + typeName(right));
        }
        double a = toDouble(left);
        double c = toDouble(right);
        return switch (op) {
            case "+" -> a + c;
            case "-" -> a - c;
            case "*" -> a * c;
            case "/" -> a / c;
            case "//" -> Math.floor(a / c);
            case "%" -> a - c * Math.floor(a / c);
            default -> throw new ChatTemplateException("unknown operator " + op);
        };
    }

    static double toDouble(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new ChatTemplateException("expected a number, found " + typeName(value));
    }

    static String typeName(Object value) {
        return switch (value) {
            case null -> "none";
            case Undefined u -> "undefined";
            case String s -> "string";
            case MarkedText m -> "string";
            case Long l -> "int";
            case Double d -> "float";
            case Boolean b -> "bool";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            default -> value.getClass().getSimpleName();
        };
    }

    static boolean pyEquals(Object a, Object b) {
        if (a instanceof MarkedText m) {
            a = m.text;
        }
        if (b instanceof MarkedText m) {
            b = m.text;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof Boolean x && b instanceof Number y) {
            return (x ? 1 : 0) == y.doubleValue();
        }
        if (a instanceof Number x && b instanceof Boolean y) {
            return (y ? 1 : 0) == x.doubleValue();
        }
        if (a == Undefined.INSTANCE || b == Undefined.INSTANCE) {
            return a == b;
        }
        return java.util.Objects.equals(a, b);
    }

    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (isString(a) && isString(b)) {
            return pyStr(a).compareTo(pyStr(b));
        }
        throw new ChatTemplateException("cannot compare " + typeName(a) + " with " + typeName(b));
    }

    private static boolean contains(Object container, Object element) {
        if (isString(container)) {
            return pyStr(container).contains(pyStr(element));
        }
        if (container instanceof Map<?, ?> map) {
            return map.containsKey(pyStr(element));
        }
        if (container instanceof List<?> list) {
            for (Object item : list) {
                if (pyEquals(item, element)) {
                    return true;
                }
            }
            return false;
        }
        if (container == Undefined.INSTANCE) {
            throw new ChatTemplateException("'in' on an undefined value");
        }
        throw new ChatTemplateException("'in' needs a string, list or dict, found " + typeName(container));
    }

    static boolean truthy(Object value) {
        return switch (value) {
            case null -> false;
            case Undefined u -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0;
            case String s -> !s.isEmpty();
            case MarkedText m -> !m.text.isEmpty();
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    static List<Object> iterate(Object value) {
        if (value instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        if (value instanceof Map<?, ?> map) {
            return new ArrayList<>(map.keySet());
        }
        if (isString(value)) {
            List<Object> chars = new ArrayList<>();
            pyStr(value).codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
            return chars;
        }
        if (value == Undefined.INSTANCE || value == null) {
            if (value == null) {
                throw new ChatTemplateException("'NoneType' object is not iterable");
            }
            return List.of();
        }
        throw new ChatTemplateException("cannot iterate over " + typeName(value));
    }

    private static Object attribute(Object target, String name) {
        if (target instanceof Map<?, ?> map) {
            if (map.containsKey(name)) {
                return map.get(name);
            }
            if (!(target instanceof Namespace) && List.of("items", "keys", "values", "get").contains(name)) {
                return new BoundMethod(target, name);
            }
            return Undefined.INSTANCE;
        }
        if (isString(target) || target instanceof List<?>) {
            return new BoundMethod(target, name);
        }
        if (target == Undefined.INSTANCE) {
            throw new ChatTemplateException("'" + name + "' of an undefined value");
        }
        if (target == null) {
            throw new ChatTemplateException("'None' has no attribute '" + name + "'");
        }
        return Undefined.INSTANCE;
    }

    private static Object item(Object target, Object index) {
        if (target instanceof Map<?, ?> map) {
            String key = pyStr(index);
            return map.containsKey(key) ? map.get(key) : Undefined.INSTANCE;
        }
        if (target instanceof List<?> list && index instanceof Long i) {
            long k = i < 0 ? list.size() + i : i;
            if (k < 0 || k >= list.size()) {
                return Undefined.INSTANCE;
            }
            return list.get((int) k);
        }
        if (isString(target) && index instanceof Long i) {
            Object sliced = slice(target, i, i == -1 ? null : i + 1, null);
            return sliced;
        }
        if (target == Undefined.INSTANCE) {
            throw new ChatTemplateException("an item of an undefined value");
        }
        return Undefined.INSTANCE;
    }

    private static Object slice(Object target, Object start, Object stop, Object step) {
        int length = target instanceof List<?> l ? l.size() : isString(target) ? pyStr(target).length() : -1;
        if (length < 0) {
            throw new ChatTemplateException("cannot slice " + typeName(target));
        }
        long stepValue = step == null ? 1 : (Long) step;
        if (stepValue != 1) {
            if (stepValue == -1 && start == null && stop == null) {
                if (target instanceof List<?> l) {
                    List<Object> reversed = new ArrayList<>(l);
                    java.util.Collections.reverse(reversed);
                    return reversed;
                }
                return new StringBuilder(pyStr(target)).reverse().toString();
            }
            throw new ChatTemplateException("slices with a step other than 1 or -1 are not supported");
        }
        int a = clampIndex(start, length, 0);
        int b = clampIndex(stop, length, length);
        if (b < a) {
            b = a;
        }
        if (target instanceof List<?> l) {
            return new ArrayList<>(l.subList(a, b));
        }
        if (target instanceof MarkedText m) {
            return m.substring(a, b);
        }
        return pyStr(target).substring(a, b);
    }

    private static int clampIndex(Object index, int length, int fallback) {
        if (index == null) {
            return fallback;
        }
        long i = (Long) index;
        if (i < 0) {
            i += length;
        }
        return (int) Math.max(0, Math.min(length, i));
    }

    private record BoundMethod(Object target, String name) {
    }

    private static Object call(Call c, Context context) {
        List<Object> args = evalAll(c.args(), context);
        Map<String, Object> kwargs = evalKw(c.kwargs(), context);
        if (c.target() instanceof Name n) {
            switch (n.name()) {
                case "raise_exception":
                    throw new ChatTemplateException(args.isEmpty() ? "raise_exception() was called" : pyStr(args.getFirst()));
                case "namespace": {
                    Namespace namespace = new Namespace();
                    namespace.putAll(kwargs);
                    return namespace;
                }
                case "range": {
                    long start = args.size() > 1 ? (Long) args.get(0) : 0;
                    long stop = (Long) args.get(args.size() > 1 ? 1 : 0);
                    List<Object> values = new ArrayList<>();
                    for (long i = start; i < stop; i++) {
                        values.add(i);
                    }
                    return values;
                }
                case "strftime_now":
                    return java.time.LocalDate.now().format(java.time.format.DateTimeFormatter.ofPattern(
                            pyStr(args.getFirst()).replace("%d", "dd").replace("%B", "MMMM").replace("%b", "MMM")
                                    .replace("%Y", "yyyy").replace("%m", "MM"), Locale.ENGLISH));
                default:
                    break;
            }
        }
        Object target = eval(c.target(), context);
        if (target instanceof BoundMethod method) {
            return Filters.method(method.target(), method.name(), args);
        }
        if (target == Undefined.INSTANCE) {
            throw new ChatTemplateException("'" + describe(c.target()) + "' is undefined and cannot be called");
        }
        throw new ChatTemplateException(typeName(target) + " is not callable");
    }

    private static String describe(Expr expr) {
        return switch (expr) {
            case Name n -> n.name();
            case GetAttr g -> describe(g.target()) + "." + g.name();
            default -> "expression";
        };
    }

    /** Python's str() of a value, as Jinja prints it. */
    static String pyStr(Object value) {
        return switch (value) {
            case null -> "None";
            case Undefined u -> "";
            case String s -> s;
            case MarkedText m -> m.text;
            case Boolean b -> b ? "True" : "False";
            case Double d -> Filters.pyFloat(d);
            case List<?> l -> Filters.pyRepr(l);
            case Map<?, ?> m -> Filters.pyRepr(m);
            default -> value.toString();
        };
    }
}
