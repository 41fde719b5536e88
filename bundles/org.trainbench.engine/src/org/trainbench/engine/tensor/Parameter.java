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
    private final float[] data;
    /** Allocated on first use: a model trained on a GPU never needs its host gradients. */
    private float[] grad;
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
        this.data = new float[(int) size];
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
        return data.length;
    }

    /** The values themselves (not a copy), row-major. */
    public float[] data() {
        return data;
    }

    /** The accumulated gradient (not a copy), same layout as {@link #data()}. */
    public float[] grad() {
        if (grad == null) {
            grad = new float[data.length];
        }
        return grad;
    }

    /** Whether AdamW decays this parameter: true for matrices and embeddings, false for norm weights and biases. */
    public boolean weightDecay() {
        return weightDecay;
    }

    public void zeroGrad() {
        if (grad != null) {
            Arrays.fill(grad, 0f);
        }
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
