package org.trainbench.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The values a template computes with, as Python and Jinja treat them: None, {@link Undefined}, strings (also
 * {@link MarkedText}), Long, Double, Boolean, lists and dicts. Truth, equality, comparison, {@code in}, arithmetic,
 * iteration, indexing, slicing and {@code str()} follow Python's rules.
 */
final class Values {
    private Values() {
    }

    static boolean isString(Object value) {
        return value instanceof String || value instanceof MarkedText;
    }

    static Object arithmetic(String op, Object left, Object right) {
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

    static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (isString(a) && isString(b)) {
            return pyStr(a).compareTo(pyStr(b));
        }
        throw new ChatTemplateException("cannot compare " + typeName(a) + " with " + typeName(b));
    }

    static boolean contains(Object container, Object element) {
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

    static Object item(Object target, Object index) {
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

    static Object slice(Object target, Object start, Object stop, Object step) {
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
