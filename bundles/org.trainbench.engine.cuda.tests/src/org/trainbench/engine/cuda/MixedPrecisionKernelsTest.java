package org.trainbench.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trainbench.engine.model.LanguageModelHead;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.RmsNorm;
import org.trainbench.engine.model.RotaryEmbedding;
import org.trainbench.engine.model.Silu;

/**
 * Each mixed-precision kernel against the CPU engine's class on the same inputs: the bf16 inputs rounded on the host
 * first ({@link Bf16}), the CPU computing in fp32 on those values, its result rounded to bf16 where the GPU stores
 * bf16. Small odd shapes, each on the 16-byte vector path and on the one-element path, with q, k, v and gate, up as
 * column ranges of fused buffers as the GPU model lays them out. Outputs the GPU overwrites are first filled with NaN
 * (an element it fails to write fails the comparison); outputs that accumulate start from the same random values on
 * both sides. Skipped where there is no NVIDIA driver.
 *
 * <p>Tolerances. A bf16 output is compared element by element: both sides round (nearly) the same fp32 value to
 * nearest, each within half a bf16 ulp (2^-8 relative), so they differ by at most one ulp, 2^-7 of the larger
 * magnitude, plus an absolute allowance for the fp32 differences before rounding (expf against the CPU's polynomial
 * exp, FMA contraction, summation order), stated per test. An fp32 output is compared by relative L2 error against
 * 1e-5 * sqrt(max(1, k / 1024)) for k-term reductions: fp32 rounding (6e-8 per operation) summed in another order
 * grows like sqrt(k); an indexing or formula error is of order 1.
 */
class MixedPrecisionKernelsTest {
    private static final short BF16_NAN = (short) 0x7fc0;
    private static final float ONE_BF16_ULP = 0x1.0p-7f;

    private static CudaContext context;
    private static LlamaKernels llama;
    private static MixedPrecisionKernels mixed;

    @BeforeAll
    static void openGpu() {
        if (GpuAvailability.driverPresent()) {
            context = CudaContext.open(0);
            llama = new LlamaKernels(context);
            mixed = new MixedPrecisionKernels(context);
        }
    }

    @AfterAll
    static void closeGpu() {
        if (context != null) {
            mixed.close();
            llama.close();
            context.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static float[] uniform(int len, long seed, float scale, float offset) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[len];
        for (int i = 0; i < len; i++) {
            out[i] = offset + (float) (random.nextDouble(-1, 1) * scale);
        }
        return out;
    }

    private static short[] toBf16(float[] values) {
        short[] out = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Bf16.fromFloat(values[i]);
        }
        return out;
    }

    private static float[] toFloat(short[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Bf16.toFloat(values[i]);
        }
        return out;
    }

    private static DeviceBuffer poisonedBf16(long elements) {
        DeviceBuffer b = context.allocate(4 * ((elements + 1) / 2));
        context.fill32(b.address(), (BF16_NAN & 0xffff) * 0x10001, (elements + 1) / 2);
        return b;
    }

    private static DeviceBuffer poisonedFloats(long floats) {
        DeviceBuffer b = context.allocateFloats(floats);
        context.fill32(b.address(), Float.floatToRawIntBits(Float.NaN), floats);
        return b;
    }

    private static float fp32Tolerance(int k) {
        return (float) (1e-5 * Math.sqrt(Math.max(1.0, k / 1024.0)));
    }

    /** The columns [from, from + width) of a (rows, stride) matrix. */
    private static float[] columns(float[] m, int rows, int stride, int from, int width) {
        float[] out = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(m, r * stride + from, out, r * width, width);
        }
        return out;
    }

    /** Element by element: gpu within one bf16 ulp of bf16(cpu), plus {@code absolute}. */
    private static void assertBf16Close(String what, float[] cpu, float[] gpu, float absolute) {
        assertEquals(cpu.length, gpu.length, what + ": length");
        for (int i = 0; i < cpu.length; i++) {
            float expected = Bf16.round(cpu[i]);
            float actual = gpu[i];
            float allowed = ONE_BF16_ULP * Math.max(Math.abs(expected), Math.abs(actual)) + absolute;
            if (!(Math.abs(actual - expected) <= allowed)) {
                fail(what + "[" + i + "]: GPU " + actual + ", CPU " + cpu[i] + " (bf16 " + expected + "), allowed " + allowed);
            }
        }
    }

    private static void assertRelativeL2(String what, float[] cpu, float[] gpu, float tolerance) {
        assertEquals(cpu.length, gpu.length, what + ": length");
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < cpu.length; i++) {
            if (Float.isNaN(gpu[i])) {
                fail(what + "[" + i + "] is NaN on the GPU (CPU " + cpu[i] + ")");
            }
            difference += (double) (gpu[i] - cpu[i]) * (gpu[i] - cpu[i]);
            norm += (double) cpu[i] * cpu[i];
        }
        double relative = Math.sqrt(difference / Math.max(norm, Double.MIN_NORMAL));
        assertTrue(relative <= tolerance, what + ": relative L2 error " + relative + " > " + tolerance);
    }

    // ------------------------------------------------------------------------------------------------ RMSNorm

    @Test
    void rmsNormForwardRoundsOnlyItsOutputAndBackwardAccumulatesLikeRmsNormOnBothPaths() {
        GpuAvailability.assumeGpu();
        rmsNorm(37, 96, 1);  // C % 8 == 0: vector forward, fused register backward
        rmsNorm(37, 99, 2);  // one element at a time, two-kernel backward
    }

    private static void rmsNorm(int n, int c, long seed) {
        String shape = " (N " + n + ", C " + c + ")";
        float eps = 1e-5f;
        float[] x = uniform(n * c, seed, 2f, 0f);
        float[] weight = uniform(c, seed + 1, 0.2f, 1f);
        float[] out = new float[n * c];
        float[] rstd = new float[n];
        RmsNorm.forward(out, rstd, x, weight, n, c, eps);

        short[] dout = toBf16(uniform(n * c, seed + 2, 1f, 0f));
        float[] dx = uniform(n * c, seed + 3, 0.5f, 0f);
        float[] dweight = uniform(c, seed + 4, 0.5f, 0f);
        float[] cpuDx = dx.clone();
        float[] cpuDweight = dweight.clone();
        RmsNorm.backward(cpuDx, cpuDweight, toFloat(dout), x, weight, rstd, n, c);

        try (DeviceBuffer gx = context.upload(x); DeviceBuffer gw = context.upload(weight);
                DeviceBuffer gout = poisonedBf16((long) n * c); DeviceBuffer grstd = poisonedFloats(n);
                DeviceBuffer gdout = context.upload(dout); DeviceBuffer cpuRstd = context.upload(rstd);
                DeviceBuffer gdx = context.upload(dx); DeviceBuffer gdw = context.upload(dweight);
                DeviceBuffer gdw2 = context.upload(dweight)) {
            mixed.rmsNormForward(gout, grstd, gx, gw, n, c, eps);
            // as RmsNorm's arithmetic: a k = C sum of squares, then 1 / sqrt in double
            assertRelativeL2("rstd" + shape, rstd, context.downloadFloats(grstd, n), fp32Tolerance(c));
            // out is (x * rstd) * w with rstd differing by ~1e-7: at most one bf16 ulp apart, no absolute part needed
            assertBf16Close("out" + shape, out, toFloat(context.downloadShorts(gout, n * c)), 0f);

            // backward from the CPU's rstd, so that it is compared alone
            mixed.rmsNormBackward(gdx, gdw, gdout, gx, gw, cpuRstd, n, c);
            assertRelativeL2("dx" + shape, cpuDx, context.downloadFloats(gdx, n * c), fp32Tolerance(c));
            float[] gpuDweight = context.downloadFloats(gdw, c);
            assertRelativeL2("dweight" + shape, cpuDweight, gpuDweight, fp32Tolerance(n));

            mixed.rmsNormBackward(gdx, gdw2, gdout, gx, gw, cpuRstd, n, c);
            assertArrayEquals(gpuDweight, context.downloadFloats(gdw2, c), "dweight is the same bits run after run" + shape);
        }
    }

    // ------------------------------------------------------------------------------------------------ rotary

    @Test
    void rotaryTurnsQAndKInsideTheFusedQkvBufferAsRotaryEmbeddingAndLeavesVAlone() {
        GpuAvailability.assumeGpu();
        // D = 16: 8 pairs per thread with 16-byte accesses; D = 12: one pair per thread
        rotary(LlamaArchitecture.Rotary.llama3(500000), 37, 4, 2, 16, 11);
        rotary(LlamaArchitecture.Rotary.defaultScaling(10000), 37, 4, 2, 12, 12);
    }

    private static void rotary(LlamaArchitecture.Rotary rotaryConfig, int n, int heads, int groups, int d, long seed) {
        String shape = " (N " + n + ", H " + heads + ", G " + groups + ", D " + d + ")";
        int width = heads * d + 2 * groups * d;
        int documentLength = 13;
        int[] positions = new int[n];
        for (int r = 0; r < n; r++) {
            positions[r] = r % documentLength;
        }
        RotaryEmbedding embedding = new RotaryEmbedding(rotaryConfig, d);
        try (LlamaKernels.RotaryTable table = llama.rotaryTable(rotaryConfig, d, documentLength);
                DeviceBuffer gpos = context.upload(positions)) {
            for (boolean backward : new boolean[] {false, true}) {
                String what = (backward ? "backward " : "forward ") + shape;
                short[] qkv = toBf16(uniform(n * width, seed + (backward ? 1 : 0), 1f, 0f));
                float[] input = toFloat(qkv);
                float[] q = columns(input, n, width, 0, heads * d);
                float[] k = columns(input, n, width, heads * d, groups * d);
                if (backward) {
                    embedding.backward(q, positions, n, heads);
                    embedding.backward(k, positions, n, groups);
                } else {
                    embedding.forward(q, positions, n, heads);
                    embedding.forward(k, positions, n, groups);
                }
                try (DeviceBuffer g = context.upload(qkv)) {
                    mixed.rotary(g.address(), width, gpos.address(), table, n, heads, d, backward);
                    mixed.rotary(g.address() + 2L * heads * d, width, gpos.address(), table, n, groups, d, backward);
                    float[] result = toFloat(context.downloadShorts(g, n * width));
                    // the kernel's products and sums are unfused (_rn), as Java's: the same fp32 values unless a table
                    // entry differs in its last bit (CUDA's double cos against Java's), hence the 1e-6 allowance
                    assertBf16Close("q " + what, q, columns(result, n, width, 0, heads * d), 1e-6f);
                    assertBf16Close("k " + what, k, columns(result, n, width, heads * d, groups * d), 1e-6f);
                    int vFrom = heads * d + groups * d;
                    assertArrayEquals(columns(input, n, width, vFrom, groups * d), columns(result, n, width, vFrom, groups * d),
                            "v is not touched " + what);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ SwiGLU

    @Test
    void swigluOnTheFusedGateUpBufferMatchesGatedSiluForwardAndBackward() {
        GpuAvailability.assumeGpu();
        swiglu(37, 160, 21); // F % 8 == 0: 16-byte accesses
        swiglu(37, 100, 22); // one element at a time
    }

    private static void swiglu(int n, int f, long seed) {
        String shape = " (N " + n + ", F " + f + ")";
        short[] gu = toBf16(uniform(n * 2 * f, seed, 4f, 0f));
        short[] dh = toBf16(uniform(n * f, seed + 1, 1f, 0f));
        float[] guF = toFloat(gu);
        float[] gate = columns(guF, n, 2 * f, 0, f);
        float[] up = columns(guF, n, 2 * f, f, f);
        float[] h = new float[n * f];
        Silu.forward(h, gate, up, n * f);
        float[] dgate = new float[n * f];
        float[] dup = new float[n * f];
        Silu.backward(dgate, dup, toFloat(dh), gate, up, n * f);
        try (DeviceBuffer ggu = context.upload(gu); DeviceBuffer gdh = context.upload(dh);
                DeviceBuffer gh = poisonedBf16((long) n * f); DeviceBuffer gdgu = poisonedBf16(2L * n * f)) {
            mixed.swigluForward(gh, ggu, n, f);
            mixed.swigluBackward(gdgu, gdh, ggu, n, f);
            // expf against the CPU's polynomial exp: a few fp32 ulp of values of order 1 to 10; silu'(g) crosses zero
            // near g = -1.28, where 1 + g (1 - sig) cancels, so the allowance is absolute
            float absolute = 1e-5f;
            assertBf16Close("h" + shape, h, toFloat(context.downloadShorts(gh, n * f)), absolute);
            float[] result = toFloat(context.downloadShorts(gdgu, 2 * n * f));
            assertBf16Close("dgate" + shape, dgate, columns(result, n, 2 * f, 0, f), absolute);
            assertBf16Close("dup" + shape, dup, columns(result, n, 2 * f, f, f), absolute);
        }
    }

    // ------------------------------------------------------------------------------------------------ cross-entropy

    @Test
    void crossEntropyLossAndBf16GradientMatchLanguageModelHeadWithMaskedAndOutOfVocabularyRows() {
        GpuAvailability.assumeGpu();
        crossEntropy(37, 1000, 31); // V % 8 == 0: 8 logits per access
        crossEntropy(37, 1003, 32); // one logit at a time
    }

    private static void crossEntropy(int rows, int vocab, long seed) {
        String shape = " (rows " + rows + ", V " + vocab + ")";
        float[] logits = uniform(rows * vocab, seed, 4f, 0f);
        int[] targets = new int[rows];
        SplittableRandom random = new SplittableRandom(seed + 1);
        for (int r = 0; r < rows; r++) {
            targets[r] = random.nextInt(vocab);
        }
        targets[3] = -1;     // not counted
        targets[5] = -100;   // not counted (the usual ignore index)
        targets[7] = vocab;  // outside the vocabulary: a NaN row
        float gradScale = 1f / (rows - 3);

        // LanguageModelHead.crossEntropy row by row with x = that row's logits and W = the identity (V, V): its logits
        // x W^T and its dx = dlogits W are then exactly the logits and dlogits (products by 1, sums of zeros)
        float[] identity = new float[vocab * vocab];
        for (int i = 0; i < vocab; i++) {
            identity[i * vocab + i] = 1f;
        }
        float[] dweight = new float[vocab * vocab];
        float[] loss = new float[rows];
        float[] dlogits = new float[rows * vocab];
        for (int r = 0; r < rows; r++) {
            if (targets[r] < 0 || targets[r] >= vocab) {
                continue;
            }
            float[] row = java.util.Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
            float[] dx = new float[vocab];
            loss[r] = (float) LanguageModelHead.crossEntropy(row, identity, new int[] {targets[r]}, new boolean[] {true}, 1, vocab,
                    vocab, dx, dweight, gradScale);
            System.arraycopy(dx, 0, dlogits, r * vocab, vocab);
        }

        try (DeviceBuffer glogits = context.upload(logits); DeviceBuffer gtargets = context.upload(targets);
                DeviceBuffer gdlogits = poisonedBf16((long) rows * vocab); DeviceBuffer gloss = poisonedFloats(rows);
                DeviceBuffer evalLoss = poisonedFloats(rows)) {
            mixed.crossEntropy(glogits, gdlogits, gloss, gtargets, rows, vocab, gradScale);
            mixed.crossEntropy(glogits, null, evalLoss, gtargets, rows, vocab, gradScale);
            float[] gpuLoss = context.downloadFloats(gloss, rows);
            float[] gpuDlogits = toFloat(context.downloadShorts(gdlogits, rows * vocab));
            assertArrayEquals(gpuLoss, context.downloadFloats(evalLoss, rows), "evaluation (no gradient) gives the same loss" + shape);
            for (int r : new int[] {3, 5}) {
                assertEquals(0f, gpuLoss[r], "a row that is not counted has loss 0" + shape);
                for (int i = 0; i < vocab; i++) {
                    assertEquals(0f, gpuDlogits[r * vocab + i], "and a zero gradient" + shape);
                }
            }
            assertTrue(Float.isNaN(gpuLoss[7]), "a target outside the vocabulary gives a NaN loss" + shape);
            for (int i = 0; i < vocab; i++) {
                assertTrue(Float.isNaN(gpuDlogits[7 * vocab + i]), "and a NaN gradient row" + shape);
            }
            float[] counted = new float[rows - 3];
            float[] cpuCounted = new float[rows - 3];
            for (int r = 0, j = 0; r < rows; r++) {
                if (r != 3 && r != 5 && r != 7) {
                    counted[j] = gpuLoss[r];
                    cpuCounted[j++] = loss[r];
                }
            }
            // a V-term sum of exp in another order, and expf against the CPU's exp
            assertRelativeL2("loss" + shape, cpuCounted, counted, fp32Tolerance(vocab));
            // softmax values carry lse's fp32 difference (~1e-6 relative) before the rounding; the target's entry,
            // p - 1, is far from cancelling at these logits, so the allowance stays a small absolute one. Row 7 (NaN)
            // was checked above.
            assertBf16Close("dlogits" + shape, withoutRow(dlogits, 7, vocab), withoutRow(gpuDlogits, 7, vocab), 1e-6f * gradScale);
        }
    }

    private static float[] withoutRow(float[] m, int row, int width) {
        float[] out = new float[m.length - width];
        System.arraycopy(m, 0, out, 0, row * width);
        System.arraycopy(m, (row + 1) * width, out, row * width, m.length - (row + 1) * width);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ casts

    @Test
    void castsRoundToNearestEvenLikeBf16AndWidenExactlyOnAlignedAndUnalignedBuffers() {
        GpuAvailability.assumeGpu();
        int len = 1003;
        float[] values = uniform(len, 41, 100f, 0f);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, Float.MAX_VALUE,
                -Float.MAX_VALUE, Float.MIN_VALUE, 1f + 0x1.0p-8f, 1f + 0x1.8p-7f, 1f + 0x1.0p-9f, Float.intBitsToFloat(0x7fa00001)};
        System.arraycopy(specials, 0, values, 0, specials.length);
        System.arraycopy(specials, 0, values, len - specials.length, specials.length);
        short[] expected = toBf16(values);
        short[] bits = new short[len];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < len; i++) {
            bits[i] = (short) random.nextInt(1 << 16); // every pattern: NaNs, infinities, subnormals
        }
        // offsets of 0 bytes take the 16-byte path; 4 (bf16) and 8 (fp32) bytes take the one-element path
        for (int offset : new int[] {0, 1}) {
            String where = offset == 0 ? " (aligned)" : " (unaligned)";
            try (DeviceBuffer src = context.allocateFloats(len + 2L); DeviceBuffer dst = poisonedBf16(len + 4L);
                    DeviceBuffer srcBf16 = poisonedBf16(len + 4L); DeviceBuffer dstFloats = poisonedFloats(len + 2L)) {
                context.copyToDevice(src.address() + 8L * offset, java.lang.foreign.MemorySegment.ofArray(values), 4L * len);
                mixed.toBf16(dst.address() + 4L * offset, src.address() + 8L * offset, len);
                short[] gpu = context.downloadShorts(dst, len + 2 * offset);
                assertArrayEquals(expected, java.util.Arrays.copyOfRange(gpu, 2 * offset, 2 * offset + len), "toBf16" + where);

                context.copyToDevice(srcBf16.address() + 4L * offset, java.lang.foreign.MemorySegment.ofArray(bits), 2L * len);
                mixed.toFloat(dstFloats.address() + 8L * offset, srcBf16.address() + 4L * offset, len);
                float[] widened = context.downloadFloats(dstFloats, len + 2 * offset);
                for (int i = 0; i < len; i++) {
                    assertEquals((bits[i] & 0xffff) << 16, Float.floatToRawIntBits(widened[2 * offset + i]), "toFloat[" + i + "]" + where);
                }
            }
        }
    }
}
