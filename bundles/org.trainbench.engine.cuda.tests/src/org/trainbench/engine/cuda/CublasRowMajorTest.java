package org.trainbench.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.tensor.Gemm;

/**
 * The row-major to column-major mapping of {@link Cublas#multiply}, checked without a GPU: a plain column-major
 * GEMM with cuBLAS's semantics, called as the mapping says on the row-major arrays, must give the engine's
 * {@link Gemm#multiply} result for all four transpose cases and leading dimensions wider than the rows.
 */
class CublasRowMajorTest {

    /** cuBLAS's gemm: C(m x n) = op(X) op(Y), column-major, element (i, j) of a matrix at [i + j * ld]. */
    private static void columnMajorGemm(boolean transX, boolean transY, int m, int n, int k, float[] x, int ldx, float[] y, int ldy,
            float[] c, int ldc) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    float xv = transX ? x[p + i * ldx] : x[i + p * ldx];
                    float yv = transY ? y[j + p * ldy] : y[p + j * ldy];
                    sum += (double) xv * yv;
                }
                c[i + j * ldc] = (float) sum;
            }
        }
    }

    @Test
    void swappedOperandsGiveTheRowMajorProductForEveryTransposeCase() {
        Random random = new Random(7);
        int m = 5, n = 7, k = 3;
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                int lda = (transA ? m : k) + 2;
                int ldb = (transB ? k : n) + 1;
                int ldc = n + 3;
                float[] a = new float[(transA ? k : m) * lda];
                float[] b = new float[(transB ? n : k) * ldb];
                for (int i = 0; i < a.length; i++) {
                    a[i] = random.nextInt(7) - 3;
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = random.nextInt(7) - 3;
                }
                float[] expected = new float[m * ldc];
                Gemm.multiply(m, n, k, a, 0, lda, transA, b, 0, ldb, transB, expected, 0, ldc, false);
                Cublas.ColumnMajorCall call = Cublas.columnMajor(m, n, k, transA, transB);
                assertEquals(n, call.m());
                assertEquals(m, call.n());
                float[] actual = new float[m * ldc];
                columnMajorGemm(call.transFirst(), call.transSecond(), call.m(), call.n(), call.k(), b, ldb, a, lda, actual, ldc);
                for (int row = 0; row < m; row++) {
                    float[] e = java.util.Arrays.copyOfRange(expected, row * ldc, row * ldc + n);
                    float[] got = java.util.Arrays.copyOfRange(actual, row * ldc, row * ldc + n);
                    assertArrayEquals(e, got, "transA=" + transA + " transB=" + transB + " row " + row);
                }
            }
        }
    }
}
