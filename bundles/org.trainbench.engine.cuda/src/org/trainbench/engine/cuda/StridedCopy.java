package org.trainbench.engine.cuda;

import java.util.List;

/**
 * Copies between a column range of a strided bf16 matrix and a contiguous fp32 matrix ({@code strided_copy.cu}): how
 * the bf16 model hands the q, k, v slices of its fused projection to fp32 code and takes their gradients back.
 */
public final class StridedCopy implements AutoCloseable {
    public static final String SOURCE = "strided_copy.cu";
    private static final int BLOCK = 256;

    private final CudaContext context;
    private final KernelModule module;
    private final KernelModule.Kernel toFloat;
    private final KernelModule.Kernel toBf16;

    public StridedCopy(CudaContext context) {
        this.context = context;
        byte[] ptx = Nvrtc.load().compileCached(source(), SOURCE,
                List.of("--gpu-architecture=" + context.virtualArchitecture(), "--std=c++17"));
        module = context.loadModule(ptx, SOURCE);
        toFloat = module.kernel("strided_bf16_to_f32");
        toBf16 = module.kernel("strided_f32_to_bf16");
    }

    static String source() {
        return KernelSource.read(SOURCE);
    }

    private int grid(long work) {
        return context.gridStrideBlocks(work, BLOCK);
    }

    /** dst (rows, width) fp32 contiguous = src columns [0, width) of a bf16 matrix with row stride srcStride (elements). */
    public void toFloat(long dst, long src, int srcStride, int rows, int width) {
        checkStride(srcStride, width);
        toFloat.launch(grid((long) rows * width), 1, BLOCK, dst, src, srcStride, rows, width);
    }

    /** dst columns [0, width) of a bf16 matrix with row stride dstStride = src (rows, width) fp32, rounded to nearest even. */
    public void toBf16(long dst, int dstStride, long src, int rows, int width) {
        checkStride(dstStride, width);
        toBf16.launch(grid((long) rows * width), 1, BLOCK, dst, dstStride, src, rows, width);
    }

    private static void checkStride(int stride, int width) {
        if (stride < width) {
            throw new IllegalArgumentException("strided copy: row stride " + stride + " is smaller than the width " + width);
        }
    }

    @Override
    public void close() {
        module.close();
    }
}
