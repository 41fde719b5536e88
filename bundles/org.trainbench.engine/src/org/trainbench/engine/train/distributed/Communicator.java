package org.trainbench.engine.train.distributed;

/**
 * The collectives a data-parallel run needs between its ranks (one process per device or CPU worker), each bounded by
 * the run's {@code model.distributed.timeout}: when a peer does not answer in time, or its connection closes, the call
 * throws a {@link CommunicatorException} naming this rank, the operation and the peer.
 *
 * <p>Every rank calls the same collectives in the same order with the same sizes. Sums are formed in rank order
 * ({@code ((x_0 + x_1) + x_2) + ...}) whoever forms them, so a run gives the same bits run after run, and every rank
 * ends with the same bits.
 *
 * <p>Float arrays are addressed as a range starting at {@code offset}; sharded operations take the
 * {@link FlatPartition} of that range, rank r owning {@code [offset + start(r), offset + end(r))}.
 */
public interface Communicator extends AutoCloseable {

    /** This process's rank, 0 to {@link #worldSize()} - 1; rank 0 writes the run's files. */
    int rank();

    int worldSize();

    /** {@code data[offset, offset + length)} becomes the sum over ranks on every rank. */
    void allReduceSum(float[] data, int offset, int length);

    /** Each rank's own shard of {@code data} (from {@code offset}) becomes the sum over ranks; the rest is left as it was. */
    void reduceScatterSum(float[] data, int offset, FlatPartition partition);

    /** Every shard of {@code data} (from {@code offset}) becomes the values its owning rank holds. */
    void allGather(float[] data, int offset, FlatPartition partition);

    /** {@code data[offset, offset + length)} becomes rank {@code root}'s values on every rank. */
    void broadcast(float[] data, int offset, int length, int root);

    /** Small values (counts, loss sums, flags), summed over ranks in rank order, in double; the input is left alone. */
    double[] allReduceSum(double... values);

    /** Returns once every rank has called it; {@code what} names the point in errors ("checkpoint 20 written"). */
    void barrier(String what);

    /** Bytes this rank has written to its peers so far, headers included (0 for a single process). */
    long bytesSent();

    /** Closes the connections; peers waiting on this rank then fail at once instead of at their timeout. */
    @Override
    void close();
}
