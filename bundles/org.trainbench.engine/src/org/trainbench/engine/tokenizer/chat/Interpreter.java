package org.trainbench.engine.tokenizer.chat;

import static org.trainbench.engine.tokenizer.chat.Values.arithmetic;
import static org.trainbench.engine.tokenizer.chat.Values.compare;
import static org.trainbench.engine.tokenizer.chat.Values.contains;
import static org.trainbench.engine.tokenizer.chat.Values.isString;
import static org.trainbench.engine.tokenizer.chat.Values.item;
import static org.trainbench.engine.tokenizer.chat.Values.iterate;
import static org.trainbench.engine.tokenizer.chat.Values.pyEquals;
import static org.trainbench.engine.tokenizer.chat.Values.pyStr;
import static org.trainbench.engine.tokenizer.chat.Values.slice;
import static org.trainbench.engine.tokenizer.chat.Values.toDouble;
import static org.trainbench.engine.tokenizer.chat.Values.truthy;
import static org.trainbench.engine.tokenizer.chat.Values.typeName;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
import org.trainbench.engine.tokenizer.chat.Node.ControlNode;
import org.trainbench.engine.tokenizer.chat.Node.ForNode;
import org.trainbench.engine.tokenizer.chat.Node.IfNode;
import org.trainbench.engine.tokenizer.chat.Node.OutputNode;
import org.trainbench.engine.tokenizer.chat.Node.SetNode;
import org.trainbench.engine.tokenizer.chat.Node.TextNode;

/**
 * Runs a parsed template: executes its statements in nested scopes, evaluates its expressions ({@link Values} for the
 * value semantics, {@link Filters} for filters, tests and string and dict methods) and writes the output, carrying the
 * marks of assistant content ({@link MarkedText}) into it.
 */
final class Interpreter {
    private Interpreter() {
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

    /** What a template wrote, and which of its UTF-16 positions came from assistant content. */
    static final class Output {
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

    /** Runs {@code body} with these global variables; a break or continue outside a loop is an error. */
    static Output run(List<Node> body, Map<String, Object> globals) {
        Context context = new Context();
        context.push();
        globals.forEach(context::set);
        Output out = new Output();
        try {
            execute(body, context, out);
        } catch (LoopControl control) {
            throw new ChatTemplateException("'" + control.kind + "' outside a for loop");
        }
        return out;
    }

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
}
