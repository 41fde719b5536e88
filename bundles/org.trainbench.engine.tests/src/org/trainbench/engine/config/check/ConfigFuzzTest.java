package org.trainbench.engine.config.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.config.ConfigExamples;
import org.trainbench.engine.config.schema.ConfigBinder;
import org.trainbench.engine.config.schema.ConfigBindingException;
import org.trainbench.engine.config.schema.ConfigKind;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;

/**
 * Mutated example configs (seeded, so failures reproduce): characters and lines deleted, duplicated, inserted,
 * re-indented and swapped. The checker must never throw or hang, every diagnostic must sit inside the text with a
 * line and column that match its offset, and a config without errors must bind.
 */
class ConfigFuzzTest {

    private static final int CONFIGS = 10_000;
    private static final String[] INSERTS = {":", "-", " ", "  ", "#", "'", "\"", "[", "]", "{", "}", ",", "\n", "\t", "&",
        "*", "!", "|", ">", "?", "%", ".", "_", "~", "0", "7", "e-5", "yes", "null", "\r\n", "- ", ": ", "---\n", "\\", "x"};

    @Test
    void tenThousandMutatedConfigsNeverCrashAndDiagnosticsHaveValidPositions() {
        List<String> seeds = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (String name : ConfigExamples.ALL) {
            seeds.add(ConfigExamples.text(name));
            files.add(ConfigExamples.path(name));
        }
        int[] outcomes = new int[3]; // syntax error, other errors, clean
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            Random random = new Random(20261125L);
            for (int i = 0; i < CONFIGS; i++) {
                int seed = random.nextInt(seeds.size());
                String text = mutate(seeds.get(seed), random);
                Path file = random.nextBoolean() ? files.get(seed) : null;
                List<Diagnostic> diagnostics;
                try {
                    diagnostics = ConfigChecker.check(text, file);
                } catch (RuntimeException | StackOverflowError e) {
                    throw new AssertionError("checker threw on config #" + i + ":\n" + text, e);
                }
                int[] lineStarts = lineStarts(text);
                for (Diagnostic d : diagnostics) {
                    assertValidPosition(text, lineStarts, d, i);
                }
                boolean syntaxError = diagnostics.stream().anyMatch(d -> d.code().equals(IssueCodes.SYNTAX_ERROR));
                boolean errors = ConfigChecker.hasErrors(diagnostics);
                outcomes[syntaxError ? 0 : errors ? 1 : 2]++;
                if (!errors) {
                    assertBinds(text, i);
                }
            }
        });
        assertEquals(CONFIGS, Arrays.stream(outcomes).sum());
        for (int outcome : outcomes) {
            assertTrue(outcome > CONFIGS / 20, () -> "mutations should produce syntax errors, other errors and clean configs: "
                    + Arrays.toString(outcomes));
        }
    }

    private static void assertValidPosition(String text, int[] lineStarts, Diagnostic d, int index) {
        SourceRange r = d.range();
        String where = "config #" + index + ", " + d;
        assertTrue(r.offset() >= 0 && r.endOffset() <= text.length(), where);
        int line = Arrays.binarySearch(lineStarts, r.offset());
        line = line >= 0 ? line : -line - 2;
        assertEquals(line + 1, r.line(), where);
        assertEquals(r.offset() - lineStarts[line] + 1, r.column(), where);
        assertFalse(d.message().isBlank(), where);
        assertTrue(IssueCodes.ALL.contains(d.code()), where);
    }

    /** A config without errors binds to its typed record: the checker and the binder agree. */
    private static void assertBinds(String text, int index) {
        try {
            YamlNode root = YamlParser.parse(text);
            if (ConfigKind.detect(root) == ConfigKind.PREPARATION) {
                ConfigBinder.preparation(root);
            } else {
                ConfigBinder.training(root);
            }
        } catch (YamlSyntaxException | ConfigBindingException e) {
            fail("config #" + index + " has no error diagnostic but does not bind: " + e.getMessage() + "\n" + text);
        }
    }

    /** Line start offsets, with \n, \r\n and a lone \r as line breaks, computed independently of the parser. */
    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n')) {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The same mutations through {@code trainbench validate} as a user runs it, files and all, plus files cut short
     * or holding bytes that are not UTF-8: every run ends with exit code 0, 1 or 2 and a message, never a Java stack
     * trace or an internal error.
     */
    @Test
    void mutatedConfigFilesThroughTheValidateCommandNeverPrintAStackTrace(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        Random random = new Random(20261207L);
        Path file = dir.resolve("config.yaml");
        for (int i = 0; i < 300; i++) {
            String name = ConfigExamples.ALL.get(random.nextInt(ConfigExamples.ALL.size()));
            byte[] bytes = mutate(ConfigExamples.text(name), random).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (i % 10 == 0) {
                bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            } else if (i % 10 == 1 && bytes.length > 0) {
                bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x80));
            }
            java.nio.file.Files.write(file, bytes);
            org.trainbench.engine.cli.CliRun run = org.trainbench.engine.cli.CliRun.cli("validate", file.toString());
            if (run.printedStackTrace() || run.exitCode() > 2 || run.err().contains("internal error")) {
                fail("validate of mutated config #" + i + " exited " + run.exitCode() + ":\n" + run.err() + "\n---- config:\n"
                        + new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    private static String mutate(String text, Random random) {
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
            int line = random.nextInt(lines.size());
            switch (random.nextInt(8)) {
                case 0 -> {
                    if (!text.isEmpty()) {
                        int at = random.nextInt(text.length());
                        text = text.substring(0, at) + text.substring(at + 1);
                    }
                }
                case 1 -> {
                    if (!text.isEmpty()) {
                        int at = random.nextInt(text.length());
                        text = text.substring(0, at + 1) + text.charAt(at) + text.substring(at + 1);
                    }
                }
                case 2 -> {
                    int at = random.nextInt(text.length() + 1);
                    text = text.substring(0, at) + INSERTS[random.nextInt(INSERTS.length)] + text.substring(at);
                }
                case 3 -> {
                    lines.remove(line);
                    text = String.join("\n", lines);
                }
                case 4 -> {
                    lines.add(line, lines.get(line));
                    text = String.join("\n", lines);
                }
                case 5 -> {
                    lines.set(line, " ".repeat(random.nextInt(9)) + lines.get(line).stripLeading());
                    text = String.join("\n", lines);
                }
                case 6 -> {
                    int other = random.nextInt(lines.size());
                    String swapped = lines.get(line);
                    lines.set(line, lines.get(other));
                    lines.set(other, swapped);
                    text = String.join("\n", lines);
                }
                default -> {
                    // change a value: replace the text after the first ": " of a line
                    String content = lines.get(line);
                    int colon = content.indexOf(": ");
                    if (colon >= 0) {
                        String[] values = {"0", "-1", "3", "4097", "1e-5", "yes", "no", "~", "''", "[1, 2]", "{a: 1}", "cosin",
                            "bf16", "llama3", "-13.1", "99999999999999999999", "x"};
                        lines.set(line, content.substring(0, colon + 2) + values[random.nextInt(values.length)]);
                        text = String.join("\n", lines);
                    }
                }
            }
        }
        return text;
    }
}
