package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Range;

/** Something done every {@code interval} iterations, starting at {@code offset} ({@code training.logs}). */
public record IntervalConfig(
        @Doc("Number of training iterations between two occurrences; unset (null) disables it.")
        @Range(min = 1)
        Integer interval,
        @Doc("Iteration of the first occurrence, then every interval iterations.")
        @Default("0") @Range(min = 0)
        int offset) {

    /** Whether this happens at all. */
    public boolean enabled() {
        return interval != null;
    }
}
