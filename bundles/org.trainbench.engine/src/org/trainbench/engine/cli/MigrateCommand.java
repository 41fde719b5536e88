package org.trainbench.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.trainbench.engine.config.check.ConfigChecker;
import org.trainbench.engine.config.check.Diagnostic;
import org.trainbench.engine.config.check.Severity;
import org.trainbench.engine.config.migrate.ConfigMigration;
import org.trainbench.engine.config.schema.FastLlmVersion;
import org.trainbench.engine.config.yaml.YamlSyntaxException;
import org.trainbench.engine.files.TextFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trainbench migrate FILE [--to 0.4] [--in-place]}: rewrites a training or data-preparation config into
 * Fast-LLM 0.4's form, keeping key order and comments where it can; prints the result (or rewrites FILE), then on
 * standard error what could not be carried over and the diagnostics of the result. Exit code 0 when the result has
 * no error, 1 when it has, 2 on usage or I/O errors or a config that cannot be migrated.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Rewrite a config into today's Fast-LLM form (0.4), keeping comments and key order where it can.",
                "Prints the migrated config, or rewrites FILE with --in-place; notes and diagnostics go to standard error.",
                "Exit code: 0 when the migrated config has no error, 1 when it has, 2 on usage or I/O errors."})
public final class MigrateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1", paramLabel = "FILE", description = "The config file (YAML).")
    private Path file;

    @Option(names = "--to", paramLabel = "VERSION", defaultValue = "0.4",
            description = "The Fast-LLM form to write: 0.4 (today's; the only one).")
    private String to;

    @Option(names = "--in-place", description = "Rewrite FILE instead of printing the result.")
    private boolean inPlace;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (FastLlmVersion.parse(to).filter(v -> v == FastLlmVersion.CURRENT).isEmpty()) {
                err.println("trainbench migrate: --to " + to + ": Trainbench migrates into Fast-LLM "
                        + FastLlmVersion.CURRENT.label() + " only");
                return ExitCodes.USAGE;
            }
            String text;
            try {
                text = TextFiles.readUtf8(file);
            } catch (NoSuchFileException e) {
                err.println("trainbench migrate: " + file + ": no such file");
                return ExitCodes.USAGE;
            } catch (IOException e) {
                err.println("trainbench migrate: " + file + ": cannot read: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            ConfigMigration.Result result;
            try {
                result = ConfigMigration.toCurrent(text);
            } catch (YamlSyntaxException e) {
                err.println(file + ":" + e.range().line() + ":" + e.range().column() + ": error: " + e.reason() + " [syntax-error]");
                return ExitCodes.USAGE;
            } catch (ConfigMigration.NotMigratableException e) {
                err.println("trainbench migrate: " + file + ": cannot migrate: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            if (result.from() == FastLlmVersion.CURRENT) {
                err.println("trainbench migrate: " + file + " is in Fast-LLM " + FastLlmVersion.CURRENT.label() + "'s form already");
            }
            if (inPlace) {
                try {
                    Files.writeString(file, result.text());
                } catch (IOException e) {
                    err.println("trainbench migrate: " + file + ": cannot write: " + e.getMessage());
                    return ExitCodes.USAGE;
                }
            } else {
                out.print(result.text());
            }
            for (String note : result.notes()) {
                err.println("note: " + note);
            }
            List<Diagnostic> diagnostics = ConfigChecker.check(result.text(), file.toAbsolutePath());
            diagnostics.forEach(d -> err.println(d.format(file + " (migrated)")));
            err.println("migrated " + file + " from Fast-LLM " + result.from().label() + " to " + FastLlmVersion.CURRENT.label());
            return diagnostics.stream().anyMatch(d -> d.severity() == Severity.ERROR) ? ExitCodes.FAILED : ExitCodes.OK;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
