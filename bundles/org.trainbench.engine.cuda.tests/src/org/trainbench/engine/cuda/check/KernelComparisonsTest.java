package org.trainbench.engine.cuda.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trainbench.engine.cuda.GpuAvailability;
import org.trainbench.engine.model.LlamaArchitecture;

/**
 * Every GPU operation against the CPU engine's own implementation on the same random inputs, at small and odd
 * shapes (the same comparisons KernelCheck runs at Llama 3.1 8B shapes). Skipped where there is no NVIDIA driver.
 */
class KernelComparisonsTest {
    private static KernelComparisons gpu;

    @BeforeAll
    static void openGpu() {
        if (GpuAvailability.driverPresent()) {
            gpu = new KernelComparisons();
        }
    }

    @AfterAll
    static void closeGpu() {
        if (gpu != null) {
            gpu.close();
        }
    }

    @BeforeEach
    void needsGpu() {
        GpuAvailability.assumeGpu();
    }

    private static void assertAllWithinTolerance(List<Comparison> comparisons, int expected) {
        assertEquals(expected, comparisons.size(), comparisons::toString);
        for (Comparison c : comparisons) {
            assertTrue(c.passed(), c::toString);
            assertTrue(c.relL2Error() <= c.tolerance(), c::toString);
        }
    }

    @Test
    void cublasLinearLayerMatchesTheCpuLinearForwardAndBackward() {
        assertAllWithinTolerance(gpu.linear(64, 256, 384, 1), 3);
        assertAllWithinTolerance(gpu.linear(37, 100, 53, 2), 3);
    }

    @Test
    void bf16GemmWithFp32AccumulationMatchesTheCpuOnRoundedOperands() {
        assertAllWithinTolerance(gpu.linearBf16(64, 256, 128, 3), 2);
    }

    @Test
    void embeddingLookupAndItsAccumulatingBackwardMatchTokenEmbeddingBitForBit() {
        List<Comparison> comparisons = gpu.embedding(200, 96, 1000, 37, 16);
        assertAllWithinTolerance(comparisons, 2);
        for (Comparison c : comparisons) {
            assertEquals(0.0, c.maxAbsError(), c::toString);
        }
    }

    @Test
    void aTargetOutsideTheVocabularyGivesANanLossForItsRowOnlyAndNoOutOfBoundsRead() {
        float[] loss = gpu.languageModelHeadWithTargetOutsideTheVocabulary(8, 64, 100, 3, 21);
        for (int r = 0; r < loss.length; r++) {
            assertEquals(r == 3, Float.isNaN(loss[r]), "row " + r + ": " + loss[r]);
        }
    }

    @Test
    void rmsNormKernelsMatchRmsNormForwardAndAccumulatingBackwardOnEveryRowWidthPath() {
        assertAllWithinTolerance(gpu.rmsNorm(128, 512, 4), 4);
        assertAllWithinTolerance(gpu.rmsNorm(33, 1001, 5), 4);
        assertAllWithinTolerance(gpu.rmsNorm(20, 6144, 14), 4);
    }

    @Test
    void siluKernelsMatchGatedAndUngatedSilu() {
        assertAllWithinTolerance(gpu.silu(7, 1429, true, 6), 3);
        assertAllWithinTolerance(gpu.silu(16, 256, false, 7), 2);
    }

    @Test
    void rotaryKernelMatchesDefaultAndLlama3ScalingWithPerDocumentPositions() {
        assertAllWithinTolerance(gpu.rotary(LlamaArchitecture.Rotary.llama3(500000), 96, 4, 64, 40, 8), 2);
        assertAllWithinTolerance(gpu.rotary(LlamaArchitecture.Rotary.defaultScaling(10000), 96, 2, 32, 96, 9), 2);
    }

    @Test
    void lmHeadCrossEntropyWithLossMaskingMatchesLossAndGradientsWholeAndInRowChunks() {
        assertAllWithinTolerance(gpu.languageModelHead(24, 128, 5003, 3, 10), 3);
        assertAllWithinTolerance(gpu.languageModelHead(24, 128, 5003, 5, 7, 15), 3);
    }

    @Test
    void causalGqaAttentionWithDocumentMaskingMatchesForwardAndBackwardInBothGpuImplementations() {
        assertAllWithinTolerance(gpu.attention(2, 40, 4, 2, 64, new int[] {0, 9, 10, 31}, 12), 10);
        assertAllWithinTolerance(gpu.attention(1, 33, 2, 2, 32, new int[] {0}, 13), 10);
    }

    @Test
    void adamWOnTheGpuMatchesTheCpuOptimizerOverThreeSteps() {
        assertAllWithinTolerance(gpu.adamW(List.of(new int[] {64, 33}, new int[] {64}, new int[] {7}), 3, 11), 4);
    }
}
