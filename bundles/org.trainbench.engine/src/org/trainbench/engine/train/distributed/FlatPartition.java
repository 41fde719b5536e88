package org.trainbench.engine.train.distributed;

/**
 * How a flat vector of {@code elements} values (the parameters, gradients or Adam moments of a model laid end to end,
 * in the backend's flat order) is split over {@code parts} ranks: rank r owns the contiguous range
 * {@code [start(r), end(r))}. Every shard has {@code shardSize} elements, {@code ceil(elements / parts)} rounded up to
 * {@value #ALIGNMENT} (256 bytes of fp32, so a shard starts aligned for vector loads and device copies); the last
 * shards are shorter, or empty when the rounding used up the vector.
 *
 * <p>This is the one partition of the run: ZeRO's optimizer, gradient and weight shards, the reduce-scatter and
 * all-gather ranges, and the CPU and GPU backends alike use it, so a rank owns the same elements whatever computes
 * them.
 */
public record FlatPartition(long elements, int parts, long shardSize) {
    /** Shards start at multiples of this many elements. */
    public static final int ALIGNMENT = 64;

    public FlatPartition {
        if (elements < 0 || parts < 1 || shardSize < 0 || shardSize * parts < elements) {
            throw new IllegalArgumentException("a partition of " + elements + " elements over " + parts + " ranks cannot have shards of "
                    + shardSize);
        }
    }

    /** The partition of {@code elements} values over {@code parts} ranks, shards aligned to {@value #ALIGNMENT}. */
    public static FlatPartition of(long elements, int parts) {
        return of(elements, parts, ALIGNMENT);
    }

    /** As {@link #of(long, int)} with another alignment (1 for a plain even split of a small buffer). */
    public static FlatPartition of(long elements, int parts, int alignment) {
        long even = (elements + parts - 1) / parts;
        long shard = (even + alignment - 1) / alignment * alignment;
        return new FlatPartition(elements, parts, shard);
    }

    public long start(int rank) {
        return Math.min(elements, rank * shardSize);
    }

    public long end(int rank) {
        return Math.min(elements, (rank + 1L) * shardSize);
    }

    public long size(int rank) {
        return end(rank) - start(rank);
    }
}
