package org.trainbench.engine.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where a command may put a folder that it replaces as a whole: never a folder that is, or holds, the config or one
 * of its inputs. A data-preparation {@code output_path: .} holds its own config; {@code ..} holds that and the
 * sibling projects. {@code trainbench prepare} refuses such an output and {@code trainbench validate} flags it, both
 * through {@link #holds}.
 */
public final class OutputPaths {
    private OutputPaths() {
    }

    /**
     * The first protected path that {@code output} is or contains, with its description.
     *
     * @param protectedPaths description (e.g. "the config", "dataset.path") to path; absolute or relative to the
     *                       working directory, existing or not
     */
    public static Optional<Map.Entry<String, Path>> holds(Path output, Map<String, Path> protectedPaths) {
        Path folder = canonical(output);
        for (Map.Entry<String, Path> entry : protectedPaths.entrySet()) {
            if (entry.getValue() != null && canonical(entry.getValue()).startsWith(folder)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    /** Absolute and normalized, with symbolic links resolved as far as the path exists. */
    static Path canonical(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (IOException e) {
            return absolute;
        }
    }
}
