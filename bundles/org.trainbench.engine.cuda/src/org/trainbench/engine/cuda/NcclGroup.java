package org.trainbench.engine.cuda;

import java.lang.foreign.MemorySegment;

import org.trainbench.engine.train.distributed.Communicator;

/**
 * One rank's NCCL communicator over device buffers, for the gradients and weights of a data-parallel run; host-side
 * values (counted targets, losses, the gradient norm) stay on the run's {@link Communicator}, which also carries the
 * NCCL unique id from rank 0 to the others at start-up (through the same rendezvous at MASTER_ADDR:MASTER_PORT).
 *
 * <p>Every collective is enqueued on the default stream, in place, so it is ordered with the kernels before and after
 * it. Sharded collectives follow NCCL's in-place layout: a buffer of {@code worldSize * shard} elements of which rank
 * r owns {@code [r * shard, (r + 1) * shard)}, the layout of {@code FlatPartition} when the buffer is padded to it.
 */
public final class NcclGroup implements AutoCloseable {
    private final Nccl nccl;
    private final MemorySegment comm;
    private final int rank;
    private final int worldSize;
    private boolean closed;

    private NcclGroup(Nccl nccl, MemorySegment comm, int rank, int worldSize) {
        this.nccl = nccl;
        this.comm = comm;
        this.rank = rank;
        this.worldSize = worldSize;
    }

    /**
     * Joins the NCCL group of {@code host}'s ranks on the current context's GPU: rank 0 makes the unique id and
     * broadcasts it over {@code host}; every rank then initializes its communicator (blocking until all have).
     */
    public static NcclGroup join(Communicator host, CudaContext context) {
        Nccl nccl = Nccl.load();
        byte[] id = host.rank() == 0 ? nccl.uniqueId() : new byte[Nccl.UNIQUE_ID_BYTES];
        if (host.worldSize() > 1) {
            // bytes as small whole floats: exact through any float transport, NaN patterns included
            float[] carried = new float[Nccl.UNIQUE_ID_BYTES];
            for (int i = 0; i < carried.length; i++) {
                carried[i] = id[i] & 0xff;
            }
            host.broadcast(carried, 0, carried.length, 0);
            for (int i = 0; i < carried.length; i++) {
                id[i] = (byte) (int) carried[i];
            }
        }
        MemorySegment comm = nccl.initRank(id, host.worldSize(), host.rank());
        return new NcclGroup(nccl, comm, host.rank(), host.worldSize());
    }

    public int rank() {
        return rank;
    }

    public int worldSize() {
        return worldSize;
    }

    /** NCCL's version, e.g. 22803 for 2.28.3. */
    public int version() {
        return nccl.version();
    }

    /** {@code count} elements at {@code buffer} become their sum over the ranks, on every rank. */
    public void allReduceSum(long buffer, long count, Nccl.DataType type) {
        nccl.allReduceSum(buffer, buffer, count, type, comm);
    }

    /**
     * {@code buffer} holds {@code worldSize * shard} elements; rank r's {@code [r * shard, (r + 1) * shard)} becomes the
     * sum over the ranks of that range; the rest is left undefined.
     */
    public void reduceScatterSum(long buffer, long shard, Nccl.DataType type) {
        nccl.reduceScatterSum(buffer, buffer + (long) rank * shard * type.bytes, shard, type, comm);
    }

    /** {@code buffer} holds {@code worldSize * shard} elements; every rank's shard reaches every rank. */
    public void allGather(long buffer, long shard, Nccl.DataType type) {
        nccl.allGather(buffer + (long) rank * shard * type.bytes, buffer, shard, type, comm);
    }

    /** {@code count} elements at {@code buffer} become rank {@code root}'s. */
    public void broadcast(long buffer, long count, Nccl.DataType type, int root) {
        nccl.broadcast(buffer, buffer, count, type, root, comm);
    }

    /** Throws when NCCL reported an asynchronous error (a peer failed, a network error). */
    public void checkAsyncError(String what) {
        int error = nccl.asyncError(comm);
        if (error != 0) {
            throw new CudaException(what + ": NCCL reports error " + error + " (" + nccl.describe(error) + ") on rank " + rank);
        }
    }

    /** Destroys the communicator (after the work enqueued on it); {@link #abort()} instead after a failure. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            nccl.destroy(comm);
        }
    }

    /** Tears the communicator down without waiting for peers (after a failure or timeout). */
    public void abort() {
        if (!closed) {
            closed = true;
            nccl.abort(comm);
        }
    }
}
