package org.trainbench.engine.prepare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.trainbench.engine.files.OutputPaths;
import org.trainbench.engine.files.ProtectedFilesException;
import org.trainbench.engine.files.ThisHost;

/**
 * The folder {@code trainbench prepare} writes, marked as its own: a {@link #MARKER} file lists every file it wrote
 * there, relative to the folder. {@code --overwrite} replaces a folder only when it carries the marker and holds
 * nothing but the listed files; it never replaces a folder that holds the config or an input, nor one without the
 * marker, nor one to which a user added a file. The {@code .partial} and {@code .previous} folders beside it are
 * marked from their creation, so a leftover of an interrupted run can be told from a user's folder of that name.
 */
final class PreparedOutput {
    static final String MARKER = ".trainbench-prepare";
    private static final String HEADER = "# written by `trainbench prepare`; `trainbench prepare --overwrite` replaces this folder"
            + " only while it holds no file but these";

    private PreparedOutput() {
    }

    /** Refuses an output folder that is or holds the config or one of its inputs, whatever the options. */
    static void checkNotHoldingInputs(PreparationSettings settings, Path output) {
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("the config " + settings.configFile(), settings.configFile());
        inputs.put("dataset.path " + settings.datasetPath(), settings.datasetPath());
        inputs.put("tokenizer.path " + settings.tokenizerPath(), settings.tokenizerPath());
        OutputPaths.holds(output, inputs).ifPresent(held -> {
            throw new ProtectedFilesException(settings.configFile() + ": output_path " + output + " holds " + held.getKey()
                    + "; prepare replaces its output folder as a whole, so it must be a folder of its own: set output_path to"
                    + " a new folder, e.g. " + settings.configFile().toAbsolutePath().resolveSibling("prepared"));
        });
    }

    /**
     * Refuses to replace {@code folder} unless {@code trainbench prepare} wrote it and nothing was added since.
     *
     * @param what how the folder is named in messages ("output_path", "the leftover")
     */
    static void checkReplaceable(Path folder, String what, String remedy) throws IOException {
        if (!Files.exists(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new ProtectedFilesException(what + " " + folder + " is a file, not a folder written by trainbench prepare; "
                    + remedy);
        }
        Path marker = folder.resolve(MARKER);
        List<Path> files = regularFiles(folder);
        if (files.isEmpty()) {
            return;
        }
        if (!Files.isRegularFile(marker)) {
            throw new ProtectedFilesException(what + " " + folder + " holds files that trainbench prepare did not write (it has no "
                    + MARKER + "), e.g. " + files.getFirst() + "; it is left as it is: " + remedy);
        }
        Set<String> listed = listed(marker);
        List<String> foreign = new ArrayList<>();
        for (Path file : files) {
            String relative = relative(folder, file);
            if (!relative.equals(MARKER) && !listed.contains(relative)) {
                foreign.add(relative);
            }
        }
        if (!foreign.isEmpty()) {
            throw new ProtectedFilesException(what + " " + folder + " holds " + foreign.size() + " file(s) that trainbench prepare"
                    + " did not write: " + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                    + (foreign.size() > 5 ? ", ..." : "") + "; it is left as it is: move them elsewhere, or " + remedy);
        }
    }

    /** Creates an empty, marked folder (the marker lists nothing yet). */
    static void create(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(MARKER), HEADER + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Creates the work folder ({@code output_path.partial}) a run writes into, marked as being written by this process
     * (pid, its start time and the host): every file in it is then prepare's until {@link #seal}, and a run that died
     * before sealing it (out of memory, kill -9, a power cut) leaves a folder the next run can tell for its own.
     */
    static void createWorkFolder(Path folder) throws IOException {
        Files.createDirectories(folder);
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(folder.resolve(MARKER), HEADER + "\n" + WRITING + self.pid() + " "
                + self.info().startInstant().map(Object::toString).orElse("-") + " " + host() + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Removes what an interrupted run left in its work folder before this run uses it, and says so on {@code notes}.
     * A folder marked by {@link #createWorkFolder} goes as a whole unless the process that marked it still runs on
     * this host (another prepare writing the same output_path: refused, naming its pid); any other folder of that
     * name is deleted only as {@link #delete} allows.
     */
    static void deleteLeftover(Path folder, java.util.function.Consumer<String> notes) throws IOException {
        Path marker = folder.resolve(MARKER);
        if (!Files.isDirectory(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(marker)) {
            delete(folder);
            return;
        }
        String writer = Files.readAllLines(marker, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(WRITING))
                .map(l -> l.substring(WRITING.length())).findFirst().orElse(null);
        if (writer == null) {
            delete(folder);
            return;
        }
        String[] fields = writer.split(" ");
        if (fields.length == 3 && fields[2].equals(host()) && stillRuns(fields[0], fields[1])) {
            throw new ProtectedFilesException("another trainbench prepare (pid " + fields[0] + ", started " + fields[1]
                    + ") is writing " + folder + " for the same output_path; wait for it to finish or stop it, then run again");
        }
        deleteRecursively(folder);
        notes.accept("removed " + folder + ", the unfinished work of a prepare that stopped before completing (pid "
                + (fields.length > 0 ? fields[0] : "?") + ")");
    }

    static final String WRITING = "# being written by pid ";

    private static boolean stillRuns(String pid, String started) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive)
                    .map(p -> p.info().startInstant().map(Object::toString).orElse("-").equals(started)).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** One word: the marker's line is split on spaces. */
    private static String host() {
        return ThisHost.name().replace(' ', '_');
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Rewrites the marker to list every file now in the folder. */
    static void seal(Path folder) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (Path file : regularFiles(folder)) {
            String relative = relative(folder, file);
            if (!relative.equals(MARKER)) {
                text.append(relative).append('\n');
            }
        }
        Files.writeString(folder.resolve(MARKER), text, StandardCharsets.UTF_8);
    }

    /** Deletes a folder that {@link #checkReplaceable} accepted: its listed files, the marker, then the empty folders. */
    static void delete(Path folder) throws IOException {
        if (!Files.exists(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        checkReplaceable(folder, "the folder", "remove it yourself");
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Set<String> listed(Path marker) throws IOException {
        Set<String> listed = new HashSet<>();
        for (String line : Files.readAllLines(marker, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                listed.add(line.strip());
            }
        }
        return listed;
    }

    private static List<Path> regularFiles(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
    }

    private static String relative(Path folder, Path file) {
        return folder.relativize(file).toString().replace('\\', '/');
    }
}
