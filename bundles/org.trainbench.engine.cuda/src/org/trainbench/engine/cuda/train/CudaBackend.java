package org.trainbench.engine.cuda.train;

import java.util.Locale;

import org.trainbench.engine.config.training.MlpRecomputeLevel;
import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.cuda.Cublas;
import org.trainbench.engine.cuda.CudaContext;
import org.trainbench.engine.cuda.CudaDriver;
import org.trainbench.engine.cuda.CudaException;
import org.trainbench.engine.cuda.FlashAttention;
import org.trainbench.engine.cuda.LlamaKernels;
import org.trainbench.engine.cuda.MixedPrecisionKernels;
import org.trainbench.engine.cuda.NcclGroup;
import org.trainbench.engine.cuda.StridedCopy;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.train.TrainingPlan;
import org.trainbench.engine.train.backend.BackendUnavailableException;
import org.trainbench.engine.train.backend.ModelBackend;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.distributed.LaunchEnvironment;
import org.trainbench.engine.train.distributed.ZeroStage;
import org.trainbench.engine.train.optim.AdamW;

/**
 * The trainer's step on one NVIDIA GPU: a {@link DeviceLlamaModel} over {@link DeviceParameters}, in float32 or
 * bfloat16 mixed precision ({@code model.distributed.training_dtype}). Opened by {@link CudaBackendProvider}
 * ({@code --backend cuda}).
 */
public final class CudaBackend implements ModelBackend {
    /** The driver version (cuDriverGetVersion) of CUDA 13.0, the toolkit this backend's libraries come from. */
    public static final int MINIMUM_DRIVER_VERSION = 13000;
    /** H100 SXM dense peaks, FLOP/s, for MFU: bf16 tensor cores, and fp32 without tensor cores. */
    public static final double H100_BF16_FLOPS = 989e12;
    public static final double H100_FP32_FLOPS = 67e12;

    private final CudaContext context;
    private final Cublas cublas;
    private final LlamaKernels kernels;
    private final MixedPrecisionKernels mixed;
    private final FlashAttention flash;
    private final StridedCopy strided;
    private final DeviceLlamaModel model;
    private final AdamW optimizer;
    private final TrainingDtype dtype;
    private final NcclGroup nccl;
    private CudaContext.Trace trace;
    /**
     * Whether the host model and optimizer hold what the device holds: an export and a checkpoint of the same step,
     * and the end of a run after its last checkpoint, then copy gigabytes once instead of two or three times.
     */
    private boolean hostCurrent;

    private CudaBackend(CudaContext context, Cublas cublas, LlamaKernels kernels, MixedPrecisionKernels mixed, FlashAttention flash,
            StridedCopy strided, DeviceLlamaModel model, AdamW optimizer, TrainingDtype dtype, NcclGroup nccl) {
        this.context = context;
        this.nccl = nccl;
        this.cublas = cublas;
        this.kernels = kernels;
        this.mixed = mixed;
        this.flash = flash;
        this.strided = strided;
        this.model = model;
        this.optimizer = optimizer;
        this.dtype = dtype;
    }

    /**
     * Opens GPU 0 (of CUDA_VISIBLE_DEVICES), compiles the kernels (or reads them from the kernel cache) and allocates
     * the model's buffers; {@link #copyFromHost} or {@link #initializeWeights} sets the weights next.
     *
     * @throws BackendUnavailableException naming what is missing (driver, GPU, library, memory) and what to do
     */
    public static CudaBackend open(LlamaModel host, AdamW optimizer, TrainingPlan plan) {
        return open(host, optimizer, plan.trainingDtype(), plan.microBatchSize(), plan.sequenceLength(), plan.mlpRecomputeLevel(), plan);
    }

    /** As {@link #open(LlamaModel, AdamW, TrainingPlan)} with the shape given directly ({@code plan} only for messages, may be null). */
    public static CudaBackend open(LlamaModel host, AdamW optimizer, TrainingDtype dtype, int microBatch, int sequenceLength,
            MlpRecomputeLevel recompute, TrainingPlan plan) {
        return open(host, optimizer, dtype, microBatch, sequenceLength, recompute, plan, null);
    }

    /**
     * As one rank of a data-parallel {@code group} (null: a single process), this process's GPU being device 0 of its
     * CUDA_VISIBLE_DEVICES: the ranks join one NCCL communicator (unique id sent over the group's communicator),
     * gradients are all-reduced or, under ZeRO 1 and 2, reduce-scattered, and each rank updates its shard.
     */
    public static CudaBackend open(LlamaModel host, AdamW optimizer, TrainingDtype dtype, int microBatch, int sequenceLength,
            MlpRecomputeLevel recompute, TrainingPlan plan, DataParallel group) {
        if (group != null && group.zeroStage() == ZeroStage.WEIGHTS) {
            throw new BackendUnavailableException("model.multi_stage.zero_stage 3 (sharded weights) is not built in the cuda backend;"
                    + " use zero_stage 1 or 2");
        }
        LlamaArchitecture arch = host.architecture();
        checkSupported(arch, dtype);
        CudaDriver.Availability gpu = CudaDriver.probe();
        if (!gpu.available()) {
            throw new BackendUnavailableException(gpu.reason() + ". The cuda backend needs an NVIDIA GPU with a CUDA "
                    + MINIMUM_DRIVER_VERSION / 1000 + " driver (libcuda.so.1); check nvidia-smi and CUDA_VISIBLE_DEVICES, or train with --backend cpu");
        }
        if (gpu.driverVersion() < MINIMUM_DRIVER_VERSION) {
            throw new BackendUnavailableException("the NVIDIA driver supports CUDA " + version(gpu.driverVersion()) + " but the cuda backend needs "
                    + version(MINIMUM_DRIVER_VERSION) + " or newer (its cuBLAS and NVRTC are CUDA 13's): update the driver");
        }
        CudaContext context = null;
        Cublas cublas = null;
        LlamaKernels kernels = null;
        MixedPrecisionKernels mixed = null;
        FlashAttention flash = null;
        StridedCopy strided = null;
        NcclGroup nccl = null;
        try {
            // a rank's GPU: its LOCAL_RANK among the devices it sees (all of the host's, or the one CUDA_VISIBLE_DEVICES leaves)
            context = CudaContext.open(group == null ? 0 : localRank() % Math.max(1, gpu.deviceCount()));
            nccl = group == null ? null : NcclGroup.join(group.communicator(), context);
            cublas = Cublas.create(context);
            kernels = new LlamaKernels(context);
            boolean low = dtype == TrainingDtype.BFLOAT16;
            if (low) {
                mixed = new MixedPrecisionKernels(context);
                strided = new StridedCopy(context);
                if (FlashAttention.supports(arch.kvChannels()) && !Boolean.getBoolean("trainbench.cuda.noFlashAttention")) {
                    flash = new FlashAttention(context);
                }
            }
            DeviceLlamaModel model = new DeviceLlamaModel(context, cublas, kernels, mixed, flash, strided, host, microBatch, sequenceLength,
                    recompute, nccl == null ? null : new DeviceParameters.Group(nccl, group.communicator(), group.zeroStage()));
            return new CudaBackend(context, cublas, kernels, mixed, flash, strided, model, optimizer, dtype, nccl);
        } catch (CudaException e) {
            closeAll(strided, flash, mixed, kernels, cublas, nccl, context);
            if (e.call().startsWith("cuMemAlloc")) {
                throw new BackendUnavailableException(outOfMemory(e, context, plan, arch), e);
            }
            throw new BackendUnavailableException(e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            closeAll(strided, flash, mixed, kernels, cublas, nccl, context);
            throw e;
        }
    }

    private static int localRank() {
        try {
            return LaunchEnvironment.from(System.getenv()).localRank();
        } catch (LaunchEnvironment.InvalidLaunchException e) {
            return 0;
        }
    }

    private static String version(int driverVersion) {
        return driverVersion / 1000 + "." + driverVersion % 1000 / 10;
    }

    /** Refuses what the GPU model does not implement, naming the key. */
    static void checkSupported(LlamaArchitecture arch, TrainingDtype dtype) {
        if (dtype == TrainingDtype.FLOAT16) {
            throw new BackendUnavailableException("model.distributed.training_dtype float16 needs loss scaling, which the cuda backend does not do;"
                    + " use bfloat16 (same speed on Hopper GPUs, no loss scaling) or float32");
        }
        if (arch.addLinearBiases()) {
            throw new BackendUnavailableException("model.base_model.transformer.add_linear_biases: the cuda backend has no linear biases yet"
                    + " (Llama has none); train this model with --backend cpu");
        }
        if (arch.kvChannels() % 32 != 0 || arch.kvChannels() > 256) {
            throw new BackendUnavailableException("model.base_model.transformer.kv_channels is " + arch.kvChannels()
                    + ": the cuda backend needs a multiple of 32 up to 256 (Llama models use 64 or 128); change it or train with --backend cpu");
        }
    }

    private static String outOfMemory(CudaException e, CudaContext context, TrainingPlan plan, LlamaArchitecture arch) {
        StringBuilder text = new StringBuilder("out of GPU memory: ").append(e.getMessage());
        if (context != null) {
            text.append(String.format(Locale.ROOT, "; the GPU has %.1f GiB, %.1f GiB free", context.totalMemory() / GIB,
                    context.freeMemory() / GIB));
        }
        if (plan != null) {
            long weights = arch.parameterCount() * (plan.trainingDtype() == TrainingDtype.BFLOAT16 ? 18L : 16L);
            text.append(String.format(Locale.ROOT, "; weights, gradients and Adam moments alone take %.1f GiB", weights / GIB));
            text.append(". Lower batch.micro_batch_size (now ").append(plan.microBatchSize()).append(") or batch.sequence_length (now ")
                    .append(plan.sequenceLength()).append(")");
            if (plan.mlpRecomputeLevel() != MlpRecomputeLevel.FULL) {
                text.append(", or recompute MLP activations in backward: model.base_model.transformer.mlp_recompute_level (now ")
                        .append(plan.mlpRecomputeLevel().yamlName()).append("; activation, activation_and_input or full keep less)");
            }
            text.append("; a model this size may need several GPUs (ZeRO), which the cuda backend does not do yet");
        }
        return text.toString();
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    private static void closeAll(AutoCloseable... all) {
        for (AutoCloseable c : all) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // already failing: the first error is the one reported
                }
            }
        }
    }

    @Override
    public String description() {
        String attention = dtype == TrainingDtype.FLOAT32 ? "" : model.usesFlashAttention() ? ", flash attention" : ", fp32 reference attention";
        String ranks = nccl == null ? "" : ", NCCL rank " + nccl.rank() + " of " + nccl.worldSize();
        return "cuda: " + context.deviceName() + " (sm_" + context.computeCapability().replace(".", "") + "), " + dtype.yamlName() + attention
                + ranks;
    }

    @Override
    public void copyFromHost() {
        model.weights().upload(optimizer);
        context.synchronize();
        hostCurrent = true;
    }

    @Override
    public void initializeWeights(long seed) {
        model.weights().initialize((int) (seed ^ (seed >>> 32)));
        hostCurrent = false;
    }

    @Override
    public void zeroGradients() {
        model.weights().zeroGradients();
    }

    @Override
    public void synchronizeGradients() {
        model.weights().synchronizeGradients();
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
    public AdamW.Update update(double learningRate) {
        if (trace != null) {
            trace.mark("optimizer");
        }
        hostCurrent = false;
        return model.weights().update(optimizer.settings(), learningRate);
    }

    @Override
    public void copyToHost() {
        if (!hostCurrent) {
            model.weights().download(optimizer);
            hostCurrent = true;
        }
    }

    /** Logits (N, V) of every position of the batch (checks against transformers; generation). */
    public float[] logits(SequenceBatch batch) {
        return model.logits(batch);
    }

    /** Gradients into the host parameters' grad arrays (for comparisons with the CPU model). */
    public void copyGradientsToHost() {
        model.weights().downloadGradients();
    }

    @Override
    public long peakMemoryBytes() {
        return context.peakAllocatedBytes();
    }

    @Override
    public double peakFlops() {
        return dtype == TrainingDtype.BFLOAT16 ? H100_BF16_FLOPS : H100_FP32_FLOPS;
    }

    /** Benchmarks: labels the device time of the following steps by kind of work (null stops). */
    public void trace(CudaContext.Trace trace) {
        model.trace(trace);
        this.trace = trace;
    }

    /** The GPU context, for benchmarks (timers, synchronize). */
    public CudaContext context() {
        return context;
    }

    @Override
    public void close() {
        closeAll(model, strided, flash, mixed, kernels, cublas, nccl, context);
    }
}
