package org.trainbench.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply on the CPU: C (+)= op(A) op(B), with the Vector API.
 *
 * <p>Shapes: op(A) is (M, K), op(B) is (K, N), C is (M, N), all row-major with leading dimensions lda, ldb, ldc;
 * {@code transA} means A is stored as (K, M), {@code transB} that B is stored as (N, K) (a linear layer's weight,
 * (out, in), used as x W^T).
 *
 * <p>How: op(B) is packed once, in parallel, into strips of 2 vectors (32 floats with AVX-512), k-major, per
 * slice of KC along K. Then C is cut into blocks of MC rows (and column groups when rows are few), one task of the
 * {@link WorkerPool} each: for each K slice the task runs a 12 x 2-vector register tile over every (strip, 12-row
 * panel) pair, reading op(A) in place with the strides of its layout. Packing absorbs B's transpose; A's is a
 * stride, so one kernel serves all four cases.
 *
 * <p>Determinism: every C element is a sum over k in the same order (KC slices in order, k in order within
 * a slice, fused multiply-adds), whatever the thread count or timing. Matrices with at most
 * {@value #ROWS_FOR_DOT_PRODUCTS} rows and {@code transB} (token-by-token decoding) take a dot-product path
 * instead, whose sums are ordered differently: results agree with the blocked path to rounding, not bit for bit.
 */
public final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of the register tile. */
    static final int MR = 12;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;
    static final int KC = 256;
    static final int MC = 12 * MR;
    static final int ROWS_FOR_DOT_PRODUCTS = 4;
    /** Upper bound of the packed copy of B (16 MiB). */
    static final int PACKED_B_FLOATS = 1 << 22;

    private static final ThreadLocal<float[][]> PACK_BUFFERS =
            ThreadLocal.withInitial(() -> new float[][] {new float[MC * KC], null, new float[MR * NR]});

    private Gemm() {
    }

    /**
     * C (+)= op(A) op(B).
     *
     * @param accumulate true: add to C; false: overwrite C
     */
    public static void multiply(int m, int n, int k,
                                float[] a, int aOff, int lda, boolean transA,
                                float[] b, int bOff, int ldb, boolean transB,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        multiply(WorkerPool.shared(), m, n, k, a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, accumulate);
    }

    /** As {@link #multiply(int, int, int, float[], int, int, boolean, float[], int, int, boolean, float[], int, int, boolean)} on a given pool. */
    public static void multiply(WorkerPool pool, int m, int n, int k,
                                float[] a, int aOff, int lda, boolean transA,
                                float[] b, int bOff, int ldb, boolean transB,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        if (m <= ROWS_FOR_DOT_PRODUCTS && transB && !transA) {
            dotProducts(pool, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        // Wide B (an LM head over a large vocabulary) goes in column panels, so packed B stays within PACKED_B_FLOATS.
        int panelColumns = Math.max(NR, PACKED_B_FLOATS / k / NR * NR);
        for (int j = 0; j < n; j += panelColumns) {
            int width = Math.min(panelColumns, n - j);
            int bAt = transB ? bOff + j * ldb : bOff + j;
            columnPanel(pool, m, width, k, a, aOff, lda, transA, b, bAt, ldb, transB, c, cOff + j, ldc, accumulate);
        }
    }

    private static void columnPanel(WorkerPool pool, int m, int n, int k,
                                    float[] a, int aOff, int lda, boolean transA,
                                    float[] b, int bOff, int ldb, boolean transB,
                                    float[] c, int cOff, int ldc, boolean accumulate) {
        // op(B) is packed once, shared by all tasks: KC slices in order, each as strips of NR columns, k-major.
        int strips = (n + NR - 1) / NR;
        int slices = (k + KC - 1) / KC;
        float[] pb = packedB(strips * NR * k);
        pool.run(slices * strips, task -> {
            int slice = task / strips;
            int strip = task % strips;
            int pc = slice * KC;
            int kc = Math.min(KC, k - pc);
            packB(b, bOff, ldb, transB, strip * NR, Math.min(NR, n - strip * NR), pc, kc, pb, pc * strips * NR + strip * NR * kc);
        });
        // Tasks: blocks of MC rows, split further into column groups when there are too few row blocks to share out.
        int rowBlocks = (m + MC - 1) / MC;
        int columnGroups = Math.max(1, Math.min(strips, (2 * pool.threads() + rowBlocks - 1) / rowBlocks));
        int stripsPerGroup = (strips + columnGroups - 1) / columnGroups;
        pool.run(rowBlocks * columnGroups, task -> {
            int ic = (task / columnGroups) * MC;
            int firstStrip = (task % columnGroups) * stripsPerGroup;
            int endStrip = Math.min(strips, firstStrip + stripsPerGroup);
            if (firstStrip < endStrip) {
                block(ic, Math.min(MC, m - ic), firstStrip, endStrip, n, k, strips, a, aOff, lda, transA, pb, c, cOff, ldc, accumulate);
            }
        });
    }

    private static final ThreadLocal<float[]> PACKED_B = new ThreadLocal<>();

    /** The caller's buffer for packed B, grown as needed (tasks only read it while the caller waits). */
    private static float[] packedB(int size) {
        float[] buffer = PACKED_B.get();
        if (buffer == null || buffer.length < size) {
            buffer = new float[size];
            PACKED_B.set(buffer);
        }
        return buffer;
    }

    /**
     * Rows ic..ic+mc of C, strips firstStrip..endStrip. Full 12-row panels of op(A) are read in place (measured as
     * fast as packed ones here: the 12 row streams stay in L1/L2 across the strips); only a last partial panel is
     * packed, zero-padded, so the kernel never reads past the matrix.
     */
    private static void block(int ic, int mc, int firstStrip, int endStrip, int n, int k, int strips,
                              float[] a, int aOff, int lda, boolean transA, float[] pb,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        float[][] buffers = PACK_BUFFERS.get();
        float[] pa = buffers[0];
        float[] edge = buffers[2];
        int panels = (mc + MR - 1) / MR;
        int lastRows = mc - (panels - 1) * MR;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean load = accumulate || pc > 0;
            if (lastRows < MR) {
                int last = panels - 1;
                packA(a, aOff, lda, transA, ic + last * MR, lastRows, pc, kc, pa, last * MR * kc);
            }
            int sliceBase = pc * strips * NR;
            for (int s = firstStrip; s < endStrip; s++) {
                int j0 = s * NR;
                int nr = Math.min(NR, n - j0);
                int pbOff = sliceBase + s * NR * kc;
                for (int p = 0; p < panels; p++) {
                    int i0 = ic + p * MR;
                    int mr = Math.min(MR, ic + mc - i0);
                    float[] src;
                    int srcOff;
                    int rs;
                    int cs;
                    if (mr < MR) {
                        src = pa;
                        srcOff = p * MR * kc;
                        rs = 1;
                        cs = MR;
                    } else if (transA) {
                        src = a;
                        srcOff = aOff + pc * lda + i0;
                        rs = 1;
                        cs = lda;
                    } else {
                        src = a;
                        srcOff = aOff + i0 * lda + pc;
                        rs = lda;
                        cs = 1;
                    }
                    int cAt = cOff + i0 * ldc + j0;
                    if (mr == MR && nr == NR) {
                        tile(kc, src, srcOff, rs, cs, pb, pbOff, c, cAt, ldc, load);
                    } else {
                        if (load) {
                            for (int i = 0; i < mr; i++) {
                                System.arraycopy(c, cAt + i * ldc, edge, i * NR, nr);
                            }
                        }
                        tile(kc, src, srcOff, rs, cs, pb, pbOff, edge, 0, NR, load);
                        for (int i = 0; i < mr; i++) {
                            System.arraycopy(edge, i * NR, c, cAt + i * ldc, nr);
                        }
                    }
                }
            }
        }
    }

    /** Packs op(A)[ic..ic+mc, pc..pc+kc] into 12-row panels, k-major, zero-padding the last panel. */
    private static void packA(float[] a, int aOff, int lda, boolean transA, int ic, int mc, int pc, int kc, float[] pa, int at) {
        int panels = (mc + MR - 1) / MR;
        for (int p = 0; p < panels; p++) {
            int base = at + p * MR * kc;
            int i0 = ic + p * MR;
            int mr = Math.min(MR, ic + mc - i0);
            if (transA) {
                for (int kk = 0; kk < kc; kk++) {
                    int src = aOff + (pc + kk) * lda + i0;
                    int dst = base + kk * MR;
                    System.arraycopy(a, src, pa, dst, mr);
                    for (int i = mr; i < MR; i++) {
                        pa[dst + i] = 0f;
                    }
                }
            } else {
                for (int i = 0; i < mr; i++) {
                    int src = aOff + (i0 + i) * lda + pc;
                    for (int kk = 0; kk < kc; kk++) {
                        pa[base + kk * MR + i] = a[src + kk];
                    }
                }
                for (int i = mr; i < MR; i++) {
                    for (int kk = 0; kk < kc; kk++) {
                        pa[base + kk * MR + i] = 0f;
                    }
                }
            }
        }
    }

    /** Packs op(B)[pc..pc+kc, j0..j0+nr] as one strip of NR columns, k-major, zero-padded, at pb[base..]. */
    private static void packB(float[] b, int bOff, int ldb, boolean transB, int j0, int nr, int pc, int kc, float[] pb, int base) {
        if (transB) {
            for (int j = 0; j < nr; j++) {
                int src = bOff + (j0 + j) * ldb + pc;
                for (int kk = 0; kk < kc; kk++) {
                    pb[base + kk * NR + j] = b[src + kk];
                }
            }
            for (int j = nr; j < NR; j++) {
                for (int kk = 0; kk < kc; kk++) {
                    pb[base + kk * NR + j] = 0f;
                }
            }
        } else {
            for (int kk = 0; kk < kc; kk++) {
                int dst = base + kk * NR;
                System.arraycopy(b, bOff + (pc + kk) * ldb + j0, pb, dst, nr);
                for (int j = nr; j < NR; j++) {
                    pb[dst + j] = 0f;
                }
            }
        }
    }

    /** C[i, j] (+)= dot(A[i, :], B[j, :]) for a few rows: memory-bound, so each task streams a slice of B's rows once. */
    private static void dotProducts(WorkerPool pool, int m, int n, int k, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        final int rowsPerTask = 64;
        int tasks = (n + rowsPerTask - 1) / rowsPerTask;
        pool.run(tasks, task -> {
            int j0 = task * rowsPerTask;
            int j1 = Math.min(n, j0 + rowsPerTask);
            for (int j = j0; j < j1; j++) {
                for (int i = 0; i < m; i++) {
                    float d = dot(a, aOff + i * lda, b, bOff + j * ldb, k);
                    int at = cOff + i * ldc + j;
                    c[at] = accumulate ? c[at] + d : d;
                }
            }
        });
    }

    /** Dot product of x[xOff..xOff+len) and y[yOff..yOff+len), vectorized with two partial sums. */
    public static float dot(float[] x, int xOff, float[] y, int yOff, int len) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        int i = 0;
        for (; i <= len - 2 * L; i += 2 * L) {
            s0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), s0);
            s1 = FloatVector.fromArray(S, x, xOff + i + L).fma(FloatVector.fromArray(S, y, yOff + i + L), s1);
        }
        for (; i <= len - L; i += L) {
            s0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), s0);
        }
        float sum = VectorMath.sum(s0.add(s1));
        for (; i < len; i++) {
            sum = Math.fma(x[xOff + i], y[yOff + i], sum);
        }
        return sum;
    }

    /**
     * The register tile: C[0..12, 0..2L) (+)= A(12 x kc) * packedB(kc x 2L), 24 accumulators kept in registers.
     * A(i, k) is read at {@code pa[paOff + i * rs + k * cs]}: a packed panel (rs 1, cs 12) or the matrix itself
     * (rs lda, cs 1 untransposed; rs 1, cs lda transposed). packedB is k-major, 2L values per k.
     */
    private static void tile(int kc, float[] pa, int paOff, int rs, int cs, float[] pb, int pbOff,
                             float[] c, int cOff, int ldc, boolean load) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71, c80, c81, c90, c91, c100, c101, c110, c111;
        if (load) {
            c00 = FloatVector.fromArray(S, c, cOff + 0 * ldc);
            c01 = FloatVector.fromArray(S, c, cOff + 0 * ldc + L);
            c10 = FloatVector.fromArray(S, c, cOff + 1 * ldc);
            c11 = FloatVector.fromArray(S, c, cOff + 1 * ldc + L);
            c20 = FloatVector.fromArray(S, c, cOff + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, cOff + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, cOff + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, cOff + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, cOff + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, cOff + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, cOff + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, cOff + 5 * ldc + L);
            c60 = FloatVector.fromArray(S, c, cOff + 6 * ldc);
            c61 = FloatVector.fromArray(S, c, cOff + 6 * ldc + L);
            c70 = FloatVector.fromArray(S, c, cOff + 7 * ldc);
            c71 = FloatVector.fromArray(S, c, cOff + 7 * ldc + L);
            c80 = FloatVector.fromArray(S, c, cOff + 8 * ldc);
            c81 = FloatVector.fromArray(S, c, cOff + 8 * ldc + L);
            c90 = FloatVector.fromArray(S, c, cOff + 9 * ldc);
            c91 = FloatVector.fromArray(S, c, cOff + 9 * ldc + L);
            c100 = FloatVector.fromArray(S, c, cOff + 10 * ldc);
            c101 = FloatVector.fromArray(S, c, cOff + 10 * ldc + L);
            c110 = FloatVector.fromArray(S, c, cOff + 11 * ldc);
            c111 = FloatVector.fromArray(S, c, cOff + 11 * ldc + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z;
            c01 = z;
            c10 = z;
            c11 = z;
            c20 = z;
            c21 = z;
            c30 = z;
            c31 = z;
            c40 = z;
            c41 = z;
            c50 = z;
            c51 = z;
            c60 = z;
            c61 = z;
            c70 = z;
            c71 = z;
            c80 = z;
            c81 = z;
            c90 = z;
            c91 = z;
            c100 = z;
            c101 = z;
            c110 = z;
            c111 = z;
        }
        final int r1 = 1 * rs;
        final int r2 = 2 * rs;
        final int r3 = 3 * rs;
        final int r4 = 4 * rs;
        final int r5 = 5 * rs;
        final int r6 = 6 * rs;
        final int r7 = 7 * rs;
        final int r8 = 8 * rs;
        final int r9 = 9 * rs;
        final int r10 = 10 * rs;
        final int r11 = 11 * rs;
        for (int k = 0; k < kc; k++) {
            int bo = pbOff + k * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            int ao = paOff + k * cs;
            FloatVector a;
            a = FloatVector.broadcast(S, pa[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ao + r1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ao + r2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ao + r3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa[ao + r4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, pa[ao + r5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, pa[ao + r6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, pa[ao + r7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
            a = FloatVector.broadcast(S, pa[ao + r8]);
            c80 = a.fma(b0, c80);
            c81 = a.fma(b1, c81);
            a = FloatVector.broadcast(S, pa[ao + r9]);
            c90 = a.fma(b0, c90);
            c91 = a.fma(b1, c91);
            a = FloatVector.broadcast(S, pa[ao + r10]);
            c100 = a.fma(b0, c100);
            c101 = a.fma(b1, c101);
            a = FloatVector.broadcast(S, pa[ao + r11]);
            c110 = a.fma(b0, c110);
            c111 = a.fma(b1, c111);
        }
        c00.intoArray(c, cOff + 0 * ldc);
        c01.intoArray(c, cOff + 0 * ldc + L);
        c10.intoArray(c, cOff + 1 * ldc);
        c11.intoArray(c, cOff + 1 * ldc + L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + L);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + L);
        c60.intoArray(c, cOff + 6 * ldc);
        c61.intoArray(c, cOff + 6 * ldc + L);
        c70.intoArray(c, cOff + 7 * ldc);
        c71.intoArray(c, cOff + 7 * ldc + L);
        c80.intoArray(c, cOff + 8 * ldc);
        c81.intoArray(c, cOff + 8 * ldc + L);
        c90.intoArray(c, cOff + 9 * ldc);
        c91.intoArray(c, cOff + 9 * ldc + L);
        c100.intoArray(c, cOff + 10 * ldc);
        c101.intoArray(c, cOff + 10 * ldc + L);
        c110.intoArray(c, cOff + 11 * ldc);
        c111.intoArray(c, cOff + 11 * ldc + L);
    }
}
