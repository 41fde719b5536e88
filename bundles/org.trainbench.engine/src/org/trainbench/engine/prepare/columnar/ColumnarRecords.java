package org.trainbench.engine.prepare.columnar;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The rows of one Parquet or Arrow file, one at a time, as the same values a JSON Lines reader gives: a
 * {@code Map<String, Object>} per row (columns in schema order) whose values are String, Long (every integer type),
 * Double (float and double), Boolean, byte[] (binary columns), {@code List<Object>} (lists), {@code Map<String, Object>}
 * (structs) or null.
 * <p>
 * A reader opened with a column selection decodes only those columns; the others keep their place in each row with
 * the value {@link #NOT_READ}, so a row still lists every column of the file (for error messages) while a column of an
 * unsupported type or codec that is not needed costs nothing and fails nothing.
 */
public interface ColumnarRecords extends AutoCloseable {

    /** The value of a column that the reader was not asked to decode. */
    Object NOT_READ = new Object() {
        @Override
        public String toString() {
            return "(column not read)";
        }
    };

    /** The top-level column names, in schema order. */
    List<String> columns();

    /** The next row, or null after the last one. */
    Map<String, Object> next() throws IOException;

    /** The 0-based index in the file of the row {@link #next()} returned last (as {@code dataset[i]} counts). */
    long row();

    @Override
    void close() throws IOException;
}
