package org.trainbench.engine.train.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint file is missing, truncated or does not match its manifest checksum. */
public final class CorruptCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public CorruptCheckpointException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    /** The file found wrong. */
    public Path file() {
        return file;
    }
}
