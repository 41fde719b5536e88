package org.trainbench.engine.config.schema;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where a path a config reads ({@link InputPath}) points: {@code ~/x} is in the home directory, an absolute path is
 * itself, and a relative one is read against the directory of the config file, never the working directory. The
 * checker's file warnings, the trainer and {@code trainbench prepare} all resolve inputs here, so they agree.
 */
public final class InputPaths {
    private InputPaths() {
    }

    /**
     * @param configFile the config the path is written in, or null when there is none (text not yet saved): then a
     *                   relative path stays relative
     * @throws InvalidPathException when the text is no path on this file system
     */
    public static Path resolve(Path configFile, String path) {
        if (path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), path.substring(2));
        }
        Path written = Path.of(path);
        Path base = configFile == null ? null : configFile.toAbsolutePath().getParent();
        if (base == null || written.isAbsolute() || path.isEmpty()) {
            return written;
        }
        return base.resolve(written).normalize();
    }
}
