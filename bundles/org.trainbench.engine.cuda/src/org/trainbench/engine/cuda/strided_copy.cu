// Copies between a column range of a strided bf16 matrix and a contiguous fp32 matrix, for the paths that hand
// slices of the fused q|k|v activations to fp32 code (the reference attention). Compiled by NVRTC (StridedCopy.java);
// its one include is put in place by KernelSource. bf16 is 16-bit storage, rounded to nearest even (NaN kept NaN) as llama_kernels.cu's conversion.

#include "trainbench_common.cuh"

extern "C" {

// dst (rows, width) fp32 contiguous = src[r * srcStride + j], j < width, bf16.
__global__ void strided_bf16_to_f32(float* __restrict__ dst, const unsigned short* __restrict__ src, int srcStride, int rows,
                                    int width) {
    long long total = (long long) rows * width;
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long) gridDim.x * blockDim.x) {
        long long r = i / width;
        int j = (int) (i - r * width);
        dst[i] = bf16_to_float(src[r * srcStride + j]);
    }
}

// dst[r * dstStride + j] (bf16) = src (rows, width) fp32 contiguous, rounded.
__global__ void strided_f32_to_bf16(unsigned short* __restrict__ dst, int dstStride, const float* __restrict__ src, int rows,
                                    int width) {
    long long total = (long long) rows * width;
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long) gridDim.x * blockDim.x) {
        long long r = i / width;
        int j = (int) (i - r * width);
        dst[r * dstStride + j] = float_to_bf16(src[i]);
    }
}

}
