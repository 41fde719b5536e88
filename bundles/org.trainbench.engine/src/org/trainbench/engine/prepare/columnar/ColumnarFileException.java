package org.trainbench.engine.prepare.columnar;

import java.nio.file.Path;

/**
 * A Parquet or Arrow file that cannot be read: corrupt, truncated, or using a feature this reader does not implement.
 * The message starts with the file and names the column and the feature where there is one.
 */
public final class ColumnarFileException extends RuntimeException {
    private final Path file;

    public ColumnarFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public ColumnarFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
