package org.trainbench.engine.tokenizer.chat;

import java.util.List;

/**
 * A statement of a parsed template: text, an output, or a control structure ({@link TemplateParser} makes them,
 * {@link Interpreter} runs them).
 */
sealed interface Node {
    record TextNode(String text) implements Node {
    }

    record OutputNode(Expr expr, int line) implements Node {
    }

    record IfNode(List<Expr> conditions, List<List<Node>> bodies, List<Node> elseBody) implements Node {
    }

    record ForNode(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> elseBody, int line)
            implements Node {
    }

    record SetNode(List<String> targets, String attribute, Expr value, List<Node> block) implements Node {
    }

    record ControlNode(String kind) implements Node {
    }
}
