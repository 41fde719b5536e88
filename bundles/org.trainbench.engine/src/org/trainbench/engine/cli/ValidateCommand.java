package org.trainbench.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.trainbench.engine.config.check.ConfigChecker;
import org.trainbench.engine.config.check.Diagnostic;
import org.trainbench.engine.config.check.Severity;
import org.trainbench.engine.files.TextFiles;
import org.trainbench.engine.json.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trainbench validate FILE...}: checks training and data-preparation configs with the same checker as the
 * editor, one line per diagnostic ({@code FILE:LINE:COL: error|warning|info: message [code]}) or JSON. Exit code 0
 * when no file has an error, 1 when one has, 2 on usage or I/O errors.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check training or data-preparation configs and print diagnostics.",
                "One line per diagnostic: FILE:LINE:COL: error|warning|info: message [code].",
                "Exit code: 0 without errors, 1 with errors, 2 on usage or I/O errors."})
public final class ValidateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Config files (YAML).")
    private List<Path> files;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: text (default) or json.")
    private String format;

    /** The diagnostics of one file, or why it could not be read. */
    private record FileResult(String file, List<Diagnostic> diagnostics, String readError) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!format.equals("text") && !format.equals("json")) {
            err.println("trainbench validate: --format must be text or json, not '" + format + "'");
            err.flush();
            return ExitCodes.USAGE;
        }
        List<FileResult> results = new ArrayList<>();
        for (Path file : files) {
            results.add(check(file));
        }
        Map<Severity, Integer> counts = new TreeMap<>();
        for (Severity severity : Severity.values()) {
            counts.put(severity, 0);
        }
        boolean readErrors = false;
        for (FileResult result : results) {
            readErrors |= result.readError() != null;
            result.diagnostics().forEach(d -> counts.merge(d.severity(), 1, Integer::sum));
        }
        if (format.equals("json")) {
            out.println(json(results, counts));
        } else {
            for (FileResult result : results) {
                if (result.readError() != null) {
                    err.println("trainbench validate: " + result.file() + ": " + result.readError());
                }
                result.diagnostics().forEach(d -> out.println(d.format(result.file())));
            }
            err.println(summary(results.size(), counts));
        }
        out.flush();
        err.flush();
        if (readErrors) {
            return ExitCodes.USAGE;
        }
        return counts.get(Severity.ERROR) > 0 ? ExitCodes.FAILED : ExitCodes.OK;
    }

    private static FileResult check(Path file) {
        String name = file.toString();
        String text;
        try {
            if (Files.isDirectory(file)) {
                return new FileResult(name, List.of(), "is a directory, not a config file");
            }
            text = TextFiles.readUtf8(file);
        } catch (NoSuchFileException e) {
            return new FileResult(name, List.of(), "no such file");
        } catch (TextFiles.NotUtf8Exception e) {
            return new FileResult(name, List.of(), "not UTF-8 text at byte " + e.offset()
                    + " (a binary file, or text in another encoding): save the config as UTF-8");
        } catch (IOException e) {
            return new FileResult(name, List.of(), "cannot read: " + e.getMessage());
        }
        return new FileResult(name, ConfigChecker.check(text, file), null);
    }

    private static String summary(int fileCount, Map<Severity, Integer> counts) {
        return plural(counts.get(Severity.ERROR), "error") + ", " + plural(counts.get(Severity.WARNING), "warning")
                + (counts.get(Severity.INFO) > 0 ? ", " + plural(counts.get(Severity.INFO), "info") : "")
                + " in " + plural(fileCount, "file");
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 || noun.equals("info") ? "" : "s");
    }

    // ------------------------------------------------------------------------------------------------ JSON

    /**
     * {@code {"files": [{"file", "diagnostics": [{"line", "column", "offset", "length", "severity", "code",
     * "message", "key", "data"}]} or {"file", "error"}], "errors", "warnings", "infos"}}.
     */
    private static String json(List<FileResult> results, Map<Severity, Integer> counts) {
        StringBuilder json = new StringBuilder("{\"files\": [");
        for (int f = 0; f < results.size(); f++) {
            FileResult result = results.get(f);
            json.append(f == 0 ? "\n  " : ",\n  ").append("{\"file\": ").append(string(result.file()));
            if (result.readError() != null) {
                json.append(", \"error\": ").append(string(result.readError())).append('}');
                continue;
            }
            json.append(", \"diagnostics\": [");
            for (int i = 0; i < result.diagnostics().size(); i++) {
                Diagnostic d = result.diagnostics().get(i);
                json.append(i == 0 ? "\n    " : ",\n    ")
                        .append("{\"line\": ").append(d.range().line())
                        .append(", \"column\": ").append(d.range().column())
                        .append(", \"offset\": ").append(d.range().offset())
                        .append(", \"length\": ").append(d.range().length())
                        .append(", \"severity\": ").append(string(d.severity().label()))
                        .append(", \"code\": ").append(string(d.code()))
                        .append(", \"message\": ").append(string(d.message()))
                        .append(", \"key\": ").append(string(d.keyPath()))
                        .append(", \"data\": {");
                int k = 0;
                for (Map.Entry<String, String> entry : new TreeMap<>(d.data()).entrySet()) {
                    json.append(k++ == 0 ? "" : ", ").append(string(entry.getKey())).append(": ").append(string(entry.getValue()));
                }
                json.append("}}");
            }
            json.append(result.diagnostics().isEmpty() ? "]}" : "\n  ]}");
        }
        json.append(results.isEmpty() ? "]" : "\n]")
                .append(", \"errors\": ").append(counts.get(Severity.ERROR))
                .append(", \"warnings\": ").append(counts.get(Severity.WARNING))
                .append(", \"infos\": ").append(counts.get(Severity.INFO)).append('}');
        return json.toString();
    }

    /** A JSON string literal (RFC 8259 escapes). */
    static String string(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2);
        Json.quote(out, text);
        return out.toString();
    }
}
