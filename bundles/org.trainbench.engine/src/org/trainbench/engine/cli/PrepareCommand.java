package org.trainbench.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import org.trainbench.engine.prepare.DatasetPreparation;
import org.trainbench.engine.prepare.PreparationException;
import org.trainbench.engine.prepare.PreparationSettings;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** `trainbench prepare CONFIG`: tokenizes a dataset into Fast-LLM memmap datasets (see docs/DATA.md). */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Tokenize a dataset into Fast-LLM's memmap format, one dataset and fast_llm_config_<split>.yaml "
                + "per split.", "Reads JSON Lines (.jsonl/.json, also .gz) and text files; conversations are rendered "
                + "with the tokenizer's chat template."})
public final class PrepareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The data-preparation config (YAML).")
    Path config;

    @Option(names = "--skip-invalid", description = "Skip malformed or invalid records and count them, instead of stopping at the first.")
    boolean skipInvalid;

    @Option(names = "--overwrite", description = "Replace an existing, non-empty output_path (only once the new dataset is complete).")
    boolean overwrite;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            PreparationSettings settings = PreparationSettings.read(config);
            DatasetPreparation.Summary summary = new DatasetPreparation(settings, skipInvalid, overwrite,
                    quiet ? null : System.err).run();
            out.println("prepared " + summary.records() + " records into " + summary.outputPath());
            for (Map.Entry<String, long[]> split : summary.splits().entrySet()) {
                out.printf("  %-12s %,d documents, %,d tokens%n", split.getKey(), split.getValue()[0], split.getValue()[1]);
            }
            if (summary.skipped() > 0) {
                out.println("  skipped " + summary.skipped() + " invalid records, for example:");
                summary.skippedReasons().forEach(reason -> out.println("    " + reason));
            }
            out.flush();
            // Warnings do not change the exit code: the dataset written is complete and consistent, only likely not meant.
            summary.warnings().forEach(warning -> err.println("trainbench prepare: warning: " + warning));
            err.flush();
            return ExitCodes.OK;
        } catch (PreparationException e) {
            err.println("trainbench prepare: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (NoSuchFileException e) {
            err.println("trainbench prepare: " + e.getFile() + ": " + (e.getReason() == null ? "no such file" : e.getReason()));
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("trainbench prepare: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }
}
