package org.trainbench.engine.run;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code step-N} layout of {@code checkpoints/} and {@code export/}: a complete directory is {@code step-N}; one
 * being written is {@code .tmp-step-N} and renamed when complete; one being deleted is renamed to
 * {@code .deleting-step-N} first, so a half-written or half-deleted one is never taken for a whole one. Further
 * exports of one step made by hand are {@code step-N-<suffix>} (the workbench names a second one {@code step-N-2}).
 */
public final class StepDirectory {
    public static final String PREFIX = "step-";
    /** How messages name a step directory: {@code step-N}. */
    public static final String TEMPLATE = PREFIX + "N";
    /** Prefix of a directory being written. */
    public static final String TEMPORARY_PREFIX = ".tmp-";
    /** Prefix of a directory being deleted. */
    public static final String DELETING_PREFIX = ".deleting-";

    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)");
    private static final Pattern NAME_WITH_SUFFIX = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)(?:-[^.][^/]*)?");

    private StepDirectory() {
    }

    /** {@code step-N}. */
    public static String name(long step) {
        return PREFIX + step;
    }

    /** {@code .tmp-step-N}: where {@code step-N} is written before it is renamed into place. */
    public static String temporaryName(long step) {
        return TEMPORARY_PREFIX + name(step);
    }

    /** {@code .deleting-NAME}: what a directory is renamed to before it is deleted. */
    public static String deletingName(Path directory) {
        return DELETING_PREFIX + directory.getFileName();
    }

    /** Whether a name is a temporary or deleting leftover of a killed save or cleanup. */
    public static boolean isLeftover(String name) {
        return name.startsWith(TEMPORARY_PREFIX) || name.startsWith(DELETING_PREFIX);
    }

    /** N of a directory named {@code step-N}; -1 for any other name (or none). */
    public static long stepOf(Path directory) {
        return step(directory, NAME);
    }

    /** N of {@code step-N} or {@code step-N-<suffix>} (an export made by hand); -1 for any other name. */
    public static long stepOfExport(Path directory) {
        return step(directory, NAME_WITH_SUFFIX);
    }

    private static long step(Path directory, Pattern pattern) {
        Path name = directory == null ? null : directory.getFileName();
        if (name == null) {
            return -1;
        }
        Matcher m = pattern.matcher(name.toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The {@code step-N} directories in {@code parent}, by ascending step; none when it does not exist. */
    public static List<Path> list(Path parent) throws IOException {
        return list(parent, false);
    }

    /**
     * As {@link #list(Path)}, also with {@code step-N-<suffix>} directories when {@code withSuffixes}; those follow
     * {@code step-N}, shorter names first.
     */
    public static List<Path> list(Path parent, boolean withSuffixes) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return found;
        }
        Pattern pattern = withSuffixes ? NAME_WITH_SUFFIX : NAME;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, Files::isDirectory)) {
            for (Path entry : entries) {
                if (pattern.matcher(entry.getFileName().toString()).matches()) {
                    found.add(entry);
                }
            }
        }
        found.sort(Comparator.comparingLong(StepDirectory::stepOfExport).thenComparing(dir -> dir.getFileName().toString().length())
                .thenComparing(dir -> dir.getFileName().toString()));
        return found;
    }
}
