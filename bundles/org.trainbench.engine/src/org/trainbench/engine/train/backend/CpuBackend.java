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
    /** The collectives' buffer, the size of the flat vector; allocated on the first collective. */
    private float[] flat;

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
        // the host arrays are the backend's own
    }

    @Override
    public void initializeWeights(long seed) {
        model.initialize(seed);
    }

    @Override
    public void zeroGradients() {
        for (Parameter p : model.parameters()) {
            p.zeroGrad();
        }
    }

    @Override
    public float forwardBackward(SequenceBatch batch, float lossScale) {
        return model.forwardBackward(batch, lossScale);
    }

    @Override
    public float loss(SequenceBatch batch) {
        return model.loss(batch);
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
