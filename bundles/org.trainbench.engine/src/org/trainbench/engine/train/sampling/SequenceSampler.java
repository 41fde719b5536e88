package org.trainbench.engine.train.sampling;

/**
 * An endless, deterministic stream of packed samples. Its position is a few numbers that a checkpoint stores; a
 * sampler restored to a position continues exactly as the original did from there.
 */
public interface SequenceSampler {

    /** The next sample. */
    PackedSequence next();

    /** Samples returned so far. */
    long samplesProduced();

    /** Where the stream stands, to be given back to {@link #restore(long[])}. */
    long[] position();

    /**
     * Continues from a position taken by {@link #position()} on a sampler built the same way (same dataset, sequence
     * length, seed, options).
     *
     * @throws IllegalArgumentException if the position does not belong to a sampler of this shape
     */
    void restore(long[] position);

    /** A line for the log: what is sampled and what was skipped. */
    String description();

    /** Documents never used because they do not fit in a sample (only without truncation). */
    long skippedDocuments();
}
