package org.trainbench.engine.train.optim;

/**
 * What the optimizer needs from one model parameter: its values, the gradient accumulated for
 * them (same length), and whether weight decay applies. Kept here, small, so that the optimizer
 * and the checkpoint code do not depend on how the model stores its tensors.
 */
public interface TrainableTensor {
    /** Stable name, used as the key in checkpoints (e.g. {@code layers.0.attention.query.weight}). */
    String name();

    /** The parameter values, updated in place. */
    float[] values();

    /** The gradient of the loss with respect to {@link #values()}, same length. */
    float[] gradients();

    /** False for norms and biases, which Fast-LLM (like most recipes) leaves undecayed. */
    boolean weightDecay();
}
