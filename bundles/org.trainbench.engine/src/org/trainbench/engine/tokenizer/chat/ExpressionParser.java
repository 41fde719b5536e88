package org.trainbench.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.tokenizer.chat.Expr.Binary;
import org.trainbench.engine.tokenizer.chat.Expr.Call;
import org.trainbench.engine.tokenizer.chat.Expr.Conditional;
import org.trainbench.engine.tokenizer.chat.Expr.DictExpr;
import org.trainbench.engine.tokenizer.chat.Expr.Filter;
import org.trainbench.engine.tokenizer.chat.Expr.GetAttr;
import org.trainbench.engine.tokenizer.chat.Expr.GetItem;
import org.trainbench.engine.tokenizer.chat.Expr.ListExpr;
import org.trainbench.engine.tokenizer.chat.Expr.Literal;
import org.trainbench.engine.tokenizer.chat.Expr.Name;
import org.trainbench.engine.tokenizer.chat.Expr.Slice;
import org.trainbench.engine.tokenizer.chat.Expr.Test;
import org.trainbench.engine.tokenizer.chat.Expr.Unary;

/**
 * Parses one Jinja expression (the inside of {@code {{ }}} or of a statement) by recursive descent, with Jinja's
 * precedence: conditional expressions, {@code or}, {@code and}, {@code not}, comparisons and tests, {@code ~},
 * additive, multiplicative, unary minus, then postfix attribute, item, slice, call and filter. An error names the
 * line and the expression.
 */
final class ExpressionParser {
    private final String s;
    private final int line;
    private int at;

    ExpressionParser(String source, int line) {
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
