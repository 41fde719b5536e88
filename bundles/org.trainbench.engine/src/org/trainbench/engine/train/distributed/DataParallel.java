package org.trainbench.engine.train.distributed;

/**
 * The data-parallel group a run trains in: its {@link Communicator} and {@link ZeroStage}. Rank r of N takes micro-batches
 * {@code [r M/N, (r+1) M/N)} of each global batch of M micro-batches, so N ranks together see exactly the batch one
 * process sees; rank 0 writes the run's files.
 */
public record DataParallel(Communicator communicator, ZeroStage zeroStage) {

    /** One process, no sharding: what every run was before workers. */
    public static DataParallel single() {
        return new DataParallel(SingleProcessCommunicator.INSTANCE, ZeroStage.NONE);
    }

    public int rank() {
        return communicator.rank();
    }

    public int worldSize() {
        return communicator.worldSize();
    }

    public boolean distributed() {
        return communicator.worldSize() > 1;
    }

    /** Whether this rank writes metrics, logs, checkpoints and exports (rank 0). */
    public boolean writesFiles() {
        return communicator.rank() == 0;
    }

    /** The partition of a model of {@code parameters} elements over this group. */
    public FlatPartition partition(long parameters) {
        return FlatPartition.of(parameters, worldSize());
    }
}
