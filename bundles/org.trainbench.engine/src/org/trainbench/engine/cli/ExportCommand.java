package org.trainbench.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.trainbench.engine.files.ProtectedFilesException;
import org.trainbench.engine.hf.HfLlamaFormat;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.engine.train.CheckpointModels.CheckpointModel;
import org.trainbench.engine.safetensors.SafetensorsDType;
import org.trainbench.engine.train.CheckpointModels;
import org.trainbench.engine.train.HuggingFaceLlama;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trainbench export PATH --format llama --output DIR}: writes a run's checkpoint as a Hugging Face Llama
 * directory. The export is written next to DIR under a temporary name and renamed into place, so DIR is either
 * absent or complete. Exit code 0 on success, 1 when the checkpoint cannot be read or written, 2 on usage errors.
 */
@Command(name = ExportCommandLine.COMMAND, mixinStandardHelpOptions = true,
        description = {"Export a checkpoint to a Hugging Face Llama directory.",
                "PATH is an experiment directory (its newest complete checkpoint) or EXPERIMENT/checkpoints/step-N.",
                "Exit code: 0 on success, 1 when reading or writing fails, 2 on usage errors."})
public final class ExportCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "Experiment directory or checkpoint directory.")
    private Path source;

    @Option(names = ExportCommandLine.FORMAT, paramLabel = "FORMAT", defaultValue = ExportCommandLine.LLAMA, description = "Export format: llama (default).")
    private String format;

    @Option(names = ExportCommandLine.OUTPUT, paramLabel = "DIR", required = true, description = "Directory to write the export to.")
    private Path output;

    @Option(names = ExportCommandLine.DTYPE, paramLabel = "DTYPE", defaultValue = ExportCommandLine.DEFAULT_DTYPE,
            description = "Weight type: float32 (default) or bfloat16.")
    private String dtype;

    @Option(names = ExportCommandLine.OVERWRITE, description = "Replace a non-empty output directory.")
    private boolean overwrite;

    /**
     * What this command was asked to do, as the typed command line that starts it elsewhere.
     *
     * @throws IllegalArgumentException for a --dtype that is none of {@link ExportCommandLine.Dtype}
     */
    public ExportCommandLine commandLine() {
        ExportCommandLine.Dtype named = ExportCommandLine.Dtype.named(dtype);
        if (named == null) {
            throw new IllegalArgumentException(ExportCommandLine.DTYPE + " must be " + ExportCommandLine.Dtype.ids() + ", not '" + dtype + "'");
        }
        return new ExportCommandLine(source, format, output, named, overwrite);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (!format.equals(ExportCommandLine.LLAMA)) {
                return fail(err, ExitCodes.USAGE, ExportCommandLine.FORMAT + " must be " + ExportCommandLine.LLAMA
                        + " (Hugging Face Llama), not '" + format + "'");
            }
            ExportCommandLine.Dtype named = ExportCommandLine.Dtype.named(dtype);
            if (named == null) {
                return fail(err, ExitCodes.USAGE, ExportCommandLine.DTYPE + " must be " + ExportCommandLine.Dtype.ids() + ", not '" + dtype + "'");
            }
            SafetensorsDType type = named.safetensors();
            Path target = output.toAbsolutePath().normalize();
            if (Files.isRegularFile(target)) {
                return fail(err, ExitCodes.USAGE, target + ": is a file; --output must name a directory");
            }
            if (!overwrite && isNonEmptyDirectory(target)) {
                return fail(err, ExitCodes.USAGE, target + ": exists and is not empty; choose another --output or pass --overwrite");
            }
            CheckpointModel loaded = CheckpointModels.load(source, line -> {
                err.println("trainbench export: " + line);
                err.flush();
            });
            Path checkpoint = loaded.checkpoint().directory().toAbsolutePath().normalize();
            Path experiment = loaded.experiment().toAbsolutePath().normalize();
            if (checkpoint.startsWith(target) || experiment.startsWith(target)) {
                // --overwrite replaces the target as a whole: that would delete the run and the checkpoint itself
                return fail(err, ExitCodes.USAGE, target + ": contains the run " + experiment + "; writing the export there"
                        + " would replace the run's checkpoints. Choose a folder outside it, e.g. "
                        + RunDirectory.of(experiment).exports().resolve(checkpoint.getFileName()));
            }
            if (target.startsWith(checkpoint)) {
                return fail(err, ExitCodes.USAGE, target + ": is inside the checkpoint " + checkpoint
                        + "; choose a folder outside it, e.g. " + RunDirectory.of(experiment).exports().resolve(checkpoint.getFileName()));
            }
            if (overwrite) {
                List<String> foreign = notWrittenByAnExport(target);
                if (!foreign.isEmpty()) {
                    throw new ProtectedFilesException(target + ": holds " + foreign.size() + " file(s) that an export does not write ("
                            + String.join(", ", foreign.subList(0, Math.min(5, foreign.size()))) + (foreign.size() > 5 ? ", ..." : "")
                            + "); --overwrite replaces only a previous export. Choose another --output, or move those files away");
                }
            }
            Path parent = target.getParent();
            Files.createDirectories(parent);
            // Created as any folder is (following the umask), not private as Files.createTempDirectory makes it.
            Path staging = parent.resolve("." + target.getFileName() + ".export-" + ProcessHandle.current().pid());
            if (Files.exists(staging)) {
                deleteTree(staging);
            }
            Files.createDirectory(staging);
            try {
                HfLlamaFormat.export(loaded.model(), staging, HuggingFaceLlama.exportOptions(loaded.plan(), experiment).withDtype(type));
                if (Files.exists(target)) {
                    deleteTree(target);
                }
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                if (Files.exists(staging)) {
                    deleteTree(staging);
                }
            }
            out.println("exported " + loaded.checkpoint().directory() + " to " + target);
            out.flush();
            return ExitCodes.OK;
        } catch (IllegalArgumentException | IOException e) {
            return fail(err, ExitCodes.FAILED, e.getMessage());
        }
    }

    private static int fail(PrintWriter err, int code, String message) {
        err.println("trainbench export: " + message);
        err.flush();
        return code;
    }

    /** Entries of a folder that a Hugging Face export does not write (any subfolder among them). */
    private static List<String> notWrittenByAnExport(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> Files.isDirectory(p) || !HfLlamaFormat.isExportFile(p.getFileName().toString()))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static boolean isNonEmptyDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isPresent();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
