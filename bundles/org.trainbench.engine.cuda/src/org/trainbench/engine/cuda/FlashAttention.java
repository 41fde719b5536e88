package org.trainbench.engine.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Causal grouped-query attention with per-document masking in bf16 on the tensor cores, flash-attention style: no
 * T x T matrix is ever stored, the softmax runs online in fp32 and backward recomputes the probabilities from the
 * forward's log-sum-exp. Same meaning as {@code GroupedQueryAttention} (query i of a sequence attends to keys
 * {@code docStart[i] .. i} of the same sequence, query head h reads kv head {@code h / (H / G)}), with bf16 tensors
 * where the CPU has fp32 ones. The kernels are compiled by NVRTC from {@value #SOURCE} (held in this bundle), whose
 * header comment gives the design.
 *
 * <p>Shapes, N = B*T rows: q, out, dq, dout (N, row stride &gt;= H*D), head h at columns h*D..h*D+D-1; k, v, dk, dv
 * (N, row stride &gt;= G*D), kv head g at columns g*D..; lse (B, H, T) fp32; docStart (N) ints. Strides count bf16
 * elements, so q, k and v may be column ranges of one fused (N, H*D + 2*G*D) projection output, and dq, dk, dv the
 * same ranges of its gradient. All tensors are device addresses; launches are asynchronous on the default stream.
 *
 * <p>Backward is deterministic (no atomics): dQ and dK/dV are separate kernels, and with G &lt; H the per-query-head
 * dK, dV are summed in a fixed order, from an fp32 workspace of 2 * N * H * D floats (grown on demand and kept), or
 * inside one CTA per kv head where the {@link Variant}'s tiles say so.
 *
 * <p>Tile shapes are a {@link Variant}: {@code BASELINE} is {@value #SOURCE} as measured; the others build
 * {@value #TILED_SOURCE} with their {@link Tiles} as compiler options, so that one benchmark run compares them all
 * ({@code bench.AttentionBenchmark --variants all}). The no-argument constructor takes the system property
 * {@value Variant#PROPERTY}.
 */
public final class FlashAttention implements AutoCloseable {
    /** The kernels' CUDA C source, a resource beside this class. */
    public static final String SOURCE = "flash_attention.cu";
    /** The same kernels with their tile shapes as compile-time options (the non-baseline variants). */
    public static final String TILED_SOURCE = "flash_attention_tiled.cu";
    /** Head widths with kernels in {@value #SOURCE}. */
    public static final List<Integer> HEAD_WIDTHS = List.of(16, 32, 64, 128);

    private static final int BLOCK = 256;  // delta and sum kernels

    /**
     * Tile shapes of the three main kernels for one head width. A warp owns {@code 16 * atoms} rows (forward, dQ: query
     * rows; dK/dV: key rows); keys or queries per tile are the streamed dimension. {@code ...InRegisters}: the warp keeps
     * its A fragments (Q; Q and dO) in registers instead of reading them from shared memory per tile.
     * {@code dkvWholeGroup}: one dK/dV CTA walks the H/G query heads of its kv head and writes bf16 directly (no fp32
     * workspace, no sum kernel). Each component is a macro FLASH_TILES_D&lt;d&gt;_&lt;name&gt; of
     * {@value FlashAttention#TILED_SOURCE}.
     */
    public record Tiles(int forwardWarps, int forwardAtoms, int forwardKeys, boolean forwardQueryInRegisters, int dqWarps,
            int dqAtoms, int dqKeys, boolean dqQueryInRegisters, int dkvWarps, int dkvAtoms, int dkvQueries, boolean dkvWholeGroup) {
        /** The shapes of {@value FlashAttention#SOURCE}'s #defines and FLASH_KERNELS arguments. */
        public static final Tiles BASELINE = new Tiles(8, 1, 64, false, 4, 1, 64, false, 4, 1, 64, false);

        int forwardRows() {
            return forwardWarps * 16 * forwardAtoms;
        }

        int dqRows() {
            return dqWarps * 16 * dqAtoms;
        }

        int dkvKeys() {
            return dkvWarps * 16 * dkvAtoms;
        }

        // Shared memory of each kernel, as laid out at the top of its body in the source: tiles of pitch D + 8 bf16.
        int forwardSharedBytes(int d) {
            return (forwardRows() + 4 * forwardKeys) * (d + 8) * 2;
        }

        int dqSharedBytes(int d) {
            return (2 * dqRows() + 4 * dqKeys) * (d + 8) * 2;
        }

        int dkvSharedBytes(int d) {
            return (2 * dkvKeys() + 4 * dkvQueries) * (d + 8) * 2 + 3 * 2 * dkvQueries * 4;
        }

        /** The -D options of head width d, one per component (booleans as 0 or 1); the source's names. */
        List<String> macros(int d) {
            int[] values = {forwardWarps, forwardAtoms, forwardKeys, bit(forwardQueryInRegisters), dqWarps, dqAtoms, dqKeys,
                    bit(dqQueryInRegisters), dkvWarps, dkvAtoms, dkvQueries, bit(dkvWholeGroup)};
            String[] names = {"FWD_WARPS", "FWD_ATOMS", "FWD_KEYS", "FWD_QREGS", "DQ_WARPS", "DQ_ATOMS", "DQ_KEYS", "DQ_QREGS",
                    "DKV_WARPS", "DKV_ATOMS", "DKV_QUERIES", "DKV_GROUP"};
            List<String> macros = new ArrayList<>();
            for (int i = 0; i < names.length; i++) {
                macros.add("-DFLASH_TILES_D" + d + "_" + names[i] + "=" + values[i]);
            }
            return macros;
        }

        private static int bit(boolean b) {
            return b ? 1 : 0;
        }
    }

    /**
     * Kernel builds under measurement, each deterministic: tiles for head widths up to 64 and for 128. The benchmark
     * times forward (forward tiles only) and backward (dQ and dK/dV tiles) separately, so the best forward and the best
     * backward of different variants combine. ptxas (nvcc 13.0, sm_90) is quoted per kernel for d = 64 | 128.
     */
    public enum Variant {
        /** {@value FlashAttention#SOURCE}: 16 rows per warp everywhere, per-head dK/dV summed through the workspace. */
        BASELINE(SOURCE, Tiles.BASELINE, Tiles.BASELINE),
        /**
         * Two 16-row atoms per warp (each K, V, Q, dO fragment read by ldmatrix feeds two mma: half the shared-memory
         * reads per mma), Q kept in registers at d &lt;= 64, dK/dV of the whole group per CTA. ptxas d64: forward 254
         * registers, dQ 252, dK/dV 255, no spills; d128: forward 255 with a 4-byte spill, dQ 174, dK/dV 255, no spills.
         */
        TWO_ATOMS(TILED_SOURCE, new Tiles(4, 2, 64, true, 4, 2, 16, true, 4, 2, 16, true),
                new Tiles(4, 2, 32, false, 4, 1, 16, false, 4, 1, 16, true)),
        /**
         * 256-row forward CTAs (8 warps of two atoms) at d &lt;= 64, dQ of 8 warps of two atoms with 16-key tiles, dK/dV
         * 32-query tiles; d128: two-atom forward over 16-key tiles, 8-warp (128-key) dK/dV CTAs. ptxas d64: forward
         * 239, dQ 214, dK/dV 183; d128: forward 250, dQ 174, dK/dV 255; no spills.
         */
        WIDE_CTA(TILED_SOURCE, new Tiles(8, 2, 64, false, 8, 2, 16, false, 4, 1, 32, true),
                new Tiles(4, 2, 16, false, 4, 1, 16, false, 8, 1, 16, true)),
        /**
         * The baseline's one-atom warps with 128-key forward tiles and Q in registers at d &lt;= 64 (half the barriers and
         * rescales per key), dQ with Q and dO in registers; d128 the baseline forward with per-warp tile skipping.
         * ptxas d64: forward 212, dQ 180, dK/dV 134; d128: forward 194, dQ 174, dK/dV 255; no spills.
         */
        KEYS128(TILED_SOURCE, new Tiles(8, 1, 128, true, 4, 1, 32, true, 4, 1, 16, true),
                new Tiles(8, 1, 64, false, 4, 1, 16, false, 4, 1, 16, true));

        /** System property naming the variant that {@link FlashAttention#FlashAttention(CudaContext)} builds. */
        public static final String PROPERTY = "trainbench.flash.variant";

        private final String source;
        private final Tiles narrow;
        private final Tiles wide;

        Variant(String source, Tiles narrow, Tiles wide) {
            this.source = source;
            this.narrow = narrow;
            this.wide = wide;
        }

        /** The tiles of the kernels for head width d: {@code narrow} up to 64, {@code wide} for 128. */
        public Tiles tiles(int d) {
            return d <= 64 ? narrow : wide;
        }

        /** The kernel source this variant compiles, a resource beside {@link FlashAttention}. */
        public String sourceName() {
            return source;
        }

        /** NVRTC options beyond the architecture: the tile shapes of every head width, for the tiled source. */
        public List<String> compileOptions() {
            List<String> options = new ArrayList<>();
            options.add("--std=c++17");
            if (source.equals(TILED_SOURCE)) {
                for (int d : HEAD_WIDTHS) {
                    options.addAll(tiles(d).macros(d));
                }
            }
            return options;
        }

        /** The variant named by {@value #PROPERTY} (case-insensitive), {@link #BASELINE} when it is not set. */
        public static Variant configured() {
            String name = System.getProperty(PROPERTY);
            if (name == null || name.isBlank()) {
                return BASELINE;
            }
            for (Variant v : values()) {
                if (v.name().equalsIgnoreCase(name.strip())) {
                    return v;
                }
            }
            throw new IllegalArgumentException("system property " + PROPERTY + "=" + name + " names no flash attention variant; "
                    + "expected one of " + Arrays.toString(values()) + " (or leave it unset for BASELINE)");
        }
    }

    private final CudaContext context;
    private final Variant variant;
    private final KernelModule module;
    private final KernelModule.Kernel[] forward = new KernelModule.Kernel[HEAD_WIDTHS.size()];
    private final KernelModule.Kernel[] backwardDq = new KernelModule.Kernel[HEAD_WIDTHS.size()];
    private final KernelModule.Kernel[] backwardDkDv = new KernelModule.Kernel[HEAD_WIDTHS.size()];
    private final KernelModule.Kernel delta;
    private final KernelModule.Kernel sumHeads;
    private DeviceBuffer deltaBuffer;
    private DeviceBuffer dkPart;
    private DeviceBuffer dvPart;

    /** The variant named by the system property {@value Variant#PROPERTY}, {@link Variant#BASELINE} by default. */
    public FlashAttention(CudaContext context) {
        this(context, Variant.configured());
    }

    /** Compiles the variant's kernels for the context's GPU with NVRTC, loads them and allows them their shared memory. */
    public FlashAttention(CudaContext context, Variant variant) {
        this.context = context;
        this.variant = variant;
        List<String> options = new ArrayList<>(variant.compileOptions());
        options.addFirst("--gpu-architecture=" + context.virtualArchitecture());
        byte[] ptx = Nvrtc.load().compileToPtx(source(variant.sourceName()), variant.sourceName(), options);
        module = context.loadModule(ptx, variant.sourceName());
        try {
            for (int w = 0; w < HEAD_WIDTHS.size(); w++) {
                int d = HEAD_WIDTHS.get(w);
                Tiles tiles = variant.tiles(d);
                forward[w] = module.kernel("flash_forward_d" + d);
                forward[w].allowDynamicSharedMemory(tiles.forwardSharedBytes(d));
                backwardDq[w] = module.kernel("flash_backward_dq_d" + d);
                backwardDq[w].allowDynamicSharedMemory(tiles.dqSharedBytes(d));
                backwardDkDv[w] = module.kernel("flash_backward_dkdv_d" + d);
                backwardDkDv[w].allowDynamicSharedMemory(tiles.dkvSharedBytes(d));
            }
            delta = module.kernel("flash_backward_delta");
            sumHeads = module.kernel("flash_sum_heads");
        } catch (RuntimeException e) {
            module.close();
            throw e;
        }
    }

    /** The variant this instance runs. */
    public Variant variant() {
        return variant;
    }

    /** The CUDA C source {@code name} ({@value #SOURCE} or {@value #TILED_SOURCE}), read from this bundle. */
    public static String source(String name) {
        return KernelSource.read(name);
    }

    /** Whether there are kernels for heads of width {@code headDim}; the model takes another path where not. */
    public static boolean supports(int headDim) {
        return HEAD_WIDTHS.contains(headDim);
    }

    private static float scale(int d) {
        return (float) (1.0 / Math.sqrt(d));
    }

    /**
     * Causal grouped-query attention with per-document masking, bf16 in and out, fp32 softmax statistics.
     * out (N, outStride) written, lse (B, H, T) written: the natural log-sum-exp of each row's scaled scores.
     */
    public void forward(long out, int outStride, long lse, long q, int qStride, long k, int kStride, long v, int vStride,
            long docStart, int b, int t, int heads, int groups, int d) {
        int w = checkShape("forward", b, t, heads, groups, d);
        checkRows("forward", "q", q, qStride, heads * d);
        checkRows("forward", "k", k, kStride, groups * d);
        checkRows("forward", "v", v, vStride, groups * d);
        checkRows("forward", "out", out, outStride, heads * d);
        checkWords("forward", "lse", lse);
        checkWords("forward", "docStart", docStart);
        Tiles tiles = variant.tiles(d);
        forward[w].launchWithSharedMemory(ceilDiv(t, tiles.forwardRows()), b * heads, tiles.forwardWarps() * 32,
                tiles.forwardSharedBytes(d), out,
                outStride, lse, q, qStride, k, kStride, v, vStride, docStart, t, heads, groups, scale(d));
    }

    /**
     * Overwrites dq, dk, dv (bf16, strided like q, k, v) with the gradients of sum(out * dout); dk and dv of a kv head
     * sum over the query heads that read it. out and lse are the forward's.
     */
    public void backward(long dq, int dqStride, long dk, int dkStride, long dv, int dvStride, long dout, int doutStride, long out,
            int outStride, long lse, long q, int qStride, long k, int kStride, long v, int vStride, long docStart, int b, int t,
            int heads, int groups, int d) {
        int w = checkShape("backward", b, t, heads, groups, d);
        checkRows("backward", "q", q, qStride, heads * d);
        checkRows("backward", "k", k, kStride, groups * d);
        checkRows("backward", "v", v, vStride, groups * d);
        checkRows("backward", "out", out, outStride, heads * d);
        checkRows("backward", "dout", dout, doutStride, heads * d);
        checkRows("backward", "dq", dq, dqStride, heads * d);
        checkRows("backward", "dk", dk, dkStride, groups * d);
        checkRows("backward", "dv", dv, dvStride, groups * d);
        checkWords("backward", "lse", lse);
        checkWords("backward", "docStart", docStart);
        long n = (long) b * t;
        long statistics = (long) b * heads * t;
        deltaBuffer = grow(deltaBuffer, 4 * statistics);
        Tiles tiles = variant.tiles(d);
        boolean shared = heads != groups && !tiles.dkvWholeGroup();
        if (shared) {
            dkPart = grow(dkPart, 4 * n * heads * d);
            dvPart = grow(dvPart, 4 * n * heads * d);
        }
        Long kPart = shared ? dkPart.address() : null;
        Long vPart = shared ? dvPart.address() : null;
        float scale = scale(d);
        delta.launch(Math.toIntExact(ceilDiv(statistics, BLOCK / 32)), 1, BLOCK, deltaBuffer, dout, doutStride, out, outStride,
                (int) n, t, heads, d);
        backwardDq[w].launchWithSharedMemory(ceilDiv(t, tiles.dqRows()), b * heads, tiles.dqWarps() * 32, tiles.dqSharedBytes(d), dq,
                dqStride, dout, doutStride, lse, deltaBuffer, q, qStride, k, kStride, v, vStride, docStart, t, heads, groups, scale);
        backwardDkDv[w].launchWithSharedMemory(ceilDiv(t, tiles.dkvKeys()), b * (tiles.dkvWholeGroup() ? groups : heads),
                tiles.dkvWarps() * 32, tiles.dkvSharedBytes(d), dk, dkStride,
                dv, dvStride, kPart, vPart, dout, doutStride, lse, deltaBuffer, q, qStride, k, kStride, v, vStride, docStart, t,
                heads, groups, scale);
        if (shared) {
            long pairs = n * groups * d / 2;
            int grid = context.gridStrideBlocks(pairs, BLOCK);
            sumHeads.launch(grid, 1, BLOCK, dk, dkStride, dkPart, (int) n, heads, groups, d);
            sumHeads.launch(grid, 1, BLOCK, dv, dvStride, dvPart, (int) n, heads, groups, d);
        }
    }

    static int checkShape(String pass, int b, int t, int heads, int groups, int d) {
        int w = HEAD_WIDTHS.indexOf(d);
        if (w < 0) {
            throw new IllegalArgumentException("flash attention " + pass + ": head width " + d + " is not supported (supported: "
                    + HEAD_WIDTHS + "); check FlashAttention.supports(d) and take another attention path");
        }
        if (b < 1 || t < 1 || heads < 1 || groups < 1) {
            throw new IllegalArgumentException("flash attention " + pass + ": batch " + b + ", sequence length " + t + ", heads "
                    + heads + ", kv heads " + groups + ": each must be at least 1");
        }
        if (heads % groups != 0) {
            throw new IllegalArgumentException("flash attention " + pass + ": " + groups + " kv heads do not divide " + heads
                    + " query heads (grouped-query attention needs H a multiple of G)");
        }
        if ((long) b * heads > 65535) {
            throw new IllegalArgumentException("flash attention " + pass + ": batch " + b + " x heads " + heads
                    + " exceeds the 65535 grid rows of one launch; split the batch");
        }
        if ((long) b * t > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("flash attention " + pass + ": " + b + " x " + t
                    + " tokens exceed the int row index of the kernels; split the batch");
        }
        return w;
    }

    /**
     * The kernels move rows in 16-byte pieces (cp.async, vector stores): each row must start 16-byte aligned, so the
     * base address must be and the stride must be a multiple of 8 bf16 elements; a row must hold the heads.
     */
    static void checkRows(String pass, String name, long address, int stride, int width) {
        if (address == 0) {
            throw new IllegalArgumentException("flash attention " + pass + ": " + name + " is a null device address");
        }
        if ((address & 15) != 0) {
            throw new IllegalArgumentException("flash attention " + pass + ": " + name + " at 0x" + Long.toHexString(address)
                    + " is not 16-byte aligned (the kernels copy rows in 16-byte pieces)");
        }
        if (stride < width || stride % 8 != 0) {
            throw new IllegalArgumentException("flash attention " + pass + ": " + name + " row stride " + stride
                    + " elements must be a multiple of 8 and at least the " + width + " columns of its heads");
        }
    }

    private static void checkWords(String pass, String name, long address) {
        if (address == 0 || (address & 3) != 0) {
            throw new IllegalArgumentException("flash attention " + pass + ": " + name + " at 0x" + Long.toHexString(address)
                    + " must be a non-null, 4-byte aligned device address");
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private DeviceBuffer grow(DeviceBuffer buffer, long bytes) {
        if (buffer != null && buffer.bytes() >= bytes) {
            return buffer;
        }
        if (buffer != null) {
            context.synchronize(); // kernels queued before may still use it
            buffer.close();
        }
        return context.allocate(bytes);
    }

    @Override
    public void close() {
        for (DeviceBuffer buffer : new DeviceBuffer[] {deltaBuffer, dkPart, dvPart}) {
            if (buffer != null) {
                buffer.close();
            }
        }
        deltaBuffer = dkPart = dvPart = null;
        module.close();
    }
}
