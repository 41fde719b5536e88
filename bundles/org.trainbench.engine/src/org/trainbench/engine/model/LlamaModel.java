package org.trainbench.engine.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import org.trainbench.engine.tensor.Parameter;

/**
 * A Llama-family decoder on the CPU in fp32, with a hand-written backward pass.
 *
 * <p>Parameters carry Hugging Face Llama names ({@code model.embed_tokens.weight},
 * {@code model.layers.N.self_attn.q_proj.weight}, ..., {@code lm_head.weight} when not tied).
 *
 * <p>Determinism: the same parameters and batch give bit-identical losses, logits and gradients on every
 * run, whatever the thread timing: work is split in a fixed way and every sum is reduced in a fixed order.
 */
public final class LlamaModel {
    private final LlamaArchitecture arch;
    private final List<Parameter> parameters = new ArrayList<>();

    private LlamaModel(LlamaArchitecture arch) {
        this.arch = arch;
    }

    /**
     * A freshly initialized model, as Fast-LLM initializes one: every weight matrix normal(0, initStd), except the
     * projections that write into the residual stream (o_proj, down_proj), normal(0, initStd / sqrt(2 numLayers));
     * embeddings and LM head normal(0, initStd); norm weights 1; biases 0. Each parameter draws from its own
     * stream seeded from {@code seed} and its name, so adding a parameter does not change the others.
     */
    public static LlamaModel create(LlamaArchitecture arch, long seed) {
        throw new UnsupportedOperationException("in progress");
    }

    /** A model with all weights zero (norm weights too), to be filled by an importer or a checkpoint. */
    public static LlamaModel empty(LlamaArchitecture arch) {
        throw new UnsupportedOperationException("in progress");
    }

    public LlamaArchitecture architecture() {
        return arch;
    }

    /** All trainable parameters in a fixed order (embedding, layers in order, final norm, LM head). */
    public List<Parameter> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    /** The parameter with this name, or an exception naming it. */
    public Parameter parameter(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter named " + name);
    }

    /**
     * Runs forward and backward on one micro-batch and ADDS the gradient to every {@link Parameter#grad()}.
     *
     * <p>Let L be the mean cross-entropy over the counted targets of this batch (those with
     * {@code lossMask == true}). This adds {@code lossScale * dL/dtheta} to each parameter's grad, and returns
     * L (unscaled). Gradient accumulation over n micro-batches of one step: zero the grads, call this for each
     * micro-batch and sum; with {@code lossScale = 1/n} the step's gradient is that of the mean of the
     * micro-batch means (Fast-LLM's convention); with {@code lossScale = counted_i / counted_total} it is that of
     * the mean over all counted tokens of the step. A batch without counted targets returns 0 and adds nothing.
     */
    public float forwardBackward(SequenceBatch batch, float lossScale) {
        throw new UnsupportedOperationException("in progress");
    }

    /** L as in {@link #forwardBackward}, without touching gradients (evaluation). */
    public float loss(SequenceBatch batch) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Logits of one sequence at every position: (T, V) row-major, positions 0..T-1, one document. */
    public float[] logits(int[] tokens) {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Samples a continuation with a key/value cache: greedy (argmax) when {@code temperature <= 0}, else softmax
     * sampling at that temperature from a generator seeded with {@code seed}. Stops after
     * {@code maxNewTokens} or right after emitting any of {@code stopTokens}. Returns the new tokens only
     * (including the stop token if one ended it).
     */
    public int[] generate(int[] prompt, int maxNewTokens, float temperature, long seed, int... stopTokens) {
        throw new UnsupportedOperationException("in progress");
    }
}
