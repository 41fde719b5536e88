package org.trainbench.engine.hf;

import java.util.List;
import java.util.Map;

import org.trainbench.engine.json.Json;

/** JSON with two-space indentation, as Hugging Face writes config.json, so exported files read well and diff well. */
final class PrettyJson {
    private PrettyJson() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, "");
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, String indent) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(indent).append("  ");
                Json.quote(out, String.valueOf(e.getKey()));
                out.append(": ");
                write(out, e.getValue(), indent + "  ");
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            out.append("[\n");
            for (int i = 0; i < list.size(); i++) {
                out.append(indent).append("  ");
                write(out, list.get(i), indent + "  ");
                out.append(i + 1 < list.size() ? ",\n" : "\n");
            }
            out.append(indent).append(']');
        } else if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append(String.format(java.util.Locale.ROOT, "%.1f", d)); // 500000.0, not 500000.0E0 forms
        } else if (value instanceof Double d) {
            out.append(pythonFloat(d));
        } else {
            Json.write(out, value);
        }
    }

    /** Shortest round-trip form of a double in Python's spelling (1e-05 rather than 1.0E-5). */
    private static String pythonFloat(double d) {
        String s = Double.toString(d);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        int exponent = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
}
