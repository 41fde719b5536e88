// Device helpers shared by Trainbench's CUDA C sources. NVRTC runs without an include path: KernelSource.read puts this
// file in place of the sources' one include line before compiling (nvcc finds it beside the sources, so the files also
// compile as they are for resource reports). Header guard for sources compiled together.
#ifndef TRAINBENCH_COMMON_CUH
#define TRAINBENCH_COMMON_CUH

#define WARP 32
// No headers under NVRTC, so no INFINITY or NAN macros: their bits.
#define NEG_INF (__int_as_float(0xff800000))
#define QUIET_NAN (__int_as_float(0x7fc00000))

// bf16 is carried as unsigned short bits.
__device__ __forceinline__ float bf16_to_float(unsigned short b) {
    return __uint_as_float(((unsigned int) b) << 16);
}

// Round to nearest even, as the host's Bf16.fromFloat; NaN stays NaN.
__device__ __forceinline__ unsigned short float_to_bf16(float f) {
    unsigned int bits = __float_as_uint(f);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (unsigned short) ((bits >> 16) | 0x40);
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return (unsigned short) (bits >> 16);
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = WARP / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// Sum over the block (blockDim.x a multiple of 32, at most 1024), returned to every thread.
// scratch: 32 floats of shared memory; the leading barrier lets callers reuse it back to back.
__device__ float block_sum(float v, float* scratch) {
    int lane = threadIdx.x & (WARP - 1);
    int warp = threadIdx.x / WARP;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < (int) (blockDim.x / WARP) ? scratch[lane] : 0.f;
        v = warp_sum(v);
        if (lane == 0) scratch[0] = v;
    }
    __syncthreads();
    return scratch[0];
}

#endif
