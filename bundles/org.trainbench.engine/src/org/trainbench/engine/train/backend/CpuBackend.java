package org.trainbench.engine.train.backend;

import java.util.List;

import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.tensor.Parameter;
import org.trainbench.engine.tensor.WorkerPool;
import org.trainbench.engine.train.TrainingPlan;
import org.trainbench.engine.train.distributed.Communicator;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.distributed.FlatPartition;
import org.trainbench.engine.train.optim.AdamW;

/**
 * The reference backend: {@link LlamaModel} and {@link AdamW} themselves, in fp32 on the CPU, on the host arrays.
 *
 * <p>In a data-parallel group the flat vector is the model's parameters end to end in {@link LlamaModel#parameters()}
 * order (AdamW's order); gradients, weights and moments are copied into one flat buffer for each collective. ZeRO 1 and
 * 2 send the same bytes here (reduce-scatter of the gradients, all-gather of the weights) and update only the rank's
 * shard, so only that shard's Adam moments are allocated; the backward pass still writes whole gradient arrays, so ZeRO
 * 2's gradient memory saving is the GPU's, not this backend's.
 *
 * <p>ZeRO 3 also shards the weights: between uses a rank holds only its shard of the fp32 weights ({@code weightShard});
 * the parameters' arrays are released. The whole model is all-gathered before each micro-batch's forward pass, released
 * after it, gathered again before its backward pass and released after that (whole-model gathers: the CPU model has no
 * per-layer hook), and before each evaluation batch. The update touches only the shard, so no all-gather follows it.
 * Every gather and release happens on every rank in the same order; sums are those of ZeRO 2, so ZeRO 3 gives the same
 * bits as ZeRO 2 and no ZeRO.
 */
public final class CpuBackend implements ModelBackend {
    /** The name of {@code --backend cpu}. */
    public static final String NAME = "cpu";

    /** The provider of this backend, always available. */
    public static final BackendProvider PROVIDER = new BackendProvider() {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public ModelBackend open(LlamaModel model, AdamW optimizer, TrainingPlan plan) {
            return new CpuBackend(model, optimizer, plan.trainingDtype(), DataParallel.single());
        }

        @Override
        public ModelBackend open(LlamaModel model, AdamW optimizer, TrainingPlan plan, DataParallel group) {
            return new CpuBackend(model, optimizer, plan.trainingDtype(), group);
        }
    };

    private final LlamaModel model;
    private final AdamW optimizer;
    private final TrainingDtype requested;
    private final DataParallel group;
    private final FlatPartition partition;
    /** The collectives' buffer, the size of the flat vector; allocated on the first collective (ZeRO 3: per collective). */
    private float[] flat;
    /** ZeRO 3: this rank's shard of the flat weights, the only copy of them between uses; null otherwise. */
    private float[] weightShard;

    public CpuBackend(LlamaModel model, AdamW optimizer, TrainingDtype requested) {
        this(model, optimizer, requested, DataParallel.single());
    }

    public CpuBackend(LlamaModel model, AdamW optimizer, TrainingDtype requested, DataParallel group) {
        this.model = model;
        this.optimizer = optimizer;
        this.requested = requested;
        this.group = group;
        long elements = group.distributed() ? optimizer.flatSize() : 0;
        if (elements > Integer.MAX_VALUE - 16) {
            throw new BackendUnavailableException("the cpu backend's data-parallel buffer holds at most 2^31 elements; this model has "
                    + elements);
        }
        this.partition = group.distributed() ? group.partition(elements) : null;
    }

    private boolean shardsWeights() {
        return group.distributed() && group.zeroStage() == org.trainbench.engine.train.distributed.ZeroStage.WEIGHTS;
    }

    /** ZeRO 3: keeps this rank's shard of the host weights (just set by a checkpoint, pretrained weights or initialization) and releases the rest. */
    private void shardWeights() {
        if (!shardsWeights()) {
            return;
        }
        weightShard = new float[(int) partition.size(group.rank())];
        copyShard(true);
        releaseWeights();
    }

    /** ZeRO 3: between {@code weightShard} and the weight arrays of the tensors the shard touches (others are not allocated). */
    private void copyShard(boolean toShard) {
        long from = partition.start(group.rank());
        long to = partition.end(group.rank());
        long at = 0;
        for (Parameter p : optimizer.tensors()) {
            long start = Math.max(from, at);
            long end = Math.min(to, at + p.size());
            if (start < end) {
                if (toShard) {
                    System.arraycopy(p.data(), (int) (start - at), weightShard, (int) (start - from), (int) (end - start));
                } else {
                    System.arraycopy(weightShard, (int) (start - from), p.data(), (int) (start - at), (int) (end - start));
                }
            }
            at += p.size();
        }
    }

    /** ZeRO 3: every rank's shard into the whole weight arrays (an all-gather); they stay until {@link #releaseWeights()}. */
    private void gatherWeights() {
        long from = partition.start(group.rank());
        float[] buffer = new float[(int) optimizer.flatSize()];
        System.arraycopy(weightShard, 0, buffer, (int) from, weightShard.length);
        group.communicator().allGather(buffer, 0, partition);
        copy(optimizer.tensors().stream().map(Parameter::data).toList(), buffer, 0, buffer.length, false);
    }

    private void releaseWeights() {
        for (Parameter p : optimizer.tensors()) {
            p.releaseData();
        }
    }

    @Override
    public String description() {
        String note = requested == TrainingDtype.FLOAT32 ? "" : " (model.distributed.training_dtype " + requested.yamlName()
                + " is computed in float32 on the CPU)";
        String workers = group.distributed() ? ", rank " + group.rank() + " of " + group.worldSize() + " workers, ZeRO stage "
                + group.zeroStage().number() : "";
        return "cpu: " + WorkerPool.shared().threads() + " threads, float32" + note + workers;
    }

    @Override
    public void copyFromHost() {
        // the host arrays are the backend's own; ZeRO 3 keeps only its shard of them
        shardWeights();
    }

    @Override
    public void initializeWeights(long seed) {
        model.initialize(seed);
        shardWeights();
    }

    @Override
    public void zeroGradients() {
        for (Parameter p : model.parameters()) {
            p.zeroGrad();
        }
    }

    @Override
    public float forwardBackward(SequenceBatch batch, float lossScale) {
        if (!shardsWeights()) {
            return model.forwardBackward(batch, lossScale);
        }
        gatherWeights();
        float loss = model.forwardBackward(batch, lossScale, () -> {
            releaseWeights(); // freed after the forward pass, gathered again for the backward pass
            gatherWeights();
        });
        releaseWeights();
        return loss;
    }

    @Override
    public float loss(SequenceBatch batch) {
        if (!shardsWeights()) {
            return model.loss(batch);
        }
        gatherWeights();
        float loss = model.loss(batch);
        releaseWeights();
        return loss;
    }

    @Override
    public void synchronizeGradients() {
        if (!group.distributed()) {
            return;
        }
        Communicator communicator = group.communicator();
        float[] buffer = flat();
        List<float[]> gradients = optimizer.tensors().stream().map(Parameter::grad).toList();
        copy(gradients, buffer, 0, buffer.length, true);
        if (group.zeroStage().shardsOptimizerState()) {
            communicator.reduceScatterSum(buffer, 0, partition);
            copy(gradients, buffer, partition.start(group.rank()), partition.end(group.rank()), false);
        } else {
            communicator.allReduceSum(buffer, 0, buffer.length);
            copy(gradients, buffer, 0, buffer.length, false);
        }
    }

    @Override
    public AdamW.Update update(double learningRate) {
        if (!group.distributed()) {
            return optimizer.update(learningRate);
        }
        long from = partition.start(group.rank());
        long to = partition.end(group.rank());
        // the norm from shard partials in every stage, so that ZeRO 0, 1 and 2 clip alike, bit for bit
        double norm = Math.sqrt(group.communicator().allReduceSum(optimizer.gradientSumOfSquares(from, to))[0]);
        if (!group.zeroStage().shardsOptimizerState()) {
            return optimizer.update(learningRate, norm, 0, optimizer.flatSize());
        }
        if (shardsWeights()) {
            // the shard into the arrays it touches, updated there and taken back; nothing is gathered until the next use
            copyShard(false);
            AdamW.Update update = optimizer.update(learningRate, norm, from, to);
            copyShard(true);
            releaseWeights();
            return update;
        }
        AdamW.Update update = optimizer.update(learningRate, norm, from, to);
        float[] buffer = flat();
        List<float[]> weights = optimizer.tensors().stream().map(Parameter::data).toList();
        copy(weights, buffer, from, to, true);
        group.communicator().allGather(buffer, 0, partition);
        copy(weights, buffer, 0, buffer.length, false);
        return update;
    }

    @Override
    public void copyToHost() {
        if (!group.distributed() || !group.zeroStage().shardsOptimizerState()) {
            return; // the host arrays are the backend's own, complete on every rank
        }
        if (shardsWeights()) {
            // rank 0 keeps the gathered weights for what it writes (until its next use releases them); the others drop them
            gatherWeights();
            if (!group.writesFiles()) {
                releaseWeights();
            }
        }
        long from = partition.start(group.rank());
        long to = partition.end(group.rank());
        for (int moment = 0; moment < 2; moment++) {
            java.util.function.IntFunction<float[]> arrays = moment == 0 ? optimizer::firstMoment : optimizer::secondMoment;
            float[] buffer = flat();
            copyTouched(arrays, buffer, from, to, optimizer.tensors());
            group.communicator().allGather(buffer, 0, partition);
            if (group.writesFiles()) {
                copy(java.util.stream.IntStream.range(0, optimizer.tensors().size()).mapToObj(arrays).toList(), buffer, 0, buffer.length, false);
            }
        }
    }

    @Override
    public void copyShardToHost() {
        // the weights, and the moments of the own shard, are already in the host arrays, except ZeRO 3's weights
        if (shardsWeights()) {
            copyShard(false);
        }
    }

    /** The own shard of the moments into the buffer, asking only for the tensors the shard touches (others stay unallocated). */
    private static void copyTouched(java.util.function.IntFunction<float[]> moments, float[] buffer, long from, long to,
            List<Parameter> tensors) {
        long at = 0;
        for (int i = 0; i < tensors.size(); i++) {
            int size = tensors.get(i).size();
            long start = Math.max(from, at);
            long end = Math.min(to, at + size);
            if (start < end) {
                System.arraycopy(moments.apply(i), (int) (start - at), buffer, (int) start, (int) (end - start));
            }
            at += size;
        }
    }

    /** Copies {@code [from, to)} of the flat vector between the per-tensor arrays and the buffer (toBuffer: arrays to buffer). */
    private static void copy(List<float[]> arrays, float[] buffer, long from, long to, boolean toBuffer) {
        long at = 0;
        for (float[] array : arrays) {
            long start = Math.max(from, at);
            long end = Math.min(to, at + array.length);
            if (start < end) {
                if (toBuffer) {
                    System.arraycopy(array, (int) (start - at), buffer, (int) start, (int) (end - start));
                } else {
                    System.arraycopy(buffer, (int) start, array, (int) (start - at), (int) (end - start));
                }
            }
            at += array.length;
        }
    }

    private float[] flat() {
        if (shardsWeights()) {
            return new float[(int) optimizer.flatSize()]; // ZeRO 3 holds no whole-model buffer between uses
        }
        if (flat == null) {
            flat = new float[(int) optimizer.flatSize()];
        }
        return flat;
    }

    @Override
    public long peakMemoryBytes() {
        return -1;
    }

    @Override
    public double peakFlops() {
        return 0;
    }

    @Override
    public void close() {
    }
}
