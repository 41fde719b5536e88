package org.trainbench.engine.train.backend;

import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.train.TrainingPlan;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.distributed.FlatPartition;
import org.trainbench.engine.train.optim.AdamW;
import org.trainbench.engine.train.optim.NonFiniteGradientException;

/**
 * Where the numbers of a training step live and are computed: the model's weights, gradients, optimizer state and
 * activations. The {@code Trainer} owns everything else (data, schedule, evaluators, checkpoints, metrics, stop
 * signal, resume), so a run on another backend is the same run.
 *
 * <p>A backend is opened over a host {@link org.trainbench.engine.model.LlamaModel} and its {@link AdamW}: it starts
 * from their values ({@link #copyFromHost}: pretrained, restored from a checkpoint) or from fresh weights
 * ({@link #initializeWeights}), and {@link #copyToHost() copies its state back} into them whenever the trainer writes a
 * checkpoint or an export, so checkpoints have one format whatever computed them.
 *
 * <p>One step: {@link #zeroGradients()}, {@link #forwardBackward} per micro-batch, {@link #synchronizeGradients()},
 * {@link #update}.
 *
 * <p>In a data-parallel group ({@link BackendProvider#open(org.trainbench.engine.model.LlamaModel, AdamW, TrainingPlan,
 * DataParallel)}) every rank calls the same methods in the same order: {@link #synchronizeGradients()},
 * {@link #update} and {@link #copyToHost()} are collectives, and the group's {@link FlatPartition} of the backend's flat
 * parameter vector says which shard a rank owns under ZeRO.
 */
public interface ModelBackend extends AutoCloseable {

    /** One line for the log: the device and the arithmetic, e.g. {@code cuda: NVIDIA H100 80GB HBM3, bfloat16}. */
    String description();

    /**
     * Takes the weights, optimizer moments and step from the host model and optimizer (pretrained weights, a restored
     * checkpoint). Called once after opening, or {@link #initializeWeights} instead.
     */
    void copyFromHost();

    /**
     * Draws fresh weights as {@code LlamaModel.create} does (normal(0, init std), residual-writing projections scaled,
     * norm weights 1); moments zero, step 0. The CPU backend draws exactly {@code LlamaModel.create}'s values; a device
     * backend may draw its own random numbers from the same distributions, on the device.
     */
    void initializeWeights(long seed);

    /** Clears every gradient before the first micro-batch of a step. */
    void zeroGradients();

    /**
     * Forward and backward over one micro-batch; adds {@code lossScale * dL/dtheta} to the gradients and returns L, the
     * mean cross-entropy over the batch's counted targets (0 without any), as {@code LlamaModel.forwardBackward}.
     */
    float forwardBackward(SequenceBatch batch, float lossScale);

    /** L as in {@link #forwardBackward} without touching gradients (evaluation). */
    float loss(SequenceBatch batch);

    /**
     * Sums the step's gradients over the data-parallel group (after the last {@link #forwardBackward} of the step):
     * an all-reduce without ZeRO, a reduce-scatter into this rank's shard with ZeRO 1, 2 and 3. Nothing on one process.
     * Each rank's micro-batches were scaled by the whole global batch's counted targets, so the sum is the gradient of
     * the global batch's mean loss.
     */
    default void synchronizeGradients() {
    }

    /**
     * One AdamW update with this learning rate, as {@link AdamW#update}. In a data-parallel group the gradient norm
     * is summed over the ranks' shards; with ZeRO 1 and 2 each rank updates its shard and the weights are all-gathered;
     * with ZeRO 3 each rank updates its shard and keeps only it (the weights are gathered before their next use).
     *
     * @throws NonFiniteGradientException when the gradient norm is not finite; nothing is changed then
     */
    AdamW.Update update(double learningRate);

    /**
     * Copies weights, optimizer moments and step into the host model and optimizer the backend was opened with. With
     * ZeRO the moments are gathered from every rank first (a collective); rank 0's host then holds a complete state.
     */
    void copyToHost();

    /**
     * For a sharded checkpoint (several ranks, each writing its own shard): makes this rank's {@link FlatPartition} shard
     * of the weights and of the optimizer moments, and the step, readable in the host model and optimizer; the rest of
     * the host arrays may be stale. Every rank calls it; the default is {@link #copyToHost()} (which holds the shard too,
     * at the cost of its gathers), a data-parallel backend copies only the shard, without communicating.
     */
    default void copyShardToHost() {
        copyToHost();
    }

    /** The most device memory the run has held so far, in bytes; -1 where the backend does not measure it (CPU). */
    long peakMemoryBytes();

    /** Peak dense throughput of the device for this backend's arithmetic, FLOP/s, for MFU; 0 when unknown. */
    double peakFlops();

    /** Frees what the backend holds; the host model keeps the values last copied to it. */
    @Override
    void close();
}
