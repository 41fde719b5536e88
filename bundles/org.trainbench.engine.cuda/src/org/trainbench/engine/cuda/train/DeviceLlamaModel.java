package org.trainbench.engine.cuda.train;

import java.util.ArrayList;
import java.util.List;

import org.trainbench.engine.config.training.MlpRecomputeLevel;
import org.trainbench.engine.cuda.Cublas;
import org.trainbench.engine.cuda.Cublas.Compute;
import org.trainbench.engine.cuda.Cublas.DataType;
import org.trainbench.engine.cuda.CudaContext;
import org.trainbench.engine.cuda.DeviceAttention;
import org.trainbench.engine.cuda.DeviceBuffer;
import org.trainbench.engine.cuda.DeviceLanguageModelHead;
import org.trainbench.engine.cuda.FlashAttention;
import org.trainbench.engine.cuda.LlamaKernels;
import org.trainbench.engine.cuda.MixedPrecisionKernels;
import org.trainbench.engine.cuda.StridedCopy;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.model.SequenceBatch;

/**
 * {@code LlamaModel}'s forward and backward on one GPU, in the same order, over weights in {@link DeviceParameters}.
 *
 * <p>Two kinds of arithmetic:
 * <ul>
 * <li><b>float32</b>, the reference: every tensor fp32, IEEE fp32 GEMMs (no TF32), the kernels that mirror the CPU
 * classes operation for operation, attention through {@link DeviceAttention}. Compared with {@code LlamaModel} to
 * fp32 rounding.</li>
 * <li><b>bfloat16</b> mixed precision as Fast-LLM runs it: fp32 master weights, gradients and moments; bf16 weight copies
 * and bf16 activations feeding bf16 tensor-core GEMMs that accumulate in fp32; the residual stream, norms, softmax and
 * loss in fp32; weight gradients accumulated in fp32 by the GEMMs themselves (beta = 1). q, k, v come out of one
 * fused GEMM into one (N, H*D + 2*G*D) buffer, gate and up out of another into (N, 2F); rotary, flash attention and
 * SwiGLU read those in place; residual adds happen inside the output-projection GEMMs (C += A B^T).</li>
 * </ul>
 *
 * <p>Shapes (per micro-batch of B sequences of T positions, N = B*T rows): C hidden, F MLP width, H query heads, G
 * key/value heads, D head width, V vocabulary, L layers.
 */
final class DeviceLlamaModel implements AutoCloseable {
    /** Upper bound on the bytes of the LM head's logits chunk (fp32 logits + bf16 gradients of R rows x V). */
    private static final long HEAD_CHUNK_BYTES = 1L << 30;

    private final CudaContext context;
    private final Cublas cublas;
    private final LlamaKernels kernels;
    private final MixedPrecisionKernels mixed;
    private final FlashAttention flash;
    private final StridedCopy strided;
    private final DeviceAttention referenceAttention;
    private final LlamaArchitecture arch;
    private final MlpRecomputeLevel recompute;
    private final DeviceParameters weights;
    private final LlamaKernels.RotaryTable rotary;
    private final DeviceBatch batch;
    private final int maxB;
    private final int t;
    private final int n;
    private final int c;
    private final int f;
    private final int qw;
    private final int kw;
    private final int w3;
    private final int heads;
    private final int groups;
    private final int d;
    private final int vocab;
    private final int headRows;
    private final List<DeviceBuffer> owned = new ArrayList<>();
    /** Labels of the step's device time (benchmarks); null when not traced. */
    private CudaContext.Trace trace;

    static final String GEMM = "gemm";
    static final String ATTENTION = "attention";
    static final String ELEMENTWISE = "elementwise";

    // saved for backward, per layer: residual[l] is the input of layer l, residual[L] the last layer's output (fp32)
    private final DeviceBuffer[] residual;
    private final DeviceBuffer[] mid;
    private final DeviceBuffer[] rstd1;
    private final DeviceBuffer[] rstd2;
    private final DeviceBuffer[] lse;
    private final DeviceBuffer[] normed1;
    private final DeviceBuffer[] normed2;
    private final DeviceBuffer[] attention;
    private final DeviceBuffer[] hidden;
    // mixed precision: fused q|k|v (N, W3) and gate|up (N, 2F), bf16
    private final DeviceBuffer[] qkv;
    private final DeviceBuffer[] gateUp;
    // float32: separate q, k, v, gate, up
    private final DeviceBuffer[] q;
    private final DeviceBuffer[] k;
    private final DeviceBuffer[] v;
    private final DeviceBuffer[] gate;
    private final DeviceBuffer[] up;
    private final DeviceBuffer finalNormed;
    private final DeviceBuffer finalRstd;
    // gradient scratch, shared by the layers
    private final DeviceBuffer dx;
    private final DeviceBuffer dxLow;
    private final DeviceBuffer dNormed;
    private final DeviceBuffer dAttention;
    private final DeviceBuffer dHidden;
    private final DeviceBuffer dQkv;
    private final DeviceBuffer dGateUp;
    private final DeviceBuffer dq;
    private final DeviceBuffer dk;
    private final DeviceBuffer dv;
    private final DeviceBuffer dGate;
    // bf16 without flash attention: fp32 copies of q, k, v, out and dout for the reference attention
    private final DeviceBuffer qFloat;
    private final DeviceBuffer kFloat;
    private final DeviceBuffer vFloat;
    private final DeviceBuffer outFloat;
    private final DeviceBuffer dOutFloat;
    private final DeviceBuffer dUp;
    private final DeviceBuffer logits;
    private final DeviceBuffer dLogits;
    private final DeviceBuffer rowLoss;

    /**
     * Buffers for micro-batches of up to {@code maxB} sequences of {@code t} positions. {@code mixed} null: float32;
     * else bfloat16 with {@code flash} (null when the head width is not one it supports: then attention runs in fp32
     * through {@link DeviceAttention} on fp32 copies of q, k, v).
     */
    DeviceLlamaModel(CudaContext context, Cublas cublas, LlamaKernels kernels, MixedPrecisionKernels mixed, FlashAttention flash,
            StridedCopy strided, LlamaModel host, int maxB, int t, MlpRecomputeLevel recompute, DeviceParameters.Group group) {
        this.context = context;
        this.cublas = cublas;
        this.kernels = kernels;
        this.mixed = mixed;
        this.flash = flash;
        this.strided = strided;
        this.recompute = recompute;
        this.arch = host.architecture();
        this.maxB = maxB;
        this.t = t;
        n = maxB * t;
        c = arch.hiddenSize();
        f = arch.ffnHiddenSize();
        qw = arch.queryWidth();
        kw = arch.keyValueWidth();
        w3 = qw + 2 * kw;
        heads = arch.numAttentionHeads();
        groups = arch.headGroups();
        d = arch.kvChannels();
        vocab = arch.vocabSize();
        int layers = arch.numLayers();
        boolean low = mixed != null;
        int act = low ? 2 : 4;
        headRows = (int) Math.max(1, Math.min(n, HEAD_CHUNK_BYTES / ((long) vocab * (low ? 6 : 4))));
        try {
            weights = new DeviceParameters(context, kernels, mixed, host, group);
            batch = new DeviceBatch(context, n);
            rotary = kernels.rotaryTable(arch.rotary(), d, t);
            referenceAttention = !low || flash == null ? new DeviceAttention(cublas, kernels, maxB, t, heads, groups, d) : null;
            residual = floats(layers + 1, (long) n * c);
            mid = floats(layers, (long) n * c);
            rstd1 = floats(layers, n);
            rstd2 = floats(layers, n);
            lse = floats(layers, (long) maxB * heads * t);
            normed1 = buffers(layers, (long) act * n * c);
            // a recomputed activation has one buffer, rewritten by each layer's forward and again before its backward
            int keptInputs = recompute.recomputesInput() ? 1 : layers;
            int keptActivations = recompute.recomputesActivation() ? 1 : layers;
            int keptProjections = recompute.recomputesProjections() ? 1 : layers;
            normed2 = buffers(keptInputs, (long) act * n * c);
            attention = buffers(layers, (long) act * n * qw);
            hidden = buffers(keptActivations, (long) act * n * f);
            qkv = low ? buffers(layers, 2L * n * w3) : null;
            gateUp = low ? buffers(keptProjections, 4L * n * f) : null;
            q = low ? null : floats(layers, (long) n * qw);
            k = low ? null : floats(layers, (long) n * kw);
            v = low ? null : floats(layers, (long) n * kw);
            gate = low ? null : floats(keptProjections, (long) n * f);
            up = low ? null : floats(keptProjections, (long) n * f);
            finalNormed = buffer((long) act * n * c);
            finalRstd = buffer(4L * n);
            dx = buffer(4L * n * c);
            dxLow = low ? buffer(2L * n * c) : null;
            dNormed = buffer((long) act * n * c);
            dAttention = buffer((long) act * n * qw);
            dHidden = buffer((long) act * n * f);
            dQkv = low ? buffer(2L * n * w3) : null;
            dGateUp = low ? buffer(4L * n * f) : null;
            // without flash, bf16 attention goes through fp32 copies of q, k, v and their gradients
            boolean fp32Attention = !low || flash == null;
            dq = fp32Attention ? buffer(4L * n * qw) : null;
            dk = fp32Attention ? buffer(4L * n * kw) : null;
            dv = fp32Attention ? buffer(4L * n * kw) : null;
            qFloat = low && flash == null ? buffer(4L * n * qw) : null;
            kFloat = low && flash == null ? buffer(4L * n * kw) : null;
            vFloat = low && flash == null ? buffer(4L * n * kw) : null;
            outFloat = low && flash == null ? buffer(4L * n * qw) : null;
            dOutFloat = low && flash == null ? buffer(4L * n * qw) : null;
            dGate = low ? null : buffer(4L * n * f);
            dUp = low ? null : buffer(4L * n * f);
            logits = buffer(4L * headRows * vocab);
            dLogits = low ? buffer(2L * headRows * vocab) : null;
            rowLoss = buffer(4L * n);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private DeviceBuffer buffer(long bytes) {
        DeviceBuffer b = context.allocate(Math.max(bytes, 4));
        owned.add(b);
        return b;
    }

    private DeviceBuffer[] buffers(int count, long bytes) {
        DeviceBuffer[] all = new DeviceBuffer[count];
        for (int i = 0; i < count; i++) {
            all[i] = buffer(bytes);
        }
        return all;
    }

    private DeviceBuffer[] floats(int count, long floats) {
        return buffers(count, 4 * floats);
    }

    /** Layer {@code l}'s buffer of {@code perLayer}: its own, or the one shared buffer of a recomputed activation. */
    private static DeviceBuffer kept(DeviceBuffer[] perLayer, int l) {
        return perLayer[perLayer.length == 1 ? 0 : l];
    }

    private DeviceBuffer normed2(int l) {
        return kept(normed2, l);
    }

    private DeviceBuffer hidden(int l) {
        return kept(hidden, l);
    }

    private DeviceBuffer gateUp(int l) {
        return kept(gateUp, l);
    }

    private DeviceBuffer gate(int l) {
        return kept(gate, l);
    }

    private DeviceBuffer up(int l) {
        return kept(up, l);
    }

    LlamaArchitecture architecture() {
        return arch;
    }

    DeviceParameters weights() {
        return weights;
    }

    boolean mixedPrecision() {
        return mixed != null;
    }

    boolean usesFlashAttention() {
        return mixed != null && flash != null;
    }

    /** Starts (non-null) or stops labelling device time by kind of work. */
    void trace(CudaContext.Trace newTrace) {
        trace = newTrace;
    }

    private void mark(String label) {
        if (trace != null) {
            trace.mark(label);
        }
    }

    // ------------------------------------------------------------------------------------------------ names

    private static String layer(int l) {
        return "model.layers." + l + ".";
    }

    private String headName() {
        return arch.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
    }

    // ------------------------------------------------------------------------------------------------ steps

    /**
     * Forward and backward of one micro-batch, adding {@code lossScale * dL/dtheta} to the gradients; returns L, the mean
     * cross-entropy over the counted targets (0 without any, and nothing added), as {@code LlamaModel.forwardBackward}.
     */
    float forwardBackward(SequenceBatch micro, float lossScale) {
        batch.load(context, micro, t);
        if (batch.counted == 0) {
            return 0f;
        }
        forward();
        double sum = head(lossScale / batch.counted, true);
        backward();
        return (float) (sum / batch.counted);
    }

    /** L without gradients. */
    float loss(SequenceBatch micro) {
        batch.load(context, micro, t);
        if (batch.counted == 0) {
            return 0f;
        }
        forward();
        return (float) (head(0f, false) / batch.counted);
    }

    /** Logits (N, V) row-major of every position of {@code micro}, fp32 (bf16 operands in mixed precision). */
    float[] logits(SequenceBatch micro) {
        batch.load(context, micro, t);
        forward();
        int rows = batch.n;
        float[] all = new float[Math.multiplyExact(rows, vocab)];
        boolean low = mixed != null;
        long w = low ? weights.weightBf16(headName(), (long) vocab * c).address() : weights.weight(headName()).address();
        DataType in = low ? DataType.BFLOAT16 : DataType.FLOAT32;
        for (int row = 0; row < rows; row += headRows) {
            int chunk = Math.min(headRows, rows - row);
            long x = finalNormed.address() + (long) (low ? 2 : 4) * row * c;
            cublas.multiply(chunk, vocab, c, x, c, false, w, c, true, logits.address(), vocab, false, in, DataType.FLOAT32, Compute.FP32);
            context.copyToHost(java.lang.foreign.MemorySegment.ofArray(all).asSlice(4L * row * vocab, 4L * chunk * vocab), logits.address(),
                    4L * chunk * vocab);
        }
        return all;
    }

    private void forward() {
        if (mixed != null) {
            forwardMixed();
        } else {
            forwardFloat();
        }
    }

    private void backward() {
        if (mixed != null) {
            backwardMixed();
        } else {
            backwardFloat();
        }
    }

    // ------------------------------------------------------------------------------------------------ float32

    private void forwardFloat() {
        int rows = batch.n;
        float eps = (float) arch.normEpsilon();
        mark(ELEMENTWISE);
        kernels.embeddingForward(residual[0], batch.tokens, weights.weight("model.embed_tokens.weight"), rows, c, vocab);
        for (int l = 0; l < arch.numLayers(); l++) {
            String p = layer(l);
            DeviceBuffer x = residual[l];
            mark(ELEMENTWISE);
            kernels.rmsNormForward(normed1[l], rstd1[l], x, weights.weight(p + "input_layernorm.weight"), rows, c, eps);
            mark(GEMM);
            linearFloat(q[l], normed1[l], weights.weight(p + "self_attn.q_proj.weight"), rows, c, qw, false);
            mark(GEMM);
            linearFloat(k[l], normed1[l], weights.weight(p + "self_attn.k_proj.weight"), rows, c, kw, false);
            mark(GEMM);
            linearFloat(v[l], normed1[l], weights.weight(p + "self_attn.v_proj.weight"), rows, c, kw, false);
            mark(ELEMENTWISE);
            kernels.rotaryForward(q[l], batch.positions, rotary, rows, heads);
            mark(ELEMENTWISE);
            kernels.rotaryForward(k[l], batch.positions, rotary, rows, groups);
            mark(ATTENTION);
            referenceAttention.forward(attention[l], lse[l], q[l], k[l], v[l], batch.docStart, batch.b);
            mark(ELEMENTWISE);
            context.copyOnDevice(mid[l].address(), x.address(), 4L * rows * c);
            mark(GEMM);
            linearFloat(mid[l], attention[l], weights.weight(p + "self_attn.o_proj.weight"), rows, qw, c, true);
            mark(ELEMENTWISE);
            kernels.rmsNormForward(normed2(l), rstd2[l], mid[l], weights.weight(p + "post_attention_layernorm.weight"), rows, c, eps);
            mark(GEMM);
            linearFloat(gate(l), normed2(l), weights.weight(p + "mlp.gate_proj.weight"), rows, c, f, false);
            mark(GEMM);
            linearFloat(up(l), normed2(l), weights.weight(p + "mlp.up_proj.weight"), rows, c, f, false);
            mark(ELEMENTWISE);
            kernels.siluForward(hidden(l), gate(l), up(l), (long) rows * f);
            mark(ELEMENTWISE);
            context.copyOnDevice(residual[l + 1].address(), mid[l].address(), 4L * rows * c);
            mark(GEMM);
            linearFloat(residual[l + 1], hidden(l), weights.weight(p + "mlp.down_proj.weight"), rows, f, c, true);
        }
        mark(ELEMENTWISE);
        kernels.rmsNormForward(finalNormed, finalRstd, residual[arch.numLayers()], weights.weight("model.norm.weight"), rows, c, eps);
    }

    /** out (N, outWidth) (+)= in (N, inWidth) W^T, W (outWidth, inWidth), IEEE fp32. */
    private void linearFloat(DeviceBuffer out, DeviceBuffer in, DeviceBuffer w, int rows, int inWidth, int outWidth, boolean accumulate) {
        mark(GEMM);
        cublas.multiply(rows, outWidth, inWidth, in.address(), inWidth, false, w.address(), inWidth, true, out.address(), outWidth,
                accumulate, DataType.FLOAT32, DataType.FLOAT32, Compute.FP32);
    }

    /** dIn (N, inWidth) (+)= dOut W; dW (+)= dOut^T in (always accumulates), IEEE fp32, as {@code Linear.backward}. */
    private void linearBackwardFloat(DeviceBuffer dIn, DeviceBuffer dW, DeviceBuffer dOut, DeviceBuffer in, DeviceBuffer w, int rows,
            int inWidth, int outWidth, boolean accumulateInput) {
        mark(GEMM);
        cublas.multiply(rows, inWidth, outWidth, dOut.address(), outWidth, false, w.address(), inWidth, false, dIn.address(), inWidth,
                accumulateInput, DataType.FLOAT32, DataType.FLOAT32, Compute.FP32);
        mark(GEMM);
        cublas.multiply(outWidth, inWidth, rows, dOut.address(), outWidth, true, in.address(), inWidth, false, dW.address(), inWidth,
                true, DataType.FLOAT32, DataType.FLOAT32, Compute.FP32);
    }

    private void backwardFloat() {
        int rows = batch.n;
        int layers = arch.numLayers();
        mark(ELEMENTWISE);
        context.fill32(dx.address(), 0, (long) rows * c);
        mark(ELEMENTWISE);
        kernels.rmsNormBackward(dx, weights.gradient("model.norm.weight"), dNormed, residual[layers], weights.weight("model.norm.weight"),
                finalRstd, rows, c);
        for (int l = layers - 1; l >= 0; l--) {
            String p = layer(l);
            recomputeMlpFloat(l, rows);
            mark(GEMM);
            linearBackwardFloat(dHidden, weights.gradient(p + "mlp.down_proj.weight"), dx, hidden(l), weights.weight(p + "mlp.down_proj.weight"),
                    rows, f, c, false);
            mark(ELEMENTWISE);
            kernels.siluBackward(dGate, dUp, dHidden, gate(l), up(l), (long) rows * f);
            mark(GEMM);
            linearBackwardFloat(dNormed, weights.gradient(p + "mlp.gate_proj.weight"), dGate, normed2(l),
                    weights.weight(p + "mlp.gate_proj.weight"), rows, c, f, false);
            mark(GEMM);
            linearBackwardFloat(dNormed, weights.gradient(p + "mlp.up_proj.weight"), dUp, normed2(l), weights.weight(p + "mlp.up_proj.weight"),
                    rows, c, f, true);
            mark(ELEMENTWISE);
            kernels.rmsNormBackward(dx, weights.gradient(p + "post_attention_layernorm.weight"), dNormed, mid[l],
                    weights.weight(p + "post_attention_layernorm.weight"), rstd2[l], rows, c);
            mark(GEMM);
            linearBackwardFloat(dAttention, weights.gradient(p + "self_attn.o_proj.weight"), dx, attention[l],
                    weights.weight(p + "self_attn.o_proj.weight"), rows, qw, c, false);
            mark(ATTENTION);
            referenceAttention.backward(dq, dk, dv, dAttention, attention[l], lse[l], q[l], k[l], v[l], batch.docStart, batch.b);
            mark(ELEMENTWISE);
            kernels.rotaryBackward(dq, batch.positions, rotary, rows, heads);
            mark(ELEMENTWISE);
            kernels.rotaryBackward(dk, batch.positions, rotary, rows, groups);
            mark(GEMM);
            linearBackwardFloat(dNormed, weights.gradient(p + "self_attn.q_proj.weight"), dq, normed1[l],
                    weights.weight(p + "self_attn.q_proj.weight"), rows, c, qw, false);
            mark(GEMM);
            linearBackwardFloat(dNormed, weights.gradient(p + "self_attn.k_proj.weight"), dk, normed1[l],
                    weights.weight(p + "self_attn.k_proj.weight"), rows, c, kw, true);
            mark(GEMM);
            linearBackwardFloat(dNormed, weights.gradient(p + "self_attn.v_proj.weight"), dv, normed1[l],
                    weights.weight(p + "self_attn.v_proj.weight"), rows, c, kw, true);
            mark(ELEMENTWISE);
            kernels.rmsNormBackward(dx, weights.gradient(p + "input_layernorm.weight"), dNormed, residual[l],
                    weights.weight(p + "input_layernorm.weight"), rstd1[l], rows, c);
        }
        mark(ELEMENTWISE);
        kernels.embeddingBackward(weights.gradient("model.embed_tokens.weight"), dx, batch.hostTokens, rows, c, vocab);
    }

    /** Layer {@code l}'s MLP activations that {@link #recompute} did not keep, as {@link #forwardFloat} computed them. */
    private void recomputeMlpFloat(int l, int rows) {
        String p = layer(l);
        if (recompute.recomputesInput()) {
            mark(ELEMENTWISE);
            kernels.rmsNormForward(normed2(l), rstd2[l], mid[l], weights.weight(p + "post_attention_layernorm.weight"), rows, c,
                    (float) arch.normEpsilon());
        }
        if (recompute.recomputesProjections()) {
            linearFloat(gate(l), normed2(l), weights.weight(p + "mlp.gate_proj.weight"), rows, c, f, false);
            linearFloat(up(l), normed2(l), weights.weight(p + "mlp.up_proj.weight"), rows, c, f, false);
        }
        if (recompute.recomputesActivation()) {
            mark(ELEMENTWISE);
            kernels.siluForward(hidden(l), gate(l), up(l), (long) rows * f);
        }
    }

    // ------------------------------------------------------------------------------------------------ bfloat16

    /** Layer {@code l}'s MLP activations that {@link #recompute} did not keep, as {@link #forwardMixed} computed them. */
    private void recomputeMlpMixed(int l, int rows) {
        String p = layer(l);
        if (recompute.recomputesInput()) {
            mark(ELEMENTWISE);
            mixed.rmsNormForward(normed2(l).address(), rstd2[l].address(), mid[l].address(),
                    weights.weight(p + "post_attention_layernorm.weight").address(), rows, c, (float) arch.normEpsilon());
        }
        if (recompute.recomputesProjections()) {
            linearMixed(gateUp(l).address(), DataType.BFLOAT16, normed2(l).address(),
                    weights.weightBf16(p + "mlp.gate_proj.weight", 2L * f * c).address(), rows, c, 2 * f, false);
        }
        if (recompute.recomputesActivation()) {
            mark(ELEMENTWISE);
            mixed.swigluForward(hidden(l).address(), gateUp(l).address(), rows, f);
        }
    }

    /** out (+)= in W^T with bf16 in and W; out bf16 (overwritten) or fp32 (accumulate: the residual add). */
    private void linearMixed(long out, DataType outType, long in, long w, int rows, int inWidth, int outWidth, boolean accumulate) {
        mark(GEMM);
        cublas.multiply(rows, outWidth, inWidth, in, inWidth, false, w, inWidth, true, out, outWidth, accumulate, DataType.BFLOAT16,
                outType, Compute.FP32);
    }

    /** dIn (N, inWidth) bf16 = dOut W; dW (fp32) += dOut^T in; dOut, in, W bf16. */
    private void linearBackwardMixed(long dIn, long dW, long dOut, long in, long w, int rows, int inWidth, int outWidth) {
        mark(GEMM);
        cublas.multiply(rows, inWidth, outWidth, dOut, outWidth, false, w, inWidth, false, dIn, inWidth, false, DataType.BFLOAT16,
                DataType.BFLOAT16, Compute.FP32);
        mark(GEMM);
        cublas.multiply(outWidth, inWidth, rows, dOut, outWidth, true, in, inWidth, false, dW, inWidth, true, DataType.BFLOAT16,
                DataType.FLOAT32, Compute.FP32);
    }

    private void forwardMixed() {
        int rows = batch.n;
        float eps = (float) arch.normEpsilon();
        mark(ELEMENTWISE);
        kernels.embeddingForward(residual[0], batch.tokens, weights.weight("model.embed_tokens.weight"), rows, c, vocab);
        for (int l = 0; l < arch.numLayers(); l++) {
            String p = layer(l);
            DeviceBuffer x = residual[l];
            mark(ELEMENTWISE);
            mixed.rmsNormForward(normed1[l].address(), rstd1[l].address(), x.address(), weights.weight(p + "input_layernorm.weight").address(),
                    rows, c, eps);
            mark(GEMM);
            linearMixed(qkv[l].address(), DataType.BFLOAT16, normed1[l].address(),
                    weights.weightBf16(p + "self_attn.q_proj.weight", (long) w3 * c).address(), rows, c, w3, false);
            mark(ELEMENTWISE);
            mixed.rotary(qkv[l].address(), w3, batch.positions.address(), rotary, rows, heads, d, false);
            mark(ELEMENTWISE);
            mixed.rotary(qkv[l].address() + 2L * qw, w3, batch.positions.address(), rotary, rows, groups, d, false);
            mark(ATTENTION);
            attentionForwardMixed(l);
            mark(ELEMENTWISE);
            context.copyOnDevice(mid[l].address(), x.address(), 4L * rows * c);
            mark(GEMM);
            linearMixed(mid[l].address(), DataType.FLOAT32, attention[l].address(), weights.weightBf16(p + "self_attn.o_proj.weight",
                    (long) c * qw).address(), rows, qw, c, true);
            mark(ELEMENTWISE);
            mixed.rmsNormForward(normed2(l).address(), rstd2[l].address(), mid[l].address(),
                    weights.weight(p + "post_attention_layernorm.weight").address(), rows, c, eps);
            mark(GEMM);
            linearMixed(gateUp(l).address(), DataType.BFLOAT16, normed2(l).address(),
                    weights.weightBf16(p + "mlp.gate_proj.weight", 2L * f * c).address(), rows, c, 2 * f, false);
            mark(ELEMENTWISE);
            mixed.swigluForward(hidden(l).address(), gateUp(l).address(), rows, f);
            mark(ELEMENTWISE);
            context.copyOnDevice(residual[l + 1].address(), mid[l].address(), 4L * rows * c);
            mark(GEMM);
            linearMixed(residual[l + 1].address(), DataType.FLOAT32, hidden(l).address(),
                    weights.weightBf16(p + "mlp.down_proj.weight", (long) c * f).address(), rows, f, c, true);
        }
        mark(ELEMENTWISE);
        mixed.rmsNormForward(finalNormed.address(), finalRstd.address(), residual[arch.numLayers()].address(),
                weights.weight("model.norm.weight").address(), rows, c, eps);
    }

    private void attentionForwardMixed(int l) {
        long base = qkv[l].address();
        if (flash != null) {
            flash.forward(attention[l].address(), qw, lse[l].address(), base, w3, base + 2L * qw, w3, base + 2L * (qw + kw), w3,
                    batch.docStart.address(), batch.b, t, heads, groups, d);
            return;
        }
        // fallback: fp32 copies of q, k, v, the reference attention in fp32, its output rounded to bf16
        gatherQkv(base);
        mark(ATTENTION);
        referenceAttention.forward(outFloat, lse[l], qFloat, kFloat, vFloat, batch.docStart, batch.b);
        mark(ELEMENTWISE);
        mixed.toBf16(attention[l].address(), outFloat.address(), (long) batch.n * qw);
    }

    private void gatherQkv(long base) {
        int rows = batch.n;
        mark(ELEMENTWISE);
        strided.toFloat(qFloat.address(), base, w3, rows, qw);
        mark(ELEMENTWISE);
        strided.toFloat(kFloat.address(), base + 2L * qw, w3, rows, kw);
        mark(ELEMENTWISE);
        strided.toFloat(vFloat.address(), base + 2L * (qw + kw), w3, rows, kw);
    }

    private void backwardMixed() {
        int rows = batch.n;
        int layers = arch.numLayers();
        long nc = (long) rows * c;
        mark(ELEMENTWISE);
        context.fill32(dx.address(), 0, nc);
        mark(ELEMENTWISE);
        mixed.rmsNormBackward(dx.address(), weights.gradient("model.norm.weight").address(), dNormed.address(),
                residual[layers].address(), weights.weight("model.norm.weight").address(), finalRstd.address(), rows, c);
        for (int l = layers - 1; l >= 0; l--) {
            String p = layer(l);
            recomputeMlpMixed(l, rows);
            mark(ELEMENTWISE);
            mixed.toBf16(dxLow.address(), dx.address(), nc);
            mark(GEMM);
            linearBackwardMixed(dHidden.address(), weights.gradient(p + "mlp.down_proj.weight").address(), dxLow.address(),
                    hidden(l).address(), weights.weightBf16(p + "mlp.down_proj.weight", (long) c * f).address(), rows, f, c);
            mark(ELEMENTWISE);
            mixed.swigluBackward(dGateUp.address(), dHidden.address(), gateUp(l).address(), rows, f);
            mark(GEMM);
            linearBackwardMixed(dNormed.address(), weights.gradient(p + "mlp.gate_proj.weight", 2L * f * c).address(), dGateUp.address(),
                    normed2(l).address(), weights.weightBf16(p + "mlp.gate_proj.weight", 2L * f * c).address(), rows, c, 2 * f);
            mark(ELEMENTWISE);
            mixed.rmsNormBackward(dx.address(), weights.gradient(p + "post_attention_layernorm.weight").address(), dNormed.address(),
                    mid[l].address(), weights.weight(p + "post_attention_layernorm.weight").address(), rstd2[l].address(), rows, c);
            mark(ELEMENTWISE);
            mixed.toBf16(dxLow.address(), dx.address(), nc);
            mark(GEMM);
            linearBackwardMixed(dAttention.address(), weights.gradient(p + "self_attn.o_proj.weight").address(), dxLow.address(),
                    attention[l].address(), weights.weightBf16(p + "self_attn.o_proj.weight", (long) c * qw).address(), rows, qw, c);
            mark(ATTENTION);
            attentionBackwardMixed(l);
            mark(ELEMENTWISE);
            mixed.rotary(dQkv.address(), w3, batch.positions.address(), rotary, rows, heads, d, true);
            mark(ELEMENTWISE);
            mixed.rotary(dQkv.address() + 2L * qw, w3, batch.positions.address(), rotary, rows, groups, d, true);
            mark(GEMM);
            linearBackwardMixed(dNormed.address(), weights.gradient(p + "self_attn.q_proj.weight", (long) w3 * c).address(), dQkv.address(),
                    normed1[l].address(), weights.weightBf16(p + "self_attn.q_proj.weight", (long) w3 * c).address(), rows, c, w3);
            mark(ELEMENTWISE);
            mixed.rmsNormBackward(dx.address(), weights.gradient(p + "input_layernorm.weight").address(), dNormed.address(),
                    residual[l].address(), weights.weight(p + "input_layernorm.weight").address(), rstd1[l].address(), rows, c);
        }
        mark(ELEMENTWISE);
        kernels.embeddingBackward(weights.gradient("model.embed_tokens.weight"), dx, batch.hostTokens, rows, c, vocab);
    }

    private void attentionBackwardMixed(int l) {
        long base = qkv[l].address();
        long dBase = dQkv.address();
        if (flash != null) {
            flash.backward(dBase, w3, dBase + 2L * qw, w3, dBase + 2L * (qw + kw), w3, dAttention.address(), qw, attention[l].address(), qw,
                    lse[l].address(), base, w3, base + 2L * qw, w3, base + 2L * (qw + kw), w3, batch.docStart.address(), batch.b, t, heads,
                    groups, d);
            return;
        }
        int rows = batch.n;
        gatherQkv(base);
        mark(ELEMENTWISE);
        mixed.toFloat(outFloat.address(), attention[l].address(), (long) rows * qw);
        mark(ELEMENTWISE);
        mixed.toFloat(dOutFloat.address(), dAttention.address(), (long) rows * qw);
        mark(ATTENTION);
        referenceAttention.backward(dq, dk, dv, dOutFloat, outFloat, lse[l], qFloat, kFloat, vFloat, batch.docStart, batch.b);
        mark(ELEMENTWISE);
        strided.toBf16(dBase, w3, dq.address(), rows, qw);
        mark(ELEMENTWISE);
        strided.toBf16(dBase + 2L * qw, w3, dk.address(), rows, kw);
        mark(ELEMENTWISE);
        strided.toBf16(dBase + 2L * (qw + kw), w3, dv.address(), rows, kw);
    }

    // ------------------------------------------------------------------------------------------------ LM head

    /**
     * LM head and cross-entropy over the rows of the batch; returns the sum of the counted rows' losses (in row order,
     * double). With {@code backward}: dNormed = d(gradScale * sum)/d(finalNormed), and the head's weight gradient += ...
     */
    private double head(float gradScale, boolean backward) {
        int rows = batch.n;
        String head = headName();
        if (mixed == null) {
            mark(ELEMENTWISE);
            return DeviceLanguageModelHead.crossEntropy(cublas, kernels, finalNormed, weights.weight(head), batch.targets, rows, c, vocab,
                    backward ? dNormed : null, backward ? weights.gradient(head) : null, gradScale, logits, rowLoss);
        }
        long w = weights.weightBf16(head, (long) vocab * c).address();
        long dW = weights.gradient(head).address();
        for (int row = 0; row < rows; row += headRows) {
            int chunk = Math.min(headRows, rows - row);
            long x = finalNormed.address() + 2L * row * c;
            mark(GEMM);
            cublas.multiply(chunk, vocab, c, x, c, false, w, c, true, logits.address(), vocab, false, DataType.BFLOAT16, DataType.FLOAT32,
                    Compute.FP32);
            mark(ELEMENTWISE);
            mixed.crossEntropy(logits.address(), backward ? dLogits.address() : 0L, rowLoss.address() + 4L * row,
                    batch.targets.address() + 4L * row, chunk, vocab, gradScale);
            if (backward) {
                mark(GEMM);
                cublas.multiply(chunk, c, vocab, dLogits.address(), vocab, false, w, c, false, dNormed.address() + 2L * row * c, c, false,
                        DataType.BFLOAT16, DataType.BFLOAT16, Compute.FP32);
                mark(GEMM);
                cublas.multiply(vocab, c, chunk, dLogits.address(), vocab, true, x, c, false, dW, c, true, DataType.BFLOAT16,
                        DataType.FLOAT32, Compute.FP32);
            }
        }
        double total = 0;
        for (float rowLossValue : context.downloadFloats(rowLoss, rows)) {
            total += rowLossValue;
        }
        return total;
    }

    @Override
    public void close() {
        for (DeviceBuffer b : owned) {
            if (b != null) {
                b.close();
            }
        }
        owned.clear();
        if (weights != null) {
            weights.close();
        }
        if (batch != null) {
            batch.close();
        }
        if (rotary != null) {
            rotary.close();
        }
        if (referenceAttention != null) {
            referenceAttention.close();
        }
    }
}
