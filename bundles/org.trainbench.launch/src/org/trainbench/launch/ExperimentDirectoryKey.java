package org.trainbench.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and sets {@code run.experiment_dir} in the text of a training config, keeping every other line (comments,
 * layout, key order) as the user wrote it. The launch uses it to tell the views where a run writes; the New
 * Experiment wizard to point a template at the experiment's own folder. It understands the block style that
 * Fast-LLM configs use ({@code run:} at column 0, {@code experiment_dir:} indented below it); a config in flow
 * style ({@code run: {experiment_dir: x}}) reads as having no experiment directory.
 */
public final class ExperimentDirectoryKey {

    private static final Pattern TOP_LEVEL_RUN = Pattern.compile("^run\\s*:\\s*(#.*)?$");
    private static final Pattern CHILD = Pattern.compile("^(\\s+)experiment_dir\\s*:(.*)$");
    private static final Pattern PLAIN_SAFE = Pattern.compile("[A-Za-z0-9_./~$][A-Za-z0-9_./~$@+=,\\- ]*");
    /** Plain scalars that YAML 1.1 (PyYAML, Fast-LLM) reads as something other than a string. */
    private static final Pattern NOT_A_STRING = Pattern.compile(
            "(?i)(y|yes|n|no|true|false|on|off|null|~)|[-+]?[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?");

    private ExperimentDirectoryKey() {
    }

    /** The value of run.experiment_dir, or null when the config does not set it. */
    public static String read(String configText) {
        List<String> lines = configText.lines().toList();
        int child = findChild(lines, findRun(lines));
        if (child < 0) {
            return null;
        }
        Matcher matcher = CHILD.matcher(lines.get(child));
        matcher.matches();
        String value = unquote(stripComment(matcher.group(2)).strip());
        return value.isEmpty() ? null : value;
    }

    /** The config text with run.experiment_dir set to {@code directory}, added if it was missing. */
    public static String write(String configText, String directory) {
        List<String> lines = new ArrayList<>(configText.lines().toList());
        String value = quoteIfNeeded(directory);
        int run = findRun(lines);
        if (run < 0) {
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                lines.add("");
            }
            lines.add("run:");
            lines.add("  experiment_dir: " + value);
        } else {
            int child = findChild(lines, run);
            if (child >= 0) {
                Matcher matcher = CHILD.matcher(lines.get(child));
                matcher.matches();
                String comment = trailingComment(matcher.group(2));
                lines.set(child, matcher.group(1) + "experiment_dir: " + value + comment);
            } else {
                lines.add(run + 1, blockIndent(lines, run) + "experiment_dir: " + value);
            }
        }
        return String.join("\n", lines) + "\n";
    }

    private static int findRun(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (TOP_LEVEL_RUN.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }

    /** The line of experiment_dir directly below run (at the block's own indentation), or -1. */
    private static int findChild(List<String> lines, int run) {
        if (run < 0) {
            return -1;
        }
        String indent = null;
        for (int i = run + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                return -1;
            }
            String lineIndent = line.substring(0, line.length() - line.stripLeading().length());
            if (indent == null) {
                indent = lineIndent;
            }
            if (lineIndent.equals(indent) && CHILD.matcher(line).matches()) {
                return i;
            }
        }
        return -1;
    }

    private static String blockIndent(List<String> lines, int run) {
        for (int i = run + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank() && !line.stripLeading().startsWith("#")) {
                if (Character.isWhitespace(line.charAt(0))) {
                    return line.substring(0, line.length() - line.stripLeading().length());
                }
                break;
            }
        }
        return "  ";
    }

    private static String stripComment(String value) {
        int hash = commentStart(value);
        return hash < 0 ? value : value.substring(0, hash);
    }

    private static String trailingComment(String value) {
        int hash = commentStart(value);
        return hash < 0 ? "" : " " + value.substring(hash);
    }

    /** Where a YAML comment starts: a '#' after whitespace and outside quotes. */
    private static int commentStart(String value) {
        char quote = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quote != 0) {
                if (quote == '"' && c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(value.charAt(i - 1)))) {
                return i;
            }
        }
        return -1;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.charAt(0) == '\'' && value.endsWith("'")) {
            return value.substring(1, value.length() - 1).replace("''", "'");
        }
        if (value.length() >= 2 && value.charAt(0) == '"' && value.endsWith("\"")) {
            StringBuilder text = new StringBuilder();
            for (int i = 1; i < value.length() - 1; i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length() - 1) {
                    c = value.charAt(++i);
                }
                text.append(c);
            }
            return text.toString();
        }
        return value;
    }

    /** A path as a YAML scalar: plain when YAML 1.1 reads it back as the same string, else double-quoted. */
    static String quoteIfNeeded(String value) {
        if (PLAIN_SAFE.matcher(value).matches() && !NOT_A_STRING.matcher(value).matches() && !value.endsWith(" ")) {
            return value;
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
