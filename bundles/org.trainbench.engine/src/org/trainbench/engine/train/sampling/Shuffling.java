package org.trainbench.engine.train.sampling;

import java.util.Locale;

/** Order in which documents are visited, epoch after epoch (`data.sampling.shuffle`). */
public enum Shuffling {
    /** A new permutation of the documents in every epoch (Fast-LLM's default). */
    EPOCH,
    /** The first epoch in dataset order, later epochs permuted. */
    SKIP_FIRST_EPOCH,
    /** Always dataset order. */
    DISABLED;

    /**
     * Reads the config spelling. Fast-LLM's {@code full} (one permutation over all epochs at once) needs the number of
     * epochs up front; here it is read as {@code epoch}, which differs only in that no document repeats before all
     * others have been seen.
     */
    public static Shuffling fromConfig(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "epoch", "full" -> EPOCH;
            case "skip_first_epoch" -> SKIP_FIRST_EPOCH;
            case "disabled" -> DISABLED;
            default -> throw new IllegalArgumentException(
                    "data.sampling.shuffle: expected one of epoch, full, skip_first_epoch, disabled but got '" + text + "'");
        };
    }
}
