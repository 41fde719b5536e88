package org.trainbench.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.List;

import org.trainbench.engine.tokenizer.chat.Expr.Literal;
import org.trainbench.engine.tokenizer.chat.Node.ControlNode;
import org.trainbench.engine.tokenizer.chat.Node.ForNode;
import org.trainbench.engine.tokenizer.chat.Node.IfNode;
import org.trainbench.engine.tokenizer.chat.Node.OutputNode;
import org.trainbench.engine.tokenizer.chat.Node.SetNode;
import org.trainbench.engine.tokenizer.chat.Node.TextNode;
import org.trainbench.engine.tokenizer.chat.TemplateLexer.Token;

/**
 * Builds the statement tree of a template from its tokens: text, outputs, {@code if/elif/else}, {@code for},
 * {@code set}, {@code generation} blocks and loop controls; expressions are {@link ExpressionParser}'s. A syntax
 * error or an unsupported tag is a {@link ChatTemplateException} naming the line.
 */
final class TemplateParser {
    private final List<Token> tokens;
    private int at;

    TemplateParser(List<Token> tokens) {
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
                    nodes.add(new OutputNode(new ExpressionParser(t.content(), t.line()).whole(), t.line()));
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
                conditions.add(new ExpressionParser(rest, line).whole());
                bodies.add(block(List.of("elif", "else", "endif")));
                List<Node> elseBody = List.of();
                while (true) {
                    Token end = tokens.get(at);
                    String w = firstWord(end.content());
                    at++;
                    if (w.equals("elif")) {
                        conditions.add(new ExpressionParser(end.content().substring(4).strip(), end.line()).whole());
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
                ExpressionParser p = new ExpressionParser(rest, line);
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
                ExpressionParser p = new ExpressionParser(rest, line);
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
