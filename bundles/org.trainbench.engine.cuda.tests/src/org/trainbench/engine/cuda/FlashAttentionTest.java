package org.trainbench.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trainbench.engine.cuda.FlashAttention.Tiles;
import org.trainbench.engine.model.GroupedQueryAttention;

/**
 * {@link FlashAttention} (bf16, tensor cores) against the CPU engine's {@link GroupedQueryAttention} (fp32) on the
 * same bf16-rounded random inputs: forward out and lse, backward dq, dk, dv. q, k, v are column ranges of one fused
 * (N, H*D + 2*G*D) buffer and dq, dk, dv the same ranges of a fused gradient buffer, as in the model; every output is
 * filled with NaN first, so an element the kernels do not write fails the comparison. The GPU cases skip without an
 * NVIDIA driver; the argument checks run everywhere. The kernels are compiled once for all cases.
 *
 * <p>Tolerance for bf16 outputs: relative L2 error (||gpu - cpu|| / ||cpu||) at most 1e-2 and max |gpu - cpu| over
 * max |cpu| at most 2e-2. Rounding an output to bf16 alone costs up to 2^-9 = 2e-3 of each element; inside, the
 * probabilities P (and dS in backward) are rounded to bf16 before their tensor-core products, another 2^-9 relative per
 * term, which averages down over the keys; backward also starts from the bf16-rounded out in delta = rowsum(dO * O).
 * Together a few 1e-3, so 1e-2 leaves room for random inputs while a masking or indexing mistake (a wrong key set
 * changes a row by O(1/keys), whole rows by O(1)) lands far above it. lse is fp32 from fp32 sums of exact bf16
 * products: 1e-4 relative.
 */
class FlashAttentionTest {
    private static final double BF16_REL_L2 = 1e-2;
    private static final double BF16_MAX_REL = 2e-2;
    private static final double LSE_TOLERANCE = 1e-4;
    private static final short BF16_NAN = (short) 0x7fc0;

    private static CudaContext gpu;
    private static FlashAttention compiled;

    @BeforeAll
    static void openGpu() {
        if (GpuAvailability.driverPresent()) {
            gpu = CudaContext.open(0);
        }
    }

    @AfterAll
    static void closeGpu() {
        if (compiled != null) {
            compiled.close();
            compiled = null;
        }
        if (gpu != null) {
            gpu.close();
        }
    }

    private static FlashAttention flash() {
        if (compiled == null) {
            compiled = new FlashAttention(gpu);
        }
        return compiled;
    }

    // ------------------------------------------------------------------------------------------- GPU cases

    @Test
    void headWidth32MatchesTheCpuWithSeveralDocumentsPerSequenceAndARaggedLength() {
        GpuAvailability.assumeGpu();
        check(2, 200, 8, 2, 32, new int[][] {{0, 50, 130}, {0, 7, 100, 199}}, 1);
    }

    @Test
    void headWidth64MatchesTheCpuWhenTheLengthIsNotAMultipleOfTheTile() {
        GpuAvailability.assumeGpu();
        check(2, 77, 8, 2, 64, new int[][] {{0, 30, 31}, {0}}, 2);
    }

    @Test
    void headWidth128MatchesTheCpuWithDocumentsStartingInsideTiles() {
        GpuAvailability.assumeGpu();
        check(2, 200, 8, 2, 128, new int[][] {{0, 64, 150}, {0, 1, 65, 129}}, 3);
    }

    @Test
    void headWidth128MatchesTheCpuOnALongerSequence() {
        GpuAvailability.assumeGpu();
        check(1, 512, 8, 2, 128, new int[][] {{0, 100, 300, 450}}, 4);
    }

    @Test
    void oneQueryHeadPerKvHeadWritesBf16GradientsDirectly() {
        GpuAvailability.assumeGpu();
        check(2, 130, 4, 4, 64, new int[][] {{0, 60, 61}, {0}}, 5);
    }

    @Test
    void headWidth16AndASingleDocumentMatchTheCpu() {
        GpuAvailability.assumeGpu();
        check(1, 65, 2, 1, 16, new int[][] {{0}}, 6);
    }

    /**
     * Runs forward and backward on the GPU and the CPU and compares. docs[s] lists the document starts of sequence s
     * (the first is 0).
     */
    private static void check(int b, int t, int heads, int groups, int d, int[][] docs, long seed) {
        FlashAttention flash = flash();
        String name = "b=" + b + " t=" + t + " heads=" + heads + " groups=" + groups + " d=" + d;
        int n = b * t;
        int qw = heads * d;
        int kw = groups * d;
        int fused = qw + 2 * kw;  // q | k | v columns of one row
        Random random = new Random(seed);
        float[] q = randomBf16(random, n * qw, 2f);
        float[] k = randomBf16(random, n * kw, 2f);
        float[] v = randomBf16(random, n * kw, 1f);
        float[] dout = randomBf16(random, n * qw, 1f);
        int[] docStart = docStarts(b, t, docs);

        float[] out = new float[n * qw];
        float[] lse = new float[b * heads * t];
        GroupedQueryAttention.forward(out, lse, q, k, v, docStart, b, t, heads, groups, d);
        float[] dq = new float[n * qw];
        float[] dk = new float[n * kw];
        float[] dv = new float[n * kw];
        GroupedQueryAttention.backward(dq, dk, dv, dout, out, lse, q, k, v, docStart, b, t, heads, groups, d);

        short[] input = new short[n * fused];
        place(input, fused, 0, q, qw);
        place(input, fused, qw, k, kw);
        place(input, fused, qw + kw, v, kw);
        short[] poison = new short[n * fused];
        Arrays.fill(poison, BF16_NAN);
        float[] lseNan = new float[lse.length];
        Arrays.fill(lseNan, Float.NaN);
        // backward starts from the CPU's forward (out rounded to bf16, lse), so that its errors are its own
        short[] outRounded = new short[n * qw];
        place(outRounded, qw, 0, out, qw);
        short[] doutBits = new short[n * qw];
        place(doutBits, qw, 0, dout, qw);

        try (DeviceBuffer qkv = gpu.upload(input); DeviceBuffer gradient = gpu.upload(poison);
                DeviceBuffer gpuOut = gpu.upload(Arrays.copyOf(poison, n * qw)); DeviceBuffer gpuLse = gpu.upload(lseNan);
                DeviceBuffer cpuOut = gpu.upload(outRounded); DeviceBuffer cpuLse = gpu.upload(lse); DeviceBuffer gpuDout = gpu.upload(doutBits);
                DeviceBuffer starts = gpu.upload(docStart)) {
            long qAt = qkv.address();
            long kAt = qkv.address() + 2L * qw;
            long vAt = qkv.address() + 2L * (qw + kw);
            flash.forward(gpuOut.address(), qw, gpuLse.address(), qAt, fused, kAt, fused, vAt, fused, starts.address(), b, t, heads,
                    groups, d);
            flash.backward(gradient.address(), fused, gradient.address() + 2L * qw, fused, gradient.address() + 2L * (qw + kw), fused,
                    gpuDout.address(), qw, cpuOut.address(), qw, cpuLse.address(), qAt, fused, kAt, fused, vAt, fused,
                    starts.address(), b, t, heads, groups, d);
            gpu.synchronize();
            float[] outGpu = toFloats(gpu.downloadShorts(gpuOut, n * qw));
            float[] lseGpu = gpu.downloadFloats(gpuLse, lse.length);
            short[] grad = gpu.downloadShorts(gradient, n * fused);
            // deterministic: a second backward writes the same bits
            flash.backward(gradient.address(), fused, gradient.address() + 2L * qw, fused, gradient.address() + 2L * (qw + kw), fused,
                    gpuDout.address(), qw, cpuOut.address(), qw, cpuLse.address(), qAt, fused, kAt, fused, vAt, fused,
                    starts.address(), b, t, heads, groups, d);
            gpu.synchronize();
            assertTrue(Arrays.equals(grad, gpu.downloadShorts(gradient, n * fused)), name + ": a second backward gave other bits");
            assertClose(name + " out", out, outGpu, BF16_REL_L2, BF16_MAX_REL);
            assertClose(name + " lse", lse, lseGpu, LSE_TOLERANCE, LSE_TOLERANCE);
            assertClose(name + " dq", dq, columns(grad, fused, 0, qw), BF16_REL_L2, BF16_MAX_REL);
            assertClose(name + " dk", dk, columns(grad, fused, qw, kw), BF16_REL_L2, BF16_MAX_REL);
            assertClose(name + " dv", dv, columns(grad, fused, qw + kw, kw), BF16_REL_L2, BF16_MAX_REL);
        }
    }

    private static float[] randomBf16(Random random, int count, float amplitude) {
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = Bf16.round((random.nextFloat() * 2 - 1) * amplitude);
        }
        return x;
    }

    private static int[] docStarts(int b, int t, int[][] docs) {
        int[] starts = new int[b * t];
        for (int s = 0; s < b; s++) {
            int doc = 0;
            for (int i = 0; i < t; i++) {
                while (doc + 1 < docs[s].length && docs[s][doc + 1] <= i) {
                    doc++;
                }
                starts[s * t + i] = docs[s][doc];
            }
        }
        return starts;
    }

    /** Rows of {@code width} values into columns {@code column}.. of rows of {@code stride} bf16 values. */
    private static void place(short[] target, int stride, int column, float[] values, int width) {
        for (int r = 0; r < values.length / width; r++) {
            for (int c = 0; c < width; c++) {
                target[r * stride + column + c] = Bf16.fromFloat(values[r * width + c]);
            }
        }
    }

    private static float[] columns(short[] source, int stride, int column, int width) {
        int rows = source.length / stride;
        float[] x = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < width; c++) {
                x[r * width + c] = Bf16.toFloat(source[r * stride + column + c]);
            }
        }
        return x;
    }

    private static float[] toFloats(short[] bits) {
        float[] x = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            x[i] = Bf16.toFloat(bits[i]);
        }
        return x;
    }

    /** Relative L2 and max-abs-over-max-reference errors; a NaN anywhere (an unwritten element) fails both. */
    private static void assertClose(String what, float[] expected, float[] actual, double relL2, double maxRel) {
        assertEquals(expected.length, actual.length, what);
        double diff2 = 0;
        double ref2 = 0;
        double maxDiff = 0;
        double maxRef = 0;
        int worst = -1;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double delta = Math.abs(actual[i] - e);
            if (Double.isNaN(delta)) {
                throw new AssertionError(what + ": element " + i + " is NaN on the GPU (not written?), CPU " + e);
            }
            diff2 += delta * delta;
            ref2 += e * e;
            if (delta > maxDiff) {
                maxDiff = delta;
                worst = i;
            }
            maxRef = Math.max(maxRef, Math.abs(e));
        }
        double l2 = Math.sqrt(diff2 / Math.max(ref2, Double.MIN_NORMAL));
        double rel = maxDiff / Math.max(maxRef, Double.MIN_NORMAL);
        String report = what + ": rel L2 " + l2 + " (<= " + relL2 + "), max abs " + maxDiff + " / max |cpu| " + maxRef + " = " + rel
                + " (<= " + maxRel + ")" + (worst >= 0 ? ", worst at " + worst + ": gpu " + actual[worst] + " cpu " + expected[worst] : "");
        assertTrue(l2 <= relL2 && rel <= maxRel, report);
    }

    // ------------------------------------------------------------------------------------- no GPU needed

    @Test
    void supportsTheHeadWidthsWithKernelsOnly() {
        assertTrue(FlashAttention.supports(32));
        assertTrue(FlashAttention.supports(64));
        assertTrue(FlashAttention.supports(128));
        assertFalse(FlashAttention.supports(96));
        assertFalse(FlashAttention.supports(256));
    }

    @Test
    void unsupportedHeadWidthIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlashAttention.checkShape("forward", 1, 16, 8, 2, 80));
        assertTrue(e.getMessage().contains("head width 80"), e.getMessage());
    }

    @Test
    void kvHeadsThatDoNotDivideTheQueryHeadsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlashAttention.checkShape("backward", 1, 16, 6, 4, 64));
        assertTrue(e.getMessage().contains("4 kv heads do not divide 6"), e.getMessage());
    }

    @Test
    void stridesThatBreakSixteenByteRowsAreRefused() {
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                () -> FlashAttention.checkRows("forward", "k", 0x1000, 1028, 1024));
        assertTrue(odd.getMessage().contains("k row stride 1028"), odd.getMessage());
        IllegalArgumentException narrow = assertThrows(IllegalArgumentException.class,
                () -> FlashAttention.checkRows("forward", "q", 0x1000, 512, 1024));
        assertTrue(narrow.getMessage().contains("at least the 1024 columns"), narrow.getMessage());
        IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class,
                () -> FlashAttention.checkRows("forward", "v", 0x1008, 1024, 1024));
        assertTrue(misaligned.getMessage().contains("not 16-byte aligned"), misaligned.getMessage());
    }

    @Test
    void bundledSourceDefinesTheKernelsOfEverySupportedWidthWithoutIncludes() {
        String source = FlashAttention.source();
        assertFalse(source.contains("#include"), FlashAttention.SOURCE + ": NVRTC compiles the source without an include path");
        for (int d : FlashAttention.HEAD_WIDTHS) {
            assertTrue(source.contains("FLASH_KERNELS(" + d + ","), FlashAttention.SOURCE + ": no kernels for head width " + d);
        }
        assertTrue(source.contains("flash_backward_delta") && source.contains("flash_sum_heads"), FlashAttention.SOURCE);
    }

    /** The sizes the kernels' comments give: forward (128 + 4 * 64) * (D + 8) * 2 bytes, and so on. */
    @Test
    void launchShapesAndSharedMemoryComeFromTheSourcesDefines() {
        Tiles tiles = Tiles.of(FlashAttention.source());
        assertEquals(128, tiles.forwardRows());
        assertEquals(64, tiles.dqRows());
        assertEquals(64, tiles.dkvKeys());
        assertEquals((128 + 4 * 64) * (128 + 8) * 2, tiles.forwardSharedBytes(128));
        assertEquals((2 * 64 + 4 * 64) * (64 + 8) * 2, tiles.dqSharedBytes(64));
        assertEquals((2 * 64 + 2 * 2 * 64) * (16 + 8) * 2 + 2 * 3 * 64 * 4, tiles.dkvSharedBytes(16));
        // derived, not copied: another #define gives other shapes
        String fourWarps = FlashAttention.source().replace("#define FWD_WARPS 8", "#define FWD_WARPS 4");
        assertEquals(64, Tiles.of(fourWarps).forwardRows());
    }

    @Test
    void aMissingTileDefineOrKernelLineIsNamed() {
        String source = FlashAttention.source();
        IllegalStateException define = assertThrows(IllegalStateException.class,
                () -> Tiles.of(source.replace("#define DQ_WARPS", "#define DQ_WARP_COUNT")));
        assertTrue(define.getMessage().contains(FlashAttention.SOURCE) && define.getMessage().contains("#define DQ_WARPS"),
                define.getMessage());
        IllegalStateException kernels = assertThrows(IllegalStateException.class,
                () -> Tiles.of(source.replace("FLASH_KERNELS(128, 64)", "")));
        assertTrue(kernels.getMessage().contains("FLASH_KERNELS(128,") && kernels.getMessage().contains("head width 128"),
                kernels.getMessage());
    }
}
