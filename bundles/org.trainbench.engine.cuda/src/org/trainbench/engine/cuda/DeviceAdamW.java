package org.trainbench.engine.cuda;

import java.util.ArrayList;
import java.util.List;

import org.trainbench.engine.train.optim.AdamW;
import org.trainbench.engine.train.optim.NonFiniteGradientException;

/**
 * The engine's AdamW ({@link AdamW}: global gradient-norm clipping, decoupled weight decay, bias correction) with
 * parameters, gradients and moments on the GPU. The scalar schedule (norm, clip factor, bias corrections) is computed
 * here on the host in double exactly as {@link AdamW#update} does; the per-element update is the
 * {@code adamw_update} kernel, operation for operation as the CPU loop.
 */
public final class DeviceAdamW implements AutoCloseable {

    /** One trainable tensor on the device: its values and gradients, {@code size} floats each. */
    public record Tensor(String name, DeviceBuffer values, DeviceBuffer gradients, long size, boolean weightDecay) {
        public Tensor {
            values.require(4 * size, name + " values");
            gradients.require(4 * size, name + " gradients");
        }
    }

    private final LlamaKernels kernels;
    private final AdamW.Settings settings;
    private final List<Tensor> tensors;
    private final List<DeviceBuffer> firstMoments = new ArrayList<>();
    private final List<DeviceBuffer> secondMoments = new ArrayList<>();
    private long step;

    /** Moments start at zero, as in {@link AdamW}. */
    public DeviceAdamW(LlamaKernels kernels, AdamW.Settings settings, List<Tensor> tensors) {
        this.kernels = kernels;
        this.settings = settings;
        this.tensors = List.copyOf(tensors);
        CudaContext context = kernels.context();
        try {
            for (Tensor t : this.tensors) {
                DeviceBuffer m = context.allocateFloats(t.size());
                firstMoments.add(m);
                DeviceBuffer v = context.allocateFloats(t.size());
                secondMoments.add(v);
                context.fill32(m.address(), 0, t.size());
                context.fill32(v.address(), 0, t.size());
            }
        } catch (RuntimeException e) {
            // out of memory part way: free the moments allocated so far
            close();
            throw e;
        }
    }

    public long step() {
        return step;
    }

    public DeviceBuffer firstMoment(int index) {
        return firstMoments.get(index);
    }

    public DeviceBuffer secondMoment(int index) {
        return secondMoments.get(index);
    }

    /** Global L2 norm of all gradients (per-tensor sums in double, tensors in order). */
    public double gradientNorm() {
        return Math.sqrt(sumsOfSquares().total);
    }

    private record Squares(double total, String firstNonFinite) {
    }

    private Squares sumsOfSquares() {
        double total = 0;
        String firstNonFinite = "(sum overflowed)";
        boolean found = false;
        for (Tensor t : tensors) {
            double sum = kernels.sumOfSquares(t.gradients(), t.size());
            if (!found && !Double.isFinite(sum)) {
                firstNonFinite = t.name();
                found = true;
            }
            total += sum;
        }
        return new Squares(total, firstNonFinite);
    }

    /**
     * One update with learning rate {@code learningRate}, as {@link AdamW#update}.
     *
     * @throws NonFiniteGradientException when the gradient norm is NaN or infinite; nothing is changed then
     */
    public AdamW.Update update(double learningRate) {
        Squares squares = sumsOfSquares();
        double norm = Math.sqrt(squares.total());
        if (!Double.isFinite(norm)) {
            throw new NonFiniteGradientException(norm, squares.firstNonFinite());
        }
        step++;
        AdamW.StepScalars scalars = AdamW.stepScalars(settings, step, learningRate, norm);
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            kernels.adamWUpdate(t.values(), t.gradients(), firstMoments.get(i), secondMoments.get(i), t.size(), scalars, t.weightDecay());
        }
        return new AdamW.Update(step, learningRate, norm);
    }

    @Override
    public void close() {
        firstMoments.forEach(DeviceBuffer::close);
        secondMoments.forEach(DeviceBuffer::close);
    }
}
