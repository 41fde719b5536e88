package org.trainbench.engine.tokenizer.chat;

import java.util.List;
import java.util.Map;

/** An expression of a parsed template ({@link ExpressionParser} makes them, {@link Interpreter} evaluates them). */
sealed interface Expr {
    record Literal(Object value) implements Expr {
    }

    record Name(String name) implements Expr {
    }

    record GetAttr(Expr target, String name) implements Expr {
    }

    record GetItem(Expr target, Expr index) implements Expr {
    }

    record Slice(Expr target, Expr start, Expr stop, Expr step) implements Expr {
    }

    record Call(Expr target, List<Expr> args, Map<String, Expr> kwargs) implements Expr {
    }

    record Filter(Expr target, String name, List<Expr> args, Map<String, Expr> kwargs) implements Expr {
    }

    record Test(Expr target, String name, List<Expr> args, boolean negated) implements Expr {
    }

    record Binary(String op, Expr left, Expr right) implements Expr {
    }

    record Unary(String op, Expr operand) implements Expr {
    }

    record Conditional(Expr condition, Expr then, Expr otherwise) implements Expr {
    }

    record ListExpr(List<Expr> items) implements Expr {
    }

    record DictExpr(List<Expr> keys, List<Expr> values) implements Expr {
    }
}
