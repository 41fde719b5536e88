package org.trainbench.engine.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import org.trainbench.engine.tensor.Parameter;

/**
 * A Llama-family decoder on the CPU in fp32, with a hand-written backward pass.
 *
 * <p>Forward, per block: {@code x += o_proj(attention(rotary(q_proj(n)), rotary(k_proj(n)), v_proj(n)))} with
 * {@code n = rms_norm(x)}; then {@code x += down_proj(silu(gate_proj(n)) * up_proj(n))} with {@code n = rms_norm(x)};
 * after the last block, {@code logits = lm_head(rms_norm(x))}. Each step is a layer class with its forward and
 * backward side by side ({@link RmsNorm}, {@link Linear}, {@link RotaryEmbedding}, {@link GroupedQueryAttention},
 * {@link Silu}, {@link TokenEmbedding}, {@link LanguageModelHead}); this class strings them together.
 *
 * <p>Parameters carry Hugging Face Llama names ({@code model.embed_tokens.weight},
 * {@code model.layers.N.self_attn.q_proj.weight}, ..., {@code lm_head.weight} when not tied).
 *
 * <p>Determinism: the same parameters and batch give bit-identical losses, logits and gradients on every
 * run, whatever the thread timing: work is split in a fixed way and every sum is reduced in a fixed order.
 *
 * <p>Not thread-safe: one forward/backward at a time per model (its activation buffers are reused).
 */
public final class LlamaModel {
    private final LlamaArchitecture arch;
    private final List<Parameter> parameters = new ArrayList<>();
    private final Parameter embedding;
    private final Block[] blocks;
    private final Parameter finalNorm;
    private final Parameter head;
    private final RotaryEmbedding rotary;
    /** Buffers of the two most recent batch shapes (a training micro-batch and an evaluation batch, typically). */
    private Activations activations;
    private Activations previousActivations;

    /** The parameters of one transformer block; biases are null without {@code addLinearBiases}. */
    private record Block(Parameter inputNorm, Parameter q, Parameter qBias, Parameter k, Parameter kBias,
                         Parameter v, Parameter vBias, Parameter o, Parameter oBias, Parameter postNorm,
                         Parameter gate, Parameter gateBias, Parameter up, Parameter upBias,
                         Parameter down, Parameter downBias) {
    }

    private LlamaModel(LlamaArchitecture arch) {
        if (!arch.gated()) {
            throw new IllegalArgumentException("transformer.gated: false is not supported by the CPU engine; Llama uses gated: true");
        }
        this.arch = arch;
        int c = arch.hiddenSize();
        int f = arch.ffnHiddenSize();
        int qw = arch.queryWidth();
        int kw = arch.keyValueWidth();
        boolean bias = arch.addLinearBiases();
        embedding = add("model.embed_tokens.weight", true, arch.vocabSize(), c);
        blocks = new Block[arch.numLayers()];
        for (int l = 0; l < blocks.length; l++) {
            String p = "model.layers." + l + ".";
            Parameter inputNorm = add(p + "input_layernorm.weight", false, c);
            Parameter q = add(p + "self_attn.q_proj.weight", true, qw, c);
            Parameter qb = bias ? add(p + "self_attn.q_proj.bias", false, qw) : null;
            Parameter k = add(p + "self_attn.k_proj.weight", true, kw, c);
            Parameter kb = bias ? add(p + "self_attn.k_proj.bias", false, kw) : null;
            Parameter v = add(p + "self_attn.v_proj.weight", true, kw, c);
            Parameter vb = bias ? add(p + "self_attn.v_proj.bias", false, kw) : null;
            Parameter o = add(p + "self_attn.o_proj.weight", true, c, qw);
            Parameter ob = bias ? add(p + "self_attn.o_proj.bias", false, c) : null;
            Parameter postNorm = add(p + "post_attention_layernorm.weight", false, c);
            Parameter gate = add(p + "mlp.gate_proj.weight", true, f, c);
            Parameter gb = bias ? add(p + "mlp.gate_proj.bias", false, f) : null;
            Parameter up = add(p + "mlp.up_proj.weight", true, f, c);
            Parameter ub = bias ? add(p + "mlp.up_proj.bias", false, f) : null;
            Parameter down = add(p + "mlp.down_proj.weight", true, c, f);
            Parameter db = bias ? add(p + "mlp.down_proj.bias", false, c) : null;
            blocks[l] = new Block(inputNorm, q, qb, k, kb, v, vb, o, ob, postNorm, gate, gb, up, ub, down, db);
        }
        finalNorm = add("model.norm.weight", false, c);
        head = arch.tieWordEmbeddings() ? embedding : add("lm_head.weight", true, arch.vocabSize(), c);
        rotary = new RotaryEmbedding(arch.rotary(), arch.kvChannels());
    }

    private Parameter add(String name, boolean weightDecay, int... shape) {
        Parameter p = new Parameter(name, shape, weightDecay);
        parameters.add(p);
        return p;
    }

    /**
     * A freshly initialized model, as Fast-LLM initializes one : every weight matrix normal(0, initStd), except the
     * projections that write into the residual stream (o_proj, down_proj), normal(0, initStd / sqrt(2 numLayers));
     * embeddings and LM head normal(0, initStd); norm weights 1; biases 0. Each parameter draws from its own
     * stream seeded from {@code seed} and its name, so adding a parameter does not change the others.
     */
    public static LlamaModel create(LlamaArchitecture arch, long seed) {
        LlamaModel model = new LlamaModel(arch);
        model.initialize(seed);
        return model;
    }

    /** Draws every parameter afresh as {@link #create} does (the same values for the same seed). */
    public void initialize(long seed) {
        LlamaModel model = this;
        for (Parameter p : model.parameters) {
            float[] data = p.data();
            String name = p.name();
            if (name.endsWith("norm.weight")) {
                Arrays.fill(data, 1f);
            } else if (name.endsWith(".weight")) {
                double std = initStd(arch, name);
                SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (random.nextGaussian() * std);
                }
            } else {
                Arrays.fill(data, 0f);
            }
        }
    }

    /**
     * The standard deviation a fresh weight matrix is drawn with: initStd, or for the projections that write into the
     * residual stream (o_proj, down_proj) initStd / sqrt(2 numLayers). Norm weights start at 1, biases at 0.
     */
    public static double initStd(LlamaArchitecture arch, String parameterName) {
        return parameterName.endsWith("o_proj.weight") || parameterName.endsWith("down_proj.weight")
                ? arch.outputProjectionInitStd() : arch.initStd();
    }

    /** A model with all values zero (norm weights too), to be filled by an importer or a checkpoint. */
    public static LlamaModel empty(LlamaArchitecture arch) {
        return new LlamaModel(arch);
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

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (Parameter p : parameters) {
            p.zeroGrad();
        }
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
        return forwardBackward(batch, lossScale, () -> { });
    }

    /**
     * As {@link #forwardBackward(SequenceBatch, float)}, running {@code betweenPasses} once after the forward pass (and
     * the loss) and before the backward pass, also when the batch has no counted targets and neither pass runs. The
     * backward pass reads every weight through {@link Parameter#data()} afresh, so the hook may release the weights and
     * put them back (ZeRO stage 3 gathers them again for the backward pass).
     */
    public float forwardBackward(SequenceBatch batch, float lossScale, Runnable betweenPasses) {
        Activations a = prepare(batch);
        if (a.countedTargets == 0) {
            betweenPasses.run();
            return 0f;
        }
        forward(a);
        int n = a.n;
        int c = arch.hiddenSize();
        double sum = LanguageModelHead.crossEntropy(a.finalNormed, head.data(), a.targets, a.counted, n, c, arch.vocabSize(),
                a.dNormed, head.grad(), lossScale / a.countedTargets);
        betweenPasses.run();
        backward(a);
        return (float) (sum / a.countedTargets);
    }

    /** L as in {@link #forwardBackward}, without touching gradients (evaluation). */
    public float loss(SequenceBatch batch) {
        Activations a = prepare(batch);
        if (a.countedTargets == 0) {
            return 0f;
        }
        forward(a);
        double sum = LanguageModelHead.crossEntropy(a.finalNormed, head.data(), a.targets, a.counted, a.n,
                arch.hiddenSize(), arch.vocabSize(), null, null, 0f);
        return (float) (sum / a.countedTargets);
    }

    /** Logits of one sequence at every position: (T, V) row-major, positions 0..T-1, one document. */
    public float[] logits(int[] tokens) {
        return logits(singleSequence(tokens));
    }

    /** Logits at every position of a batch, honouring its positions and documents: (B*T, V) row-major. */
    public float[] logits(SequenceBatch batch) {
        Activations a = prepare(batch);
        forward(a);
        float[] logits = new float[a.n * arch.vocabSize()];
        LanguageModelHead.logits(logits, a.finalNormed, head.data(), a.n, arch.hiddenSize(), arch.vocabSize());
        return logits;
    }

    /**
     * Samples a continuation with a key/value cache: greedy (argmax, lowest id on ties) when {@code temperature <= 0},
     * else softmax sampling at that temperature from a generator seeded with {@code seed}. Stops after
     * {@code maxNewTokens} or right after emitting any of {@code stopTokens}. Returns the new tokens only
     * (including the stop token if one ended it).
     */
    public int[] generate(int[] prompt, int maxNewTokens, float temperature, long seed, int... stopTokens) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("generation needs a prompt of at least one token");
        }
        Decoder decoder = new Decoder(prompt.length + maxNewTokens);
        float[] logits = decoder.prefill(prompt);
        SplittableRandom random = new SplittableRandom(seed);
        int[] out = new int[maxNewTokens];
        int produced = 0;
        while (produced < maxNewTokens) {
            int token = temperature <= 0 ? argmax(logits) : sample(logits, temperature, random);
            out[produced++] = token;
            boolean stop = false;
            for (int s : stopTokens) {
                stop |= s == token;
            }
            if (stop || produced == maxNewTokens) {
                break;
            }
            logits = decoder.step(token);
        }
        return Arrays.copyOf(out, produced);
    }

    /** A key/value-cached decoder over this model's current weights. */
    public Decoder decoder(int capacity) {
        return new Decoder(capacity);
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int sample(float[] logits, float temperature, SplittableRandom random) {
        float max = logits[argmax(logits)];
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        double u = random.nextDouble() * sum;
        for (int i = 0; i < p.length; i++) {
            u -= p[i];
            if (u < 0) {
                return i;
            }
        }
        return p.length - 1;
    }

    private static SequenceBatch singleSequence(int[] tokens) {
        int t = tokens.length;
        int[][] pos = new int[1][t];
        for (int i = 0; i < t; i++) {
            pos[0][i] = i;
        }
        return new SequenceBatch(new int[][] {tokens.clone()}, new int[1][t], pos, new int[1][t], new boolean[1][t]);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Forward and backward over a batch

    /** Buffers for one batch shape, reused across calls with the same B and T. */
    private static final class Activations {
        final int b;
        final int t;
        final int n;
        final int[] tokens;
        final int[] targets;
        final int[] positions;
        final int[] docStart;
        final boolean[] counted;
        int countedTargets;
        /** residual[l] is the input of block l, residual[L] the output of the last block, each (N, C). */
        final float[][] residual;
        /** Per block: after attention, (N, C). */
        final float[][] midResidual;
        final float[][] normed1;
        final float[][] rstd1;
        final float[][] q;
        final float[][] k;
        final float[][] v;
        final float[][] attention;
        final float[][] lse;
        final float[][] normed2;
        final float[][] rstd2;
        final float[][] gate;
        final float[][] up;
        final float[][] hidden;
        final float[] finalNormed;
        final float[] finalRstd;
        // Gradient scratch, shared by all blocks.
        final float[] dResidual;
        final float[] dNormed;
        final float[] dq;
        final float[] dk;
        final float[] dv;
        final float[] dAttention;
        final float[] dHidden;
        final float[] dGate;
        final float[] dUp;

        Activations(LlamaArchitecture arch, int b, int t) {
            this.b = b;
            this.t = t;
            this.n = b * t;
            int layers = arch.numLayers();
            int c = arch.hiddenSize();
            int f = arch.ffnHiddenSize();
            int qw = arch.queryWidth();
            int kw = arch.keyValueWidth();
            tokens = new int[n];
            targets = new int[n];
            positions = new int[n];
            docStart = new int[n];
            counted = new boolean[n];
            residual = new float[layers + 1][n * c];
            midResidual = new float[layers][n * c];
            normed1 = new float[layers][n * c];
            rstd1 = new float[layers][n];
            q = new float[layers][n * qw];
            k = new float[layers][n * kw];
            v = new float[layers][n * kw];
            attention = new float[layers][n * qw];
            lse = new float[layers][b * arch.numAttentionHeads() * t];
            normed2 = new float[layers][n * c];
            rstd2 = new float[layers][n];
            gate = new float[layers][n * f];
            up = new float[layers][n * f];
            hidden = new float[layers][n * f];
            finalNormed = new float[n * c];
            finalRstd = new float[n];
            dResidual = new float[n * c];
            dNormed = new float[n * c];
            dq = new float[n * qw];
            dk = new float[n * kw];
            dv = new float[n * kw];
            dAttention = new float[n * qw];
            dHidden = new float[n * f];
            dGate = new float[n * f];
            dUp = new float[n * f];
        }
    }

    private Activations prepare(SequenceBatch batch) {
        int b = batch.batchSize();
        int t = batch.sequenceLength();
        Activations a = activations;
        if (a == null || a.b != b || a.t != t) {
            Activations other = previousActivations;
            if (other != null && other.b == b && other.t == t) {
                previousActivations = a;
                a = other;
            } else {
                previousActivations = a;
                activations = null; // the shape before the previous one is dropped before allocating
                a = new Activations(arch, b, t);
            }
            activations = a;
        }
        int counted = 0;
        for (int s = 0; s < b; s++) {
            int[] docs = batch.documentIds()[s];
            int start = 0;
            for (int i = 0; i < t; i++) {
                int row = s * t + i;
                if (i > 0 && docs[i] != docs[i - 1]) {
                    start = i;
                }
                a.docStart[row] = start;
                a.tokens[row] = batch.inputTokens()[s][i];
                a.targets[row] = batch.targetTokens()[s][i];
                a.positions[row] = batch.positions()[s][i];
                if (a.positions[row] < 0) {
                    throw new IllegalArgumentException("position " + a.positions[row] + " at sequence " + s + ", index " + i + " is negative");
                }
                a.counted[row] = batch.lossMask()[s][i];
                if (a.counted[row]) {
                    counted++;
                }
            }
        }
        a.countedTargets = counted;
        return a;
    }

    private static float[] data(Parameter p) {
        return p == null ? null : p.data();
    }

    private static float[] grad(Parameter p) {
        return p == null ? null : p.grad();
    }

    private void forward(Activations a) {
        int n = a.n;
        int c = arch.hiddenSize();
        int f = arch.ffnHiddenSize();
        int qw = arch.queryWidth();
        int kw = arch.keyValueWidth();
        int heads = arch.numAttentionHeads();
        int groups = arch.headGroups();
        float eps = (float) arch.normEpsilon();
        TokenEmbedding.forward(a.residual[0], a.tokens, embedding.data(), n, c, arch.vocabSize());
        for (int l = 0; l < blocks.length; l++) {
            Block w = blocks[l];
            float[] x = a.residual[l];
            RmsNorm.forward(a.normed1[l], a.rstd1[l], x, w.inputNorm.data(), n, c, eps);
            Linear.forward(a.q[l], a.normed1[l], w.q.data(), data(w.qBias), n, c, qw, false);
            Linear.forward(a.k[l], a.normed1[l], w.k.data(), data(w.kBias), n, c, kw, false);
            Linear.forward(a.v[l], a.normed1[l], w.v.data(), data(w.vBias), n, c, kw, false);
            rotary.forward(a.q[l], a.positions, n, heads);
            rotary.forward(a.k[l], a.positions, n, groups);
            GroupedQueryAttention.forward(a.attention[l], a.lse[l], a.q[l], a.k[l], a.v[l], a.docStart,
                    a.b, a.t, heads, groups, arch.kvChannels());
            float[] mid = a.midResidual[l];
            System.arraycopy(x, 0, mid, 0, n * c);
            Linear.forward(mid, a.attention[l], w.o.data(), data(w.oBias), n, qw, c, true);
            RmsNorm.forward(a.normed2[l], a.rstd2[l], mid, w.postNorm.data(), n, c, eps);
            Linear.forward(a.gate[l], a.normed2[l], w.gate.data(), data(w.gateBias), n, c, f, false);
            Linear.forward(a.up[l], a.normed2[l], w.up.data(), data(w.upBias), n, c, f, false);
            Silu.forward(a.hidden[l], a.gate[l], a.up[l], n * f);
            float[] next = a.residual[l + 1];
            System.arraycopy(mid, 0, next, 0, n * c);
            Linear.forward(next, a.hidden[l], w.down.data(), data(w.downBias), n, f, c, true);
        }
        RmsNorm.forward(a.finalNormed, a.finalRstd, a.residual[blocks.length], finalNorm.data(), n, c, eps);
    }

    /** Backward from a.dNormed (the gradient at the final norm's output) down to the embedding. */
    private void backward(Activations a) {
        int n = a.n;
        int c = arch.hiddenSize();
        int f = arch.ffnHiddenSize();
        int qw = arch.queryWidth();
        int kw = arch.keyValueWidth();
        int heads = arch.numAttentionHeads();
        int groups = arch.headGroups();
        float[] dx = a.dResidual;
        Arrays.fill(dx, 0f);
        RmsNorm.backward(dx, finalNorm.grad(), a.dNormed, a.residual[blocks.length], finalNorm.data(), a.finalRstd, n, c);
        for (int l = blocks.length - 1; l >= 0; l--) {
            Block w = blocks[l];
            // MLP: dx is the gradient at the block output; the residual path carries it through unchanged.
            Linear.backward(a.dHidden, w.down.grad(), grad(w.downBias), dx, a.hidden[l], w.down.data(), n, f, c, false);
            Silu.backward(a.dGate, a.dUp, a.dHidden, a.gate[l], a.up[l], n * f);
            Linear.backward(a.dNormed, w.gate.grad(), grad(w.gateBias), a.dGate, a.normed2[l], w.gate.data(), n, c, f, false);
            Linear.backward(a.dNormed, w.up.grad(), grad(w.upBias), a.dUp, a.normed2[l], w.up.data(), n, c, f, true);
            RmsNorm.backward(dx, w.postNorm.grad(), a.dNormed, a.midResidual[l], w.postNorm.data(), a.rstd2[l], n, c);
            // Attention: dx is now the gradient at the mid residual.
            Linear.backward(a.dAttention, w.o.grad(), grad(w.oBias), dx, a.attention[l], w.o.data(), n, qw, c, false);
            GroupedQueryAttention.backward(a.dq, a.dk, a.dv, a.dAttention, a.attention[l], a.lse[l], a.q[l], a.k[l], a.v[l],
                    a.docStart, a.b, a.t, heads, groups, arch.kvChannels());
            rotary.backward(a.dq, a.positions, n, heads);
            rotary.backward(a.dk, a.positions, n, groups);
            Linear.backward(a.dNormed, w.q.grad(), grad(w.qBias), a.dq, a.normed1[l], w.q.data(), n, c, qw, false);
            Linear.backward(a.dNormed, w.k.grad(), grad(w.kBias), a.dk, a.normed1[l], w.k.data(), n, c, kw, true);
            Linear.backward(a.dNormed, w.v.grad(), grad(w.vBias), a.dv, a.normed1[l], w.v.data(), n, c, kw, true);
            RmsNorm.backward(dx, w.inputNorm.grad(), a.dNormed, a.residual[l], w.inputNorm.data(), a.rstd1[l], n, c);
        }
        TokenEmbedding.backward(embedding.grad(), dx, a.tokens, n, c);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Decoding with a key/value cache

    /**
     * Incremental decoding: {@link #prefill} a prompt, then {@link #step} one token at a time; each returns the
     * logits (V) for the next token. Keys and values (after rotary) of every position are cached per layer.
     * Reads the model's weights as they are at each call.
     */
    public final class Decoder {
        private final int capacity;
        private final float[][] keys;
        private final float[][] values;
        private int length;
        private final float[] x;
        private final float[] normed;
        private final float[] rstd = new float[1];
        private final float[] q;
        private final float[] attention;
        private final float[] gateRow;
        private final float[] upRow;
        private final float[] hiddenRow;
        private final int[] position = new int[1];

        private Decoder(int capacity) {
            this.capacity = capacity;
            keys = new float[arch.numLayers()][capacity * arch.keyValueWidth()];
            values = new float[arch.numLayers()][capacity * arch.keyValueWidth()];
            x = new float[arch.hiddenSize()];
            normed = new float[arch.hiddenSize()];
            q = new float[arch.queryWidth()];
            attention = new float[arch.queryWidth()];
            gateRow = new float[arch.ffnHiddenSize()];
            upRow = new float[arch.ffnHiddenSize()];
            hiddenRow = new float[arch.ffnHiddenSize()];
        }

        /** Positions consumed so far. */
        public int length() {
            return length;
        }

        /** Runs the prompt through the model in one batched pass, fills the cache, returns the last position's logits. */
        public float[] prefill(int[] prompt) {
            if (length != 0) {
                throw new IllegalStateException("prefill must come first");
            }
            if (prompt.length > capacity) {
                throw new IllegalArgumentException("prompt of " + prompt.length + " tokens exceeds the cache capacity " + capacity);
            }
            Activations a = prepare(singleSequence(prompt));
            forward(a);
            int kw = arch.keyValueWidth();
            for (int l = 0; l < blocks.length; l++) {
                System.arraycopy(a.k[l], 0, keys[l], 0, prompt.length * kw);
                System.arraycopy(a.v[l], 0, values[l], 0, prompt.length * kw);
            }
            length = prompt.length;
            int c = arch.hiddenSize();
            System.arraycopy(a.finalNormed, (prompt.length - 1) * c, normed, 0, c);
            float[] logits = new float[arch.vocabSize()];
            LanguageModelHead.logits(logits, normed, head.data(), 1, c, arch.vocabSize());
            return logits;
        }

        /** Appends one token at the next position and returns the logits for the token after it. */
        public float[] step(int token) {
            if (length >= capacity) {
                throw new IllegalStateException("key/value cache full at " + capacity + " positions");
            }
            int c = arch.hiddenSize();
            int f = arch.ffnHiddenSize();
            int qw = arch.queryWidth();
            int kw = arch.keyValueWidth();
            float eps = (float) arch.normEpsilon();
            position[0] = length;
            TokenEmbedding.forward(x, new int[] {token}, embedding.data(), 1, c, arch.vocabSize());
            float[] kRow = new float[kw];
            float[] vRow = new float[kw];
            for (int l = 0; l < blocks.length; l++) {
                Block w = blocks[l];
                RmsNorm.forward(normed, rstd, x, w.inputNorm.data(), 1, c, eps);
                Linear.forward(q, normed, w.q.data(), data(w.qBias), 1, c, qw, false);
                Linear.forward(kRow, normed, w.k.data(), data(w.kBias), 1, c, kw, false);
                Linear.forward(vRow, normed, w.v.data(), data(w.vBias), 1, c, kw, false);
                rotary.forward(q, position, 1, arch.numAttentionHeads());
                rotary.forward(kRow, position, 1, arch.headGroups());
                System.arraycopy(kRow, 0, keys[l], length * kw, kw);
                System.arraycopy(vRow, 0, values[l], length * kw, kw);
                GroupedQueryAttention.forwardCached(attention, q, keys[l], values[l], length + 1,
                        arch.numAttentionHeads(), arch.headGroups(), arch.kvChannels());
                Linear.forward(x, attention, w.o.data(), data(w.oBias), 1, qw, c, true);
                RmsNorm.forward(normed, rstd, x, w.postNorm.data(), 1, c, eps);
                Linear.forward(gateRow, normed, w.gate.data(), data(w.gateBias), 1, c, f, false);
                Linear.forward(upRow, normed, w.up.data(), data(w.upBias), 1, c, f, false);
                Silu.forward(hiddenRow, gateRow, upRow, f);
                Linear.forward(x, hiddenRow, w.down.data(), data(w.downBias), 1, f, c, true);
            }
            RmsNorm.forward(normed, rstd, x, finalNorm.data(), 1, c, eps);
            length++;
            float[] logits = new float[arch.vocabSize()];
            LanguageModelHead.logits(logits, normed, head.data(), 1, c, arch.vocabSize());
            return logits;
        }
    }
}
