package org.trainbench.engine.cuda.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.cuda.CudaContext;
import org.trainbench.engine.cuda.DeviceBuffer;
import org.trainbench.engine.cuda.LlamaKernels;
import org.trainbench.engine.cuda.MixedPrecisionKernels;
import org.trainbench.engine.cuda.Nccl;
import org.trainbench.engine.cuda.NcclGroup;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.tensor.Parameter;
import org.trainbench.engine.train.distributed.Communicator;
import org.trainbench.engine.train.distributed.FlatPartition;
import org.trainbench.engine.train.distributed.ZeroStage;
import org.trainbench.engine.train.optim.AdamW;
import org.trainbench.engine.train.optim.NonFiniteGradientException;

/**
 * A Llama's trainable state on the GPU, each kind in ONE flat allocation: fp32 master weights, fp32 gradients, fp32
 * AdamW moments, and (mixed precision) the bf16 copies of the weights that the GEMMs read.
 *
 * <p>Layout: every tensor that AdamW decays first (embedding, then per layer q, k, v, o, gate, up, down, then the LM
 * head), then the norm weights. So the optimizer is two launches over two contiguous ranges (one with decay, one
 * without) instead of one per tensor, and the gradient norm is one reduction. Within a layer q, k, v are adjacent
 * (one (H*D + 2*G*D, C) matrix for one fused projection GEMM) and so are gate and up ((2F, C)). Groups start on
 * 64-element boundaries (aligned vector loads and tensor-core GEMMs); the padding is zero and stays zero.
 *
 * <p>In a data-parallel group ({@link Group}) the buffers are padded to {@code worldSize} equal shards of the
 * {@link FlatPartition} of the flat vector (NCCL's in-place layout): gradients are all-reduced (no ZeRO) or
 * reduce-scattered (ZeRO 1 and 2, each rank keeping the sum of its shard); with ZeRO each rank updates its shard and
 * the master weights are all-gathered, and the moments are all-gathered before they go to the host.
 */
final class DeviceParameters implements AutoCloseable {
    /** Elements a tensor group is aligned to. */
    private static final long ALIGN = 64;

    /** One host parameter: where it lives in the flat buffers (offset and size in elements) and whether it decays. */
    record Slot(Parameter host, long offset, long size, boolean decay) {
    }

    private final CudaContext context;
    private final LlamaKernels kernels;
    private final MixedPrecisionKernels mixed;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final List<Parameter> hostOrder;
    private final LlamaArchitecture arch;
    private final long total;
    /** Elements allocated per flat buffer: {@link #total} padded to the group's equal shards. */
    private final long capacity;
    private final Group group;
    private final long decayed;
    private final DeviceBuffer master;
    private final DeviceBuffer gradients;
    private final DeviceBuffer firstMoments;
    private final DeviceBuffer secondMoments;
    private final DeviceBuffer bf16;
    private long step;

    /**
     * One rank's view of a data-parallel group: NCCL for the device buffers, the run's host communicator for the
     * gradient norm's partial sums, the ZeRO stage.
     */
    record Group(NcclGroup nccl, Communicator host, ZeroStage stage) {
        boolean shards() {
            return stage.shardsOptimizerState();
        }
    }

    /**
     * Allocates for {@code model}'s parameters; {@code mixed} non-null keeps bf16 weight copies. Call {@link #upload}
     * before use.
     */
    DeviceParameters(CudaContext context, LlamaKernels kernels, MixedPrecisionKernels mixed, LlamaModel model) {
        this(context, kernels, mixed, model, null);
    }

    /** As above, as one rank of {@code group} (null: a single process). */
    DeviceParameters(CudaContext context, LlamaKernels kernels, MixedPrecisionKernels mixed, LlamaModel model, Group group) {
        this.context = context;
        this.group = group;
        this.kernels = kernels;
        this.mixed = mixed;
        arch = model.architecture();
        hostOrder = model.parameters();
        List<List<String>> decayGroups = new ArrayList<>();
        List<List<String>> plainGroups = new ArrayList<>();
        decayGroups.add(List.of("model.embed_tokens.weight"));
        for (int l = 0; l < arch.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            decayGroups.add(List.of(p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight"));
            decayGroups.add(List.of(p + "self_attn.o_proj.weight"));
            decayGroups.add(List.of(p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight"));
            decayGroups.add(List.of(p + "mlp.down_proj.weight"));
            plainGroups.add(List.of(p + "input_layernorm.weight"));
            plainGroups.add(List.of(p + "post_attention_layernorm.weight"));
        }
        if (!arch.tieWordEmbeddings()) {
            decayGroups.add(List.of("lm_head.weight"));
        }
        plainGroups.add(List.of("model.norm.weight"));
        long at = 0;
        for (List<String> tensors : decayGroups) {
            at = place(model, tensors, at, true);
        }
        decayed = at;
        for (List<String> tensors : plainGroups) {
            at = place(model, tensors, at, false);
        }
        total = at;
        capacity = group == null ? total : partition(group.nccl().worldSize()).shardSize() * group.nccl().worldSize();
        if (slots.size() != model.parameters().size()) {
            List<String> missing = new ArrayList<>();
            for (Parameter p : model.parameters()) {
                if (!slots.containsKey(p.name())) {
                    missing.add(p.name());
                }
            }
            throw new IllegalArgumentException("the CUDA backend has no place for parameters " + missing
                    + " (linear biases are not supported on the GPU yet; Llama has none)");
        }
        List<DeviceBuffer> made = new ArrayList<>();
        try {
            master = track(made, context.allocateFloats(capacity));
            gradients = track(made, context.allocateFloats(capacity));
            firstMoments = track(made, context.allocateFloats(capacity));
            secondMoments = track(made, context.allocateFloats(capacity));
            bf16 = mixed != null ? track(made, context.allocate(2 * total)) : null;
        } catch (RuntimeException e) {
            made.forEach(DeviceBuffer::close);
            throw e;
        }
        for (DeviceBuffer b : List.of(master, gradients, firstMoments, secondMoments)) {
            context.fill32(b.address(), 0, capacity);
        }
    }

    /** The one partition rule of the flat vector over {@code ranks} ranks. */
    private FlatPartition partition(int ranks) {
        return FlatPartition.of(total, ranks);
    }

    private static DeviceBuffer track(List<DeviceBuffer> made, DeviceBuffer b) {
        made.add(b);
        return b;
    }

    private long place(LlamaModel model, List<String> group, long at, boolean decay) {
        at = (at + ALIGN - 1) / ALIGN * ALIGN;
        for (String name : group) {
            Parameter p = model.parameter(name);
            if (p.weightDecay() != decay) {
                throw new IllegalStateException(name + ": weight decay " + p.weightDecay() + " where the layout expects " + decay);
            }
            slots.put(name, new Slot(p, at, p.size(), decay));
            at += p.size();
        }
        return at;
    }

    /** Floats in each flat buffer (padding included). */
    long total() {
        return total;
    }

    /** Device bytes these buffers hold. */
    long bytes() {
        return total * (16 + (bf16 != null ? 2 : 0));
    }

    private Slot slot(String name) {
        Slot s = slots.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return s;
    }

    /** The fp32 master weights of {@code first} and the {@code count - 1} tensors laid out after it (a fused group). */
    DeviceBuffer weight(String first, long elements) {
        return master.slice(4 * slot(first).offset, 4 * elements);
    }

    DeviceBuffer weight(String name) {
        return weight(name, slot(name).size);
    }

    /** The bf16 copy, as {@link #weight(String, long)}. */
    DeviceBuffer weightBf16(String first, long elements) {
        return bf16.slice(2 * slot(first).offset, 2 * elements);
    }

    DeviceBuffer gradient(String first, long elements) {
        return gradients.slice(4 * slot(first).offset, 4 * elements);
    }

    DeviceBuffer gradient(String name) {
        return gradient(name, slot(name).size);
    }

    /** Weights (and, when {@code optimizer} is given, moments and step) from the host. */
    void upload(AdamW optimizer) {
        List<Parameter> tensors = optimizer.tensors();
        boolean fresh = optimizer.step() == 0; // moments are zero before the first update, as the device buffers already are
        for (Slot s : slots.values()) {
            context.copy(s.host.data(), master.slice(4 * s.offset, 4 * s.size));
            if (!fresh) {
                int index = indexOf(tensors, s.host);
                context.copy(optimizer.firstMoment(index), firstMoments.slice(4 * s.offset, 4 * s.size));
                context.copy(optimizer.secondMoment(index), secondMoments.slice(4 * s.offset, 4 * s.size));
            }
        }
        step = optimizer.step();
        refreshBf16();
    }

    /**
     * Fresh weights drawn on the device, with the distributions of {@code LlamaModel.create}: each weight matrix
     * normal(0, {@link LlamaModel#initStd}) from its own seed (the run's seed and the tensor's place), norm weights 1;
     * moments zero and step 0. A billion parameters take milliseconds here and seconds on the host.
     */
    void initialize(int seed) {
        int index = 0;
        for (Slot s : slots.values()) {
            DeviceBuffer w = master.slice(4 * s.offset, 4 * s.size);
            if (s.host.name().endsWith("norm.weight")) {
                context.fill32(w.address(), Float.floatToRawIntBits(1f), s.size);
            } else {
                kernels.fillNormal(w, s.size, seed * 0x9E3779B1 + index, (float) LlamaModel.initStd(arch, s.host.name()));
            }
            index++;
        }
        context.fill32(firstMoments.address(), 0, total);
        context.fill32(secondMoments.address(), 0, total);
        step = 0;
        if (group != null) {
            // the same seed draws the same numbers on every rank's GPU; rank 0's are made the rule, not the assumption
            group.nccl().broadcast(master.address(), total, Nccl.DataType.FLOAT32, 0);
        }
        refreshBf16();
    }

    /** Weights, moments and step back into the host model and optimizer. */
    void download(AdamW optimizer) {
        if (group != null && group.shards()) {
            long shard = partition(group.nccl().worldSize()).shardSize();
            group.nccl().allGather(firstMoments.address(), shard, Nccl.DataType.FLOAT32);
            group.nccl().allGather(secondMoments.address(), shard, Nccl.DataType.FLOAT32);
        }
        List<Parameter> tensors = optimizer.tensors();
        for (Slot s : slots.values()) {
            context.copy(master.slice(4 * s.offset, 4 * s.size), s.host.data());
            int index = indexOf(tensors, s.host);
            context.copy(firstMoments.slice(4 * s.offset, 4 * s.size), optimizer.firstMoment(index));
            context.copy(secondMoments.slice(4 * s.offset, 4 * s.size), optimizer.secondMoment(index));
        }
        optimizer.restoreStep(step);
    }

    /** The gradients, into the host parameters' grad arrays (for checks). */
    void downloadGradients() {
        for (Slot s : slots.values()) {
            context.copy(gradients.slice(4 * s.offset, 4 * s.size), s.host.grad());
        }
    }

    private static int indexOf(List<Parameter> tensors, Parameter p) {
        for (int i = 0; i < tensors.size(); i++) {
            if (tensors.get(i) == p) {
                return i;
            }
        }
        throw new IllegalArgumentException("the optimizer does not hold parameter " + p.name());
    }

    private void refreshBf16() {
        if (bf16 != null) {
            mixed.toBf16(bf16.address(), master.address(), total);
        }
    }

    void zeroGradients() {
        context.fill32(gradients.address(), 0, capacity);
    }

    /** The group's gradient sum after the last micro-batch: all-reduce, or reduce-scatter under ZeRO 1 and 2. */
    void synchronizeGradients() {
        if (group == null) {
            return;
        }
        if (group.shards()) {
            group.nccl().reduceScatterSum(gradients.address(), partition(group.nccl().worldSize()).shardSize(), Nccl.DataType.FLOAT32);
        } else {
            group.nccl().allReduceSum(gradients.address(), capacity, Nccl.DataType.FLOAT32);
        }
    }

    /**
     * One AdamW update, as {@link AdamW#update} computes it: global norm of all gradients (one reduction over the flat
     * buffer, partials added in order in double), clipping factor, bias corrections; then the element update over the
     * decayed range and over the rest, and the bf16 copies refreshed.
     *
     * @throws NonFiniteGradientException naming the first tensor (in the host's order) with a non-finite gradient
     */
    AdamW.Update update(AdamW.Settings settings, double learningRate) {
        boolean sharded = group != null && group.shards();
        FlatPartition partition = sharded ? partition(group.nccl().worldSize()) : null;
        long from = sharded ? partition.start(group.nccl().rank()) : 0;
        long to = sharded ? partition.end(group.nccl().rank()) : total;
        double squares = to > from ? kernels.sumOfSquares(gradients.slice(4 * from, 4 * (to - from)), to - from) : 0;
        if (sharded) {
            squares = group.host().allReduceSum(squares)[0];
        }
        double norm = Math.sqrt(squares);
        if (!Double.isFinite(norm)) {
            throw new NonFiniteGradientException(norm, firstNonFinite());
        }
        step++;
        AdamW.StepScalars scalars = AdamW.stepScalars(settings, step, learningRate, norm);
        updateRange(from, Math.min(decayed, to), scalars, true);
        updateRange(Math.max(decayed, from), to, scalars, false);
        if (sharded) {
            group.nccl().allGather(master.address(), partition.shardSize(), Nccl.DataType.FLOAT32);
        }
        refreshBf16();
        return new AdamW.Update(step, learningRate, norm);
    }

    private void updateRange(long from, long to, AdamW.StepScalars scalars, boolean decays) {
        if (to <= from) {
            return;
        }
        long bytes = 4 * (to - from);
        kernels.adamWUpdate(master.slice(4 * from, bytes), gradients.slice(4 * from, bytes), firstMoments.slice(4 * from, bytes),
                secondMoments.slice(4 * from, bytes), to - from, scalars, decays);
    }

    private String firstNonFinite() {
        for (Parameter p : hostOrder) {
            Slot s = slots.get(p.name());
            if (!Double.isFinite(kernels.sumOfSquares(gradients.slice(4 * s.offset, 4 * s.size), s.size))) {
                return s.host.name();
            }
        }
        return "(sum overflowed)";
    }

    @Override
    public void close() {
        master.close();
        gradients.close();
        firstMoments.close();
        secondMoments.close();
        if (bf16 != null) {
            bf16.close();
        }
    }
}
