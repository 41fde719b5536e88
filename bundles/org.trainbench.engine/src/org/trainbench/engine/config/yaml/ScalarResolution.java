package org.trainbench.engine.config.yaml;

import java.math.BigInteger;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * YAML 1.1 implicit typing of plain scalars, with the same patterns as PyYAML's resolver (which Fast-LLM uses).
 * Public so that other front ends (the Xtext editor) resolve scalars exactly as the engine does.
 */
public final class ScalarResolution {

    private static final Set<String> TRUE = Set.of("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON");
    private static final Set<String> FALSE = Set.of("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF");
    private static final Set<String> NULL = Set.of("", "~", "null", "Null", "NULL");

    private static final Pattern FLOAT = Pattern.compile(
            "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
                    + "|\\.[0-9_]+(?:[eE][-+][0-9]+)?"
                    + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
                    + "|[-+]?\\.(?:inf|Inf|INF)"
                    + "|\\.(?:nan|NaN|NAN)");
    private static final Pattern INTEGER = Pattern.compile(
            "[-+]?0b[0-1_]+"
                    + "|[-+]?0[0-7_]+"
                    + "|[-+]?(?:0|[1-9][0-9_]*)"
                    + "|[-+]?0x[0-9a-fA-F_]+"
                    + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
    private static final Pattern TIMESTAMP = Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}"
                    + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?"
                    + "(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?");
    /** What a float looks like to a person or to Java, though YAML 1.1 reads it as a string: {@code 1e-5}, {@code 3E4}. */
    private static final Pattern FLOAT_LOOKING_STRING = Pattern.compile("[-+]?(?:[0-9][0-9_]*)(?:\\.[0-9_]*)?[eE][-+]?[0-9]+");

    private ScalarResolution() {
    }

    /** The YAML 1.1 type of a plain scalar with this text. */
    public static ScalarNode.Kind kind(String text) {
        if (NULL.contains(text)) {
            return ScalarNode.Kind.NULL;
        }
        if (TRUE.contains(text) || FALSE.contains(text)) {
            return ScalarNode.Kind.BOOLEAN;
        }
        char first = text.charAt(0);
        if (first == '-' || first == '+' || first == '.' || (first >= '0' && first <= '9')) {
            if (INTEGER.matcher(text).matches() && parses(text, true)) {
                return ScalarNode.Kind.INTEGER;
            }
            if (FLOAT.matcher(text).matches() && parses(text, false)) {
                return ScalarNode.Kind.FLOAT;
            }
            if (TIMESTAMP.matcher(text).matches()) {
                return ScalarNode.Kind.TIMESTAMP;
            }
        }
        return ScalarNode.Kind.STRING;
    }

    /**
     * Whether a plain scalar that YAML 1.1 reads as a string would be a number to most readers, like {@code 1e-5}
     * (PyYAML needs a dot and a signed exponent: {@code 1.0e-05}).
     */
    public static boolean looksLikeFloat(String text) {
        return FLOAT_LOOKING_STRING.matcher(text).matches();
    }

    /** The same number written so that YAML 1.1 reads it as a float, e.g. {@code 1e-5 -> 1.0e-05}. */
    public static String asYaml11Float(double value) {
        if (value != 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e7)) {
            String formatted = String.format(java.util.Locale.ROOT, "%.6e", value);
            int e = formatted.indexOf('e');
            String mantissa = formatted.substring(0, e).replaceAll("0+$", "");
            if (mantissa.endsWith(".")) {
                mantissa += "0";
            }
            return mantissa + formatted.substring(e);
        }
        String plain = java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    /**
     * Whether the matched text also converts: a few pattern matches such as {@code 0b_} or {@code ._} have no digit
     * at all (PyYAML fails on them while constructing); we keep those as strings.
     */
    private static boolean parses(String text, boolean integer) {
        try {
            if (integer) {
                integerValue(text);
            } else {
                floatValue(text);
            }
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static boolean booleanValue(String text) {
        return TRUE.contains(text);
    }

    static BigInteger integerValue(String text) {
        String digits = text.replace("_", "");
        boolean negative = digits.startsWith("-");
        if (digits.startsWith("-") || digits.startsWith("+")) {
            digits = digits.substring(1);
        }
        BigInteger value;
        if (digits.startsWith("0b")) {
            value = new BigInteger(digits.substring(2), 2);
        } else if (digits.startsWith("0x")) {
            value = new BigInteger(digits.substring(2), 16);
        } else if (digits.contains(":")) {
            value = BigInteger.ZERO;
            for (String part : digits.split(":")) {
                value = value.multiply(BigInteger.valueOf(60)).add(new BigInteger(part));
            }
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            value = new BigInteger(digits.substring(1), 8);
        } else {
            value = new BigInteger(digits);
        }
        return negative ? value.negate() : value;
    }

    static double floatValue(String text) {
        String digits = text.replace("_", "");
        String lower = digits.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".inf")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (lower.equals(".nan")) {
            return Double.NaN;
        }
        if (digits.contains(":")) {
            boolean negative = digits.startsWith("-");
            String unsigned = negative || digits.startsWith("+") ? digits.substring(1) : digits;
            double value = 0;
            for (String part : unsigned.split(":")) {
                value = value * 60 + Double.parseDouble(part);
            }
            return negative ? -value : value;
        }
        if (digits.endsWith(".") || digits.contains(".e") || digits.contains(".E")) {
            digits = digits.replace(".", ".0");
        }
        return Double.parseDouble(digits);
    }
}
