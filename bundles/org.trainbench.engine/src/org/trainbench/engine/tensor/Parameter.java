package org.trainbench.engine.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named trainable tensor: its values and the gradient accumulated for it, both flat, row-major fp32.
 *
 * <p>The arrays are owned by the parameter and handed out directly (no copies): the model reads
 * {@link #data()} and adds into {@link #grad()}, the optimizer updates {@link #data()} in place and
 * clears {@link #grad()} with {@link #zeroGrad()}. Names follow the Hugging Face Llama layout
 * ({@code model.layers.0.self_attn.q_proj.weight}), so checkpoints and exports share one vocabulary.
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final int size;
    /**
     * Values and gradients are allocated on first use: a model trained on a GPU draws its weights there and needs host
     * values only for checkpoints and exports, and host gradients never. Volatile: a worker thread may see the array
     * first.
     */
    private volatile float[] data;
    private volatile float[] grad;
    private final boolean weightDecay;

    /**
     * @param name        unique name within its model
     * @param shape       dimensions, outermost first; a linear layer's weight is (out, in)
     * @param weightDecay whether AdamW applies weight decay (false for norms and biases)
     */
    public Parameter(String name, int[] shape, boolean weightDecay) {
        this.name = Objects.requireNonNull(name, "name");
        this.shape = shape.clone();
        long size = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("parameter " + name + ": dimensions must be positive, got " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("parameter " + name + ": " + size + " elements exceed one Java array");
        }
        this.size = (int) size;
        this.weightDecay = weightDecay;
    }

    public String name() {
        return name;
    }

    /** A copy of the dimensions, outermost first. */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of elements. */
    public int size() {
        return size;
    }

    /** The values themselves (not a copy), row-major. */
    public float[] data() {
        float[] values = data;
        if (values == null) {
            synchronized (this) {
                values = data;
                if (values == null) {
                    values = new float[size];
                    data = values;
                }
            }
        }
        return values;
    }

    /**
     * Drops the values (ZeRO stage 3: a rank keeps only its shard between uses); the next {@link #data()} allocates
     * zeros, to be filled by whoever released them.
     */
    public void releaseData() {
        data = null;
    }

    /** The accumulated gradient (not a copy), same layout as {@link #data()}. */
    public float[] grad() {
        float[] gradients = grad;
        if (gradients == null) {
            synchronized (this) {
                gradients = grad;
                if (gradients == null) {
                    gradients = new float[size];
                    grad = gradients;
                }
            }
        }
        return gradients;
    }

    /** Whether AdamW decays this parameter: true for matrices and embeddings, false for norm weights and biases. */
    public boolean weightDecay() {
        return weightDecay;
    }

    public void zeroGrad() {
        float[] gradients = grad;
        if (gradients != null) {
            Arrays.fill(gradients, 0f);
        }
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
