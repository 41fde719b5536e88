package org.trainbench.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class GemmTest {

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** Naive triple loop in double: C (+)= op(A) op(B). */
    private static double[] naive(int m, int n, int k, float[] a, int aOff, int lda, boolean ta,
                                  float[] b, int bOff, int ldb, boolean tb, float[] c0, int cOff, int ldc, boolean acc) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = acc ? c0[cOff + i * ldc + j] : 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    private static void check(int m, int n, int k, boolean ta, boolean tb, boolean acc) {
        // Leading dimensions larger than the logical widths and non-zero offsets exercise the indexing.
        int lda = (ta ? m : k) + 3;
        int ldb = (tb ? k : n) + 5;
        int ldc = n + 7;
        int aOff = 2, bOff = 1, cOff = 4;
        float[] a = random(aOff + (ta ? k : m) * lda, 1);
        float[] b = random(bOff + (tb ? n : k) * ldb, 2);
        float[] c = random(cOff + m * ldc, 3);
        float[] cBefore = c.clone();
        double[] expected = naive(m, n, k, a, aOff, lda, ta, b, bOff, ldb, tb, c, cOff, ldc, acc);
        Gemm.multiply(m, n, k, a, aOff, lda, ta, b, bOff, ldb, tb, c, cOff, ldc, acc);
        // fp32 sums of k products of magnitude <= 1: rounding grows like sqrt(k) * 2^-24; 1e-5 * sqrt(k) bounds it.
        double tol = 1e-5 * Math.sqrt(k) + 1e-6;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double e = expected[i * n + j];
                float got = c[cOff + i * ldc + j];
                if (Math.abs(got - e) > tol) {
                    throw new AssertionError("C[" + i + "," + j + "] = " + got + ", expected " + e
                            + " (m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " acc=" + acc + ")");
                }
            }
            // Padding between rows stays untouched.
            for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                assertEquals(cBefore[cOff + i * ldc + j], c[cOff + i * ldc + j]);
            }
        }
    }

    @Test
    void allTransposeCasesMatchNaiveLoopOnRaggedShapes() {
        int[][] shapes = {{1, 1, 1}, {5, 7, 3}, {13, 33, 17}, {12, 32, 256}, {25, 65, 300}, {150, 270, 520}, {3, 100, 70}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (boolean acc : new boolean[] {false, true}) {
                        check(s[0], s[1], s[2], ta, tb, acc);
                    }
                }
            }
        }
    }

    @Test
    void resultIsBitIdenticalForOneOrTwoThreads() {
        int m = 300, n = 530, k = 600;
        float[] a = random(m * k, 4);
        float[] b = random(n * k, 5);
        float[] c1 = new float[m * n];
        float[] c2 = new float[m * n];
        Gemm.multiply(new WorkerPool(1), m, n, k, a, 0, k, false, b, 0, k, true, c1, 0, n, false);
        Gemm.multiply(new WorkerPool(2), m, n, k, a, 0, k, false, b, 0, k, true, c2, 0, n, false);
        assertArrayEquals(c1, c2);
    }

    @Test
    void wideMatricesSplitIntoColumnPanelsGiveTheSameResult() {
        // n * k above the packed-B bound forces several column panels.
        int m = 13, k = 300, n = Gemm.PACKED_B_FLOATS / k + 77;
        float[] a = random(m * k, 6);
        float[] b = random(n * k, 7);
        float[] c = new float[m * n];
        Gemm.multiply(m, n, k, a, 0, k, false, b, 0, k, true, c, 0, n, false);
        for (int j : new int[] {0, 1, n / 2, n - 78, n - 77, n - 1}) {
            for (int i = 0; i < m; i += 6) {
                double e = 0;
                for (int p = 0; p < k; p++) {
                    e += (double) a[i * k + p] * b[j * k + p];
                }
                assertEquals(e, c[i * n + j], 2e-4, "C[" + i + "," + j + "]");
            }
        }
    }

    @Test
    void zeroDepthOverwritesWithZerosOrLeavesAccumulatorAlone() {
        float[] c = {1, 2, 3, 4};
        Gemm.multiply(2, 2, 0, new float[0], 0, 0, false, new float[0], 0, 2, false, c, 0, 2, true);
        assertArrayEquals(new float[] {1, 2, 3, 4}, c);
        Gemm.multiply(2, 2, 0, new float[0], 0, 0, false, new float[0], 0, 2, false, c, 0, 2, false);
        assertArrayEquals(new float[] {0, 0, 0, 0}, c);
    }
}
