package org.trainbench.engine.cuda;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * dK, dV are summed in a fixed order from an fp32 workspace of 2 * N * H * D floats, grown on demand and kept.
 */
public final class FlashAttention implements AutoCloseable {
    /** The kernels' CUDA C source, a resource beside this class. */
    public static final String SOURCE = "flash_attention.cu";
    /** Head widths with kernels in {@value #SOURCE}. */
    public static final List<Integer> HEAD_WIDTHS = List.of(16, 32, 64, 128);

    private static final int BLOCK = 256;  // delta and sum kernels

    /**
     * The tile shapes of {@value FlashAttention#SOURCE}, read from its text so that they are declared there only: the
     * #defines KEY_TILE, FWD_WARPS, DQ_WARPS and DKV_WARPS, and per head width the dK/dV query tile, the second argument
     * of its {@code FLASH_KERNELS(D, DKV_BM)} line. A warp owns 16 rows (the m16 of mma.m16n8k16): forward and dQ query
     * rows, dK/dV key rows.
     */
    record Tiles(int keyTile, int forwardWarps, int dqWarps, int dkvWarps, Map<Integer, Integer> dkvQueriesByWidth) {
        private static final int ROWS_PER_WARP = 16;
        private static final Pattern KERNELS = Pattern.compile("(?m)^FLASH_KERNELS\\((\\d+),\\s*(\\d+)\\)");

        /** The tiles of {@code source} (the text of {@value FlashAttention#SOURCE}), with kernels for every head width. */
        static Tiles of(String source) {
            Map<Integer, Integer> dkvQueries = new HashMap<>();
            Matcher m = KERNELS.matcher(source);
            while (m.find()) {
                dkvQueries.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            }
            for (int d : HEAD_WIDTHS) {
                if (!dkvQueries.containsKey(d)) {
                    throw new IllegalStateException(SOURCE + " has no line FLASH_KERNELS(" + d + ", <dK/dV query tile>) for "
                            + "head width " + d + " of FlashAttention.HEAD_WIDTHS " + HEAD_WIDTHS
                            + "; add the kernels or drop the width");
                }
            }
            return new Tiles(define(source, "KEY_TILE"), define(source, "FWD_WARPS"), define(source, "DQ_WARPS"),
                    define(source, "DKV_WARPS"), Map.copyOf(dkvQueries));
        }

        private static int define(String source, String name) {
            Matcher m = Pattern.compile("(?m)^#define " + name + " +(\\d+)\\b").matcher(source);
            if (!m.find()) {
                throw new IllegalStateException(SOURCE + " has no line '#define " + name + " <number>': FlashAttention reads its "
                        + "launch shapes and shared-memory sizes from those #defines; restore the line");
            }
            return Integer.parseInt(m.group(1));
        }

        int forwardRows() {
            return forwardWarps * ROWS_PER_WARP;
        }

        int dqRows() {
            return dqWarps * ROWS_PER_WARP;
        }

        int dkvKeys() {
            return dkvWarps * ROWS_PER_WARP;
        }

        int dkvQueries(int d) {
            return dkvQueriesByWidth.get(d);
        }

        // Shared memory of each kernel, as laid out at the top of its body in the source: tiles of pitch D + 8 bf16.
        int forwardSharedBytes(int d) {
            return (forwardRows() + 4 * keyTile) * (d + 8) * 2;
        }

        int dqSharedBytes(int d) {
            return (2 * dqRows() + 4 * keyTile) * (d + 8) * 2;
        }

        int dkvSharedBytes(int d) {
            return (2 * dkvKeys() + 4 * dkvQueries(d)) * (d + 8) * 2 + 3 * 2 * dkvQueries(d) * 4;
        }
    }

    private final CudaContext context;
    private final Tiles tiles;
    private final KernelModule module;
    private final KernelModule.Kernel[] forward = new KernelModule.Kernel[HEAD_WIDTHS.size()];
    private final KernelModule.Kernel[] backwardDq = new KernelModule.Kernel[HEAD_WIDTHS.size()];
    private final KernelModule.Kernel[] backwardDkDv = new KernelModule.Kernel[HEAD_WIDTHS.size()];
    private final KernelModule.Kernel delta;
    private final KernelModule.Kernel sumHeads;
    private DeviceBuffer deltaBuffer;
    private DeviceBuffer dkPart;
    private DeviceBuffer dvPart;

    /** Compiles the kernels for the context's GPU with NVRTC, loads them and allows them their shared memory. */
    public FlashAttention(CudaContext context) {
        this.context = context;
        String source = source();
        tiles = Tiles.of(source);
        byte[] ptx = Nvrtc.load().compileToPtx(source, SOURCE,
                List.of("--gpu-architecture=" + context.virtualArchitecture(), "--std=c++17"));
        module = context.loadModule(ptx, SOURCE);
        try {
            for (int w = 0; w < HEAD_WIDTHS.size(); w++) {
                int d = HEAD_WIDTHS.get(w);
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

    /** The CUDA C source of the kernels ({@value #SOURCE}), read from this bundle. */
    public static String source() {
        return KernelSource.read(SOURCE);
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
        forward[w].launchWithSharedMemory(ceilDiv(t, tiles.forwardRows()), b * heads, tiles.forwardWarps() * 32,
                tiles.forwardSharedBytes(d), out, outStride, lse, q, qStride, k, kStride, v, vStride, docStart, t, heads, groups,
                scale(d));
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
        boolean shared = heads != groups;
        if (shared) {
            dkPart = grow(dkPart, 4 * n * heads * d);
            dvPart = grow(dvPart, 4 * n * heads * d);
        }
        Long kPart = shared ? dkPart.address() : null;
        Long vPart = shared ? dvPart.address() : null;
        float scale = scale(d);
        delta.launch(Math.toIntExact(ceilDiv(statistics, BLOCK / 32)), 1, BLOCK, deltaBuffer, dout, doutStride, out, outStride,
                (int) n, t, heads, d);
        backwardDq[w].launchWithSharedMemory(ceilDiv(t, tiles.dqRows()), b * heads, tiles.dqWarps() * 32,
                tiles.dqSharedBytes(d), dq, dqStride, dout, doutStride, lse, deltaBuffer, q, qStride, k, kStride, v, vStride,
                docStart, t, heads, groups, scale);
        backwardDkDv[w].launchWithSharedMemory(ceilDiv(t, tiles.dkvKeys()), b * heads, tiles.dkvWarps() * 32,
                tiles.dkvSharedBytes(d), dk, dkStride, dv, dvStride, kPart, vPart, dout, doutStride, lse, deltaBuffer, q, qStride,
                k, kStride, v, vStride, docStart, t, heads, groups, scale);
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
