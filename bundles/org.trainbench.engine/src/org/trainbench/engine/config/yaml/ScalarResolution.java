package org.trainbench.engine.config.yaml;

import java.math.BigInteger;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * YAML 1.1 implicit typing of plain scalars, with the same patterns as PyYAML 6's resolver (which Fast-LLM uses), and
 * the writing of scalars by the same rules: the engine's config reader, the data configs, the launch bundle and the
 * writer of resolved configs all go through here. {@code PyYamlScalarsTest} pins both directions to PyYAML's own
 * output ({@code tools/reference/yaml_scalar_fixtures.py}).
 * Public so that other front ends (the Xtext editor) resolve scalars exactly as the engine does.
 */
public final class ScalarResolution {

    private static final Set<String> TRUE = Set.of("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON");
    private static final Set<String> FALSE = Set.of("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF");
    private static final Set<String> NULL = Set.of("", "~", "null", "Null", "NULL");

    private static final Pattern FLOAT = Pattern.compile(
            "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
                    + "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
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

    /**
     * The same number written so that YAML 1.1 reads it as a float, in the scientific style of a suggestion
     * ({@code 1e-5 -> 1.0e-05}, {@code 3e-4 -> 3.0e-04}) for magnitudes below 1e-3 or from 1e7 on, plainly otherwise;
     * exact (the shortest digits that read back as {@code value}).
     */
    public static String asYaml11Float(double value) {
        if (!Double.isFinite(value)) {
            return writeFloat(value);
        }
        Decimal decimal = Decimal.of(value);
        if (value != 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e7)) {
            return decimal.scientific();
        }
        return decimal.fixed();
    }

    // ----------------------------------------------------------------------------------------------- writing

    /**
     * A float as PyYAML's {@code safe_dump} writes it (Python's {@code repr}, lower case, {@code .0} added to a
     * mantissa without a dot so that YAML 1.1 reads it as a float): {@code 1.0e-05}, {@code 0.0003}, {@code 123.0},
     * {@code 1.0e+16}, {@code .inf}, {@code .nan}. Reads back as exactly {@code value}.
     */
    public static String writeFloat(double value) {
        if (Double.isNaN(value)) {
            return ".nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? ".inf" : "-.inf";
        }
        Decimal decimal = Decimal.of(value);
        int exponent = decimal.exponent();
        // Python's repr switches to scientific notation below 1e-4 and from 1e16 on.
        return value == 0 || (exponent >= -4 && exponent < 16) ? decimal.fixed() : decimal.scientific();
    }

    /**
     * A string as a YAML 1.1 scalar that reads back as the same string: plain when that is safe in block and flow
     * context alike (PyYAML's resolver types it as a string, no indicator starts it, no {@code ": "}, {@code " #"} or
     * flow indicator inside, printable ASCII, no surrounding spaces), otherwise double-quoted with escapes.
     */
    public static String writeString(String text) {
        return canBePlain(text) ? text : doubleQuoted(text);
    }

    private static boolean canBePlain(String text) {
        if (text.isEmpty() || !text.equals(text.strip()) || resolverClaims(text)
                || "-?:,[]{}#&*!|>'\"%@`".indexOf(text.charAt(0)) >= 0) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == ',' || c == '[' || c == ']' || c == '{' || c == '}') {
                return false;
            }
        }
        return !text.contains(": ") && !text.endsWith(":") && !text.contains(" #");
    }

    private static String doubleQuoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                // line breaks to YAML 1.1 (PyYAML), ordinary characters to Java: escaped so that neither reader splits the line
                case '\u0085' -> out.append("\\N");
                case '\u2028' -> out.append("\\L");
                case '\u2029' -> out.append("\\P");
                default -> {
                    if (c < 0x20 || c == 0x7F || c == '\uFEFF') {
                        out.append(String.format(java.util.Locale.ROOT, c <= 0xFF ? "\\x%02x" : "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * Whether PyYAML's resolver gives this plain text a tag other than {@code str}: the types above, and also the texts
     * it types but cannot construct ({@code 0b_}, {@code 0x_}, {@code =}, {@code <<}), which the engine reads as
     * strings but a writer must quote.
     */
    private static boolean resolverClaims(String text) {
        return kind(text) != ScalarNode.Kind.STRING || text.equals("=") || text.equals("<<")
                || INTEGER.matcher(text).matches() || FLOAT.matcher(text).matches();
    }

    /**
     * A finite double as its shortest decimal digits (those that read back as the same double, as both Java's
     * {@link Double#toString} and Python's {@code repr} choose them) and the decimal exponent of the first digit.
     */
    private record Decimal(boolean negative, String digits, int exponent) {
        static Decimal of(double value) {
            boolean negative = value < 0 || (value == 0 && 1 / value < 0);
            if (value == 0) {
                return new Decimal(negative, "0", 0);
            }
            java.math.BigDecimal shortest = new java.math.BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
            if (shortest.precision() == 2) {
                // Double.toString prints at least two digits; where one digit also reads back (5e-324) Python's repr uses it.
                java.math.BigDecimal one = shortest.round(new java.math.MathContext(1, java.math.RoundingMode.HALF_EVEN));
                if (Double.parseDouble(one.toString()) == Math.abs(value)) {
                    shortest = one.stripTrailingZeros();
                }
            }
            String digits = shortest.unscaledValue().toString();
            return new Decimal(negative, digits, digits.length() - 1 - shortest.scale());
        }

        /** {@code 0.0003}, {@code 123.0}, {@code 1000000000000000.0}. */
        String fixed() {
            String sign = negative ? "-" : "";
            if (exponent < 0) {
                return sign + "0." + "0".repeat(-exponent - 1) + digits;
            }
            if (digits.length() <= exponent + 1) {
                return sign + digits + "0".repeat(exponent + 1 - digits.length()) + ".0";
            }
            return sign + digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
        }

        /** {@code 1.0e-05}, {@code 2.5e+16}: a dot and a signed exponent of at least two digits, as YAML 1.1 needs. */
        String scientific() {
            String mantissa = digits.charAt(0) + "." + (digits.length() > 1 ? digits.substring(1) : "0");
            int magnitude = Math.abs(exponent);
            return (negative ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "")
                    + magnitude;
        }
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
