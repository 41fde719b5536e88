package org.trainbench.engine.data;

import java.io.IOException;
import java.nio.file.Path;

/** A dataset file that exists but does not follow its format; the message names the file and the problem. */
public final class DatasetFormatException extends IOException {
    private final Path file;

    public DatasetFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
