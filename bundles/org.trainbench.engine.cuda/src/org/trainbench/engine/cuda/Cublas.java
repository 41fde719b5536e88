package org.trainbench.engine.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Matrix multiply on the GPU through cuBLAS (libcublas.so.13, cublasGemmEx), with the engine's row-major
 * convention: {@link #multiply} has the meaning and argument order of the CPU engine's
 * {@code org.trainbench.engine.tensor.Gemm.multiply}, C (+)= op(A) op(B) with row-major A, B, C.
 *
 * <p>cuBLAS is column-major. A row-major matrix with leading dimension ld is, read column-major, its transpose with
 * the same ld; so row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T, which is one cublasGemmEx call
 * with the operands swapped, m and n swapped, and each operand keeping its own transpose flag
 * ({@link #columnMajor}). Linear layers (weights stored (out, in)) then need no copies: forward
 * {@code x W^T} is transB, the input gradient {@code dY W} is plain, the weight gradient {@code dY^T x} is transA.
 */
public final class Cublas implements AutoCloseable {
    /** CUDA 13's sonames; cuBLAS needs cuBLASLt, which is loaded first so that cuBLAS finds it by soname. */
    public static final String[] SONAMES = {"libcublas.so.13", "libcublas.so.12"};
    public static final String[] LT_SONAMES = {"libcublasLt.so.13", "libcublasLt.so.12"};

    /** Element types (cudaDataType_t). */
    public enum DataType {
        FLOAT32(0, 4), BFLOAT16(14, 2);

        final int code;
        final int bytes;

        DataType(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    /** How products are accumulated (cublasComputeType_t); every mode accumulates in fp32. */
    public enum Compute {
        /** IEEE fp32 multiply-adds (CUBLAS_COMPUTE_32F): with fp32 operands this is full-precision SGEMM, no TF32. */
        FP32(68),
        /** fp32 operands rounded to TF32 for the tensor cores (CUBLAS_COMPUTE_32F_FAST_TF32). */
        TF32(77);

        final int code;

        Compute(int code) {
            this.code = code;
        }
    }

    /** The column-major cublasGemmEx call for a row-major product: B is its first operand, A its second (see class comment). */
    public record ColumnMajorCall(boolean transFirst, boolean transSecond, int m, int n, int k) {
    }

    /** Maps row-major C (m x n) = op(A) (m x k) op(B) (k x n) to column-major C^T = op(B)^T op(A)^T. */
    public static ColumnMajorCall columnMajor(int m, int n, int k, boolean transA, boolean transB) {
        return new ColumnMajorCall(transB, transA, n, m, k);
    }

    private static final int CUBLAS_OP_N = 0;
    private static final int CUBLAS_OP_T = 1;
    private static final int CUBLAS_GEMM_DEFAULT = -1;

    private static volatile Functions functions;

    private static final class Functions {
        final MethodHandle create, destroy, gemmEx, gemmStridedBatchedEx, statusName, statusString, version;

        Functions(SymbolLookup l) {
            String lib = "libcublas";
            create = NativeLibraries.function(l, lib, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            destroy = NativeLibraries.function(l, lib, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            version = NativeLibraries.function(l, lib, "cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            // cublasGemmEx(handle, transa, transb, m, n, k, alpha*, A, Atype, lda, B, Btype, ldb, beta*, C, Ctype, ldc,
            //              computeType, algo); device pointers are passed as 64-bit integers.
            gemmEx = NativeLibraries.function(l, lib, "cublasGemmEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS,
                    JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
            // cublasGemmStridedBatchedEx(handle, transa, transb, m, n, k, alpha*, A, Atype, lda, strideA, B, Btype, ldb,
            //                           strideB, beta*, C, Ctype, ldc, strideC, batchCount, computeType, algo)
            gemmStridedBatchedEx = NativeLibraries.function(l, lib, "cublasGemmStridedBatchedEx", FunctionDescriptor.of(JAVA_INT,
                    ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG,
                    JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT,
                    JAVA_INT));
            statusName = NativeLibraries.function(l, lib, "cublasGetStatusName", FunctionDescriptor.of(ADDRESS, JAVA_INT));
            statusString = NativeLibraries.function(l, lib, "cublasGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        }
    }

    private static Functions functions() {
        Functions f = functions;
        if (f == null) {
            synchronized (Cublas.class) {
                f = functions;
                if (f == null) {
                    NativeLibraries.load("cuBLASLt (needed by cuBLAS)", LT_SONAMES);
                    functions = f = new Functions(NativeLibraries.load("cuBLAS", SONAMES));
                }
            }
        }
        return f;
    }

    private final Functions cublas;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private final MemorySegment alpha;
    private final MemorySegment beta;
    private boolean closed;

    private Cublas() {
        cublas = functions();
        MemorySegment out = arena.allocate(ADDRESS);
        try {
            check((int) cublas.create.invokeExact(out), "cublasCreate_v2");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
        handle = out.get(ADDRESS, 0);
        alpha = arena.allocate(JAVA_FLOAT);
        beta = arena.allocate(JAVA_FLOAT);
    }

    /** A cuBLAS handle on the context current on this thread (open the {@link CudaContext} first). */
    public static Cublas create(CudaContext context) {
        context.makeCurrent();
        return new Cublas();
    }

    /** cuBLAS's version as an integer, e.g. 130000 + ... for 13.0. */
    public int version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check((int) cublas.version.invokeExact(handle, out), "cublasGetVersion_v2");
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** fp32 C (+)= op(A) op(B) in IEEE fp32, as {@code Gemm.multiply} on the CPU. */
    public void multiply(int m, int n, int k, DeviceBuffer a, int lda, boolean transA, DeviceBuffer b, int ldb, boolean transB,
            DeviceBuffer c, int ldc, boolean accumulate) {
        multiply(m, n, k, a.address(), lda, transA, b.address(), ldb, transB, c.address(), ldc, accumulate,
                DataType.FLOAT32, DataType.FLOAT32, Compute.FP32);
    }

    /**
     * Row-major C (m x n, leading dimension ldc) (+)= op(A) op(B); op(A) is (m x k), op(B) is (k x n); with transA
     * A is stored (k x m), with transB B is stored (n x k). A and B are of type {@code inputs}, C of {@code output};
     * products accumulate in fp32 ({@code compute}).
     */
    public void multiply(int m, int n, int k, long a, int lda, boolean transA, long b, int ldb, boolean transB, long c, int ldc,
            boolean accumulate, DataType inputs, DataType output, Compute compute) {
        checkLeading("A", transA ? m : k, lda);
        checkLeading("B", transB ? k : n, ldb);
        checkLeading("C", n, ldc);
        ColumnMajorCall call = columnMajor(m, n, k, transA, transB);
        alpha.set(JAVA_FLOAT, 0, 1f);
        beta.set(JAVA_FLOAT, 0, accumulate ? 1f : 0f);
        try {
            int status = (int) cublas.gemmEx.invokeExact(handle, call.transFirst() ? CUBLAS_OP_T : CUBLAS_OP_N,
                    call.transSecond() ? CUBLAS_OP_T : CUBLAS_OP_N, call.m(), call.n(), call.k(), alpha,
                    b, inputs.code, ldb, a, inputs.code, lda, beta, c, output.code, ldc, compute.code, CUBLAS_GEMM_DEFAULT);
            if (status != 0) {
                throw failure(status, "cublasGemmEx(m=" + m + ", n=" + n + ", k=" + k + ", transA=" + transA + ", transB="
                        + transB + ", " + inputs + " -> " + output + ", " + compute + ")");
            }
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /**
     * {@code batch} independent fp32 products as {@link #multiply(int, int, int, long, int, boolean, long, int, boolean,
     * long, int, boolean, DataType, DataType, Compute)} (IEEE fp32), product i on A + i * strideA, B + i * strideB,
     * C + i * strideC (strides in elements).
     */
    public void multiplyBatched(int m, int n, int k, long a, int lda, long strideA, boolean transA, long b, int ldb, long strideB,
            boolean transB, long c, int ldc, long strideC, int batch, boolean accumulate) {
        checkLeading("A", transA ? m : k, lda);
        checkLeading("B", transB ? k : n, ldb);
        checkLeading("C", n, ldc);
        ColumnMajorCall call = columnMajor(m, n, k, transA, transB);
        alpha.set(JAVA_FLOAT, 0, 1f);
        beta.set(JAVA_FLOAT, 0, accumulate ? 1f : 0f);
        int f32 = DataType.FLOAT32.code;
        try {
            int status = (int) cublas.gemmStridedBatchedEx.invokeExact(handle, call.transFirst() ? CUBLAS_OP_T : CUBLAS_OP_N,
                    call.transSecond() ? CUBLAS_OP_T : CUBLAS_OP_N, call.m(), call.n(), call.k(), alpha, b, f32, ldb, strideB,
                    a, f32, lda, strideA, beta, c, f32, ldc, strideC, batch, Compute.FP32.code, CUBLAS_GEMM_DEFAULT);
            if (status != 0) {
                throw failure(status, "cublasGemmStridedBatchedEx(m=" + m + ", n=" + n + ", k=" + k + ", batch=" + batch + ")");
            }
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    private static void checkLeading(String matrix, int columns, int ld) {
        if (ld < Math.max(1, columns)) {
            throw new IllegalArgumentException("GEMM: leading dimension of " + matrix + " is " + ld
                    + " but its rows have " + columns + " elements (row-major)");
        }
    }

    private void check(int status, String call) {
        if (status != 0) {
            throw failure(status, call);
        }
    }

    private CudaException failure(int status, String call) {
        return new CudaException(call, status, text(cublas.statusName, status, "CUBLAS_STATUS_" + status),
                text(cublas.statusString, status, ""));
    }

    private static String text(MethodHandle function, int status, String fallback) {
        try {
            MemorySegment s = (MemorySegment) function.invokeExact(status);
            return s.equals(MemorySegment.NULL) ? fallback : s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return fallback;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            check((int) cublas.destroy.invokeExact(handle), "cublasDestroy_v2");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        } finally {
            arena.close();
        }
    }
}
