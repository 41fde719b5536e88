// Trainbench's kernels for bf16 mixed-precision training (MixedPrecisionKernels.java loads this file from the bundle
// and compiles it with NVRTC; its one include is put in place by KernelSource).
//
// The scheme is Fast-LLM's: fp32 master weights and residual stream, bf16 activations and weight copies feeding
// cuBLAS bf16 GEMMs that accumulate in fp32, fp32 reductions (norm, softmax, loss) and fp32 gradient accumulation.
// Every kernel mirrors one CPU method of the engine (org.trainbench.engine.model) computed in fp32 on the values the
// bf16 inputs hold; only the values stored as bf16 are rounded, once, to nearest even (NaN stays NaN).
//
// bf16 is carried as unsigned short bits. 16-byte accesses (8 bf16, 4 floats) are used where the Java side has
// checked that every pointer and row start involved is 16-byte aligned; it passes that as the `vec` argument or picks
// the vectorized kernel. Shapes as in the engine: N rows (tokens), C hidden width, F MLP width, V vocabulary.
// Sizes that can pass 2^31 elements are long long.

#include "trainbench_common.cuh"

// 8 bf16 in 16 bytes, element 0 in the low half of .x (little-endian memory order).
__device__ __forceinline__ void unpack8(uint4 v, float* f) {
    f[0] = __uint_as_float(v.x << 16); f[1] = __uint_as_float(v.x & 0xffff0000u);
    f[2] = __uint_as_float(v.y << 16); f[3] = __uint_as_float(v.y & 0xffff0000u);
    f[4] = __uint_as_float(v.z << 16); f[5] = __uint_as_float(v.z & 0xffff0000u);
    f[6] = __uint_as_float(v.w << 16); f[7] = __uint_as_float(v.w & 0xffff0000u);
}

__device__ __forceinline__ unsigned int pack2(float lo, float hi) {
    return (unsigned int) float_to_bf16(lo) | ((unsigned int) float_to_bf16(hi) << 16);
}

__device__ __forceinline__ uint4 pack8(const float* f) {
    return make_uint4(pack2(f[0], f[1]), pack2(f[2], f[3]), pack2(f[4], f[5]), pack2(f[6], f[7]));
}

// 8 floats from two 16-byte loads at p[0..7] (p 16-byte aligned).
__device__ __forceinline__ void load8(const float* p, float* f) {
    float4 a = reinterpret_cast<const float4*>(p)[0];
    float4 b = reinterpret_cast<const float4*>(p)[1];
    f[0] = a.x; f[1] = a.y; f[2] = a.z; f[3] = a.w; f[4] = b.x; f[5] = b.y; f[6] = b.z; f[7] = b.w;
}

__device__ __forceinline__ void store8(float* p, const float* f) {
    reinterpret_cast<float4*>(p)[0] = make_float4(f[0], f[1], f[2], f[3]);
    reinterpret_cast<float4*>(p)[1] = make_float4(f[4], f[5], f[6], f[7]);
}

// Combines two (max, sum of exp(x - max)) pairs of an online softmax.
__device__ __forceinline__ void softmax_combine(float& m, float& s, float m2, float s2) {
    if (m2 == NEG_INF) return;
    if (m == NEG_INF) { m = m2; s = s2; return; }
    float mx = fmaxf(m, m2);
    s = s * expf(m - mx) + s2 * expf(m2 - mx);
    m = mx;
}

extern "C" {

// ---------------------------------------------------------------- RMSNorm (model/RmsNorm.java)
// out (N, C) bf16 = bf16((x * rstd) * weight); rstd (N) = 1 / sqrt(mean(x^2) + eps) in fp32 as the CPU computes it
// (mean in float, 1 / sqrt in double, rounded once). x (N, C) and weight (C) fp32. One block per row; x is read twice
// (the second time from cache). vec: C % 8 == 0 and out, x, weight 16-byte aligned.
__global__ void rmsnorm_forward_bf16(unsigned short* __restrict__ out, float* __restrict__ rstd, const float* __restrict__ x,
                                     const float* __restrict__ weight, int n, int c, float eps, int vec) {
    __shared__ float scratch[WARP];
    int row = blockIdx.x;
    const float* xr = x + (long long) row * c;
    unsigned short* outr = out + (long long) row * c;
    float ss = 0.f;
    if (vec) {
        for (int i = threadIdx.x; i < c / 8; i += blockDim.x) {
            float v[8];
            load8(xr + 8 * i, v);
#pragma unroll
            for (int k = 0; k < 8; k++) ss += v[k] * v[k];
        }
    } else {
        for (int i = threadIdx.x; i < c; i += blockDim.x) ss += xr[i] * xr[i];
    }
    ss = block_sum(ss, scratch);
    float r = (float) (1.0 / sqrt((double) (ss / (float) c + eps)));
    if (threadIdx.x == 0) rstd[row] = r;
    if (vec) {
        for (int i = threadIdx.x; i < c / 8; i += blockDim.x) {
            float v[8], w[8];
            load8(xr + 8 * i, v);
            load8(weight + 8 * i, w);
#pragma unroll
            for (int k = 0; k < 8; k++) v[k] = (v[k] * r) * w[k];
            reinterpret_cast<uint4*>(outr)[i] = pack8(v);
        }
    } else {
        for (int i = threadIdx.x; i < c; i += blockDim.x) outr[i] = float_to_bf16((xr[i] * r) * weight[i]);
    }
}

// Backward, rows that fit in registers (C % 8 == 0, C <= 8 * NORM_GROUPS * blockDim, every pointer 16-byte aligned):
// for the rows [blockIdx.x * rowsPerChunk, ...), dx (N, C) fp32 += rstd * (dout * w) - x * rstd^3 / C * sum(dout * w * x)
// and partial (chunks, C) = that chunk's column sums of dout * x * rstd, which rmsnorm_weight_sums then adds into
// dweight in chunk order (deterministic, no atomics). dout (N, C) bf16; x (N, C), weight (C), rstd (N) fp32.
// Each thread owns NORM_GROUPS groups of 8 columns, its weights and partial sums staying in registers (about 110
// registers: blocks of at most NORM_FUSED_MAX_BLOCK threads, so C <= 8192 takes this path).
#define NORM_GROUPS 2
#define NORM_FUSED_MAX_BLOCK 512

__global__ void __launch_bounds__(NORM_FUSED_MAX_BLOCK) rmsnorm_backward_fused_bf16(float* __restrict__ dx, float* __restrict__ partial,
                                            const unsigned short* __restrict__ dout, const float* __restrict__ x,
                                            const float* __restrict__ weight, const float* __restrict__ rstd, int n, int c,
                                            int rowsPerChunk) {
    __shared__ float scratch[WARP];
    int c8 = c / 8;
    float w[NORM_GROUPS][8], acc[NORM_GROUPS][8];
#pragma unroll
    for (int e = 0; e < NORM_GROUPS; e++) {
        int i = threadIdx.x + e * blockDim.x;
#pragma unroll
        for (int k = 0; k < 8; k++) { acc[e][k] = 0.f; w[e][k] = 0.f; }
        if (i < c8) load8(weight + 8 * i, w[e]);
    }
    int start = blockIdx.x * rowsPerChunk;
    int end = min(n, start + rowsPerChunk);
    for (int row = start; row < end; row++) {
        long long off = (long long) row * c;
        const uint4* d8 = reinterpret_cast<const uint4*>(dout + off);
        float dv[NORM_GROUPS][8], xv[NORM_GROUPS][8];
        float dot = 0.f;
#pragma unroll
        for (int e = 0; e < NORM_GROUPS; e++) {
            int i = threadIdx.x + e * blockDim.x;
            if (i < c8) {
                unpack8(d8[i], dv[e]);
                load8(x + off + 8 * i, xv[e]);
#pragma unroll
                for (int k = 0; k < 8; k++) dot += dv[e][k] * w[e][k] * xv[e][k];
            }
        }
        dot = block_sum(dot, scratch);
        float r = rstd[row];
        float kk = dot * r * r * r / (float) c;
#pragma unroll
        for (int e = 0; e < NORM_GROUPS; e++) {
            int i = threadIdx.x + e * blockDim.x;
            if (i < c8) {
                float old[8];
                load8(dx + off + 8 * i, old);
#pragma unroll
                for (int k = 0; k < 8; k++) {
                    old[k] += dv[e][k] * w[e][k] * r - xv[e][k] * kk;
                    acc[e][k] += dv[e][k] * xv[e][k] * r;
                }
                store8(dx + off + 8 * i, old);
            }
        }
    }
#pragma unroll
    for (int e = 0; e < NORM_GROUPS; e++) {
        int i = threadIdx.x + e * blockDim.x;
        if (i < c8) store8(partial + (long long) blockIdx.x * c + 8 * i, acc[e]);
    }
}

// Backward for any C, input part: dx (N, C) += ..., one block per row, as above.
__global__ void rmsnorm_backward_input_bf16(float* __restrict__ dx, const unsigned short* __restrict__ dout,
                                            const float* __restrict__ x, const float* __restrict__ weight,
                                            const float* __restrict__ rstd, int n, int c) {
    __shared__ float scratch[WARP];
    int row = blockIdx.x;
    long long off = (long long) row * c;
    float dot = 0.f;
    for (int i = threadIdx.x; i < c; i += blockDim.x) dot += bf16_to_float(dout[off + i]) * weight[i] * x[off + i];
    dot = block_sum(dot, scratch);
    float r = rstd[row];
    float kk = dot * r * r * r / (float) c;
    for (int i = threadIdx.x; i < c; i += blockDim.x) {
        float g = bf16_to_float(dout[off + i]) * weight[i];
        dx[off + i] += g * r - x[off + i] * kk;
    }
}

// Backward for any C, weight part: partial (chunks, C) = column sums of dout * x * rstd over the rows
// [chunk * rowsPerChunk, ...). Grid (column blocks, chunks); threads own columns, so a warp reads consecutive addresses.
__global__ void rmsnorm_backward_weight_partial_bf16(float* __restrict__ partial, const unsigned short* __restrict__ dout,
                                                     const float* __restrict__ x, const float* __restrict__ rstd, int n,
                                                     int c, int rowsPerChunk) {
    int col = blockIdx.x * blockDim.x + threadIdx.x;
    int chunk = blockIdx.y;
    if (col >= c) return;
    int start = chunk * rowsPerChunk;
    int end = min(n, start + rowsPerChunk);
    float sum = 0.f;
    for (int row = start; row < end; row++) {
        long long i = (long long) row * c + col;
        sum += bf16_to_float(dout[i]) * x[i] * rstd[row];
    }
    partial[(long long) chunk * c + col] = sum;
}

// dweight (C) += the sum over chunks of partial (chunks, C), chunks in order.
__global__ void rmsnorm_weight_sums(float* __restrict__ dweight, const float* __restrict__ partial, int chunks, int c) {
    int col = blockIdx.x * blockDim.x + threadIdx.x;
    if (col >= c) return;
    float s = 0.f;
    for (int k = 0; k < chunks; k++) s += partial[(long long) k * c + col];
    dweight[col] += s;
}

// ---------------------------------------------------------------- Rotary embedding (model/RotaryEmbedding.java)
// In place on bf16 heads inside rows of rowStride elements: x points at the first column of the first head (a column
// range of a fused q|k|v buffer), head h of row r at x + r * rowStride + h * D. Rotate-half layout: element i pairs
// with i + D/2, y1 = x1 cos - x2 s, y2 = x2 cos + x1 s, s = direction * sin (+1 forward, -1 backward). cos, sin
// (tablePositions, D/2) fp32 from llama_kernels.cu's rotary_table. The products and sums are the _rn intrinsics,
// never fused into FMAs, so the fp32 result is the CPU's operation for operation before the one rounding to bf16.
// A position outside 0 .. tablePositions-1 gives NaN (a visible error, never a read past the table).
__device__ __forceinline__ void rotate_pair(float x1, float x2, float c, float s, float& y1, float& y2) {
    y1 = __fsub_rn(__fmul_rn(x1, c), __fmul_rn(x2, s));
    y2 = __fadd_rn(__fmul_rn(x2, c), __fmul_rn(x1, s));
}

// One thread per pair.
__global__ void rotary_rotate_bf16(unsigned short* __restrict__ x, const int* __restrict__ positions,
                                   const float* __restrict__ cosTable, const float* __restrict__ sinTable, int n, int heads,
                                   int headDim, int rowStride, int tablePositions, float direction) {
    int half = headDim / 2;
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long) n * heads * half) return;
    int i = (int) (idx % half);
    long long rowHead = idx / half;
    int h = (int) (rowHead % heads);
    long long row = rowHead / heads;
    unsigned short* head = x + row * rowStride + (long long) h * headDim;
    int position = positions[row];
    float y1 = QUIET_NAN, y2 = QUIET_NAN;
    if (position >= 0 && position < tablePositions) {
        long long p = (long long) position * half + i;
        rotate_pair(bf16_to_float(head[i]), bf16_to_float(head[half + i]), cosTable[p], __fmul_rn(sinTable[p], direction), y1, y2);
    }
    head[i] = float_to_bf16(y1);
    head[half + i] = float_to_bf16(y2);
}

// The same with 8 pairs per thread and 16-byte accesses: D/2 % 8 == 0, x 16-byte aligned, rowStride % 8 == 0.
__global__ void rotary_rotate_bf16_x8(unsigned short* __restrict__ x, const int* __restrict__ positions,
                                      const float* __restrict__ cosTable, const float* __restrict__ sinTable, int n,
                                      int heads, int headDim, int rowStride, int tablePositions, float direction) {
    int half = headDim / 2;
    int groups = half / 8;
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long) n * heads * groups) return;
    int i = (int) (idx % groups) * 8;
    long long rowHead = idx / groups;
    int h = (int) (rowHead % heads);
    long long row = rowHead / heads;
    unsigned short* head = x + row * rowStride + (long long) h * headDim;
    uint4* first = reinterpret_cast<uint4*>(head + i);
    uint4* second = reinterpret_cast<uint4*>(head + half + i);
    int position = positions[row];
    float y1[8], y2[8];
    if (position >= 0 && position < tablePositions) {
        float x1[8], x2[8], c[8], s[8];
        unpack8(*first, x1);
        unpack8(*second, x2);
        long long p = (long long) position * half + i;
        load8(cosTable + p, c);
        load8(sinTable + p, s);
#pragma unroll
        for (int k = 0; k < 8; k++) rotate_pair(x1[k], x2[k], c[k], __fmul_rn(s[k], direction), y1[k], y2[k]);
    } else {
#pragma unroll
        for (int k = 0; k < 8; k++) { y1[k] = QUIET_NAN; y2[k] = QUIET_NAN; }
    }
    *first = pack8(y1);
    *second = pack8(y2);
}

// ---------------------------------------------------------------- SwiGLU (model/Silu.java, gated)
// gu (N, 2F) bf16 holds gate in columns [0, F) and up in [F, 2F); h (N, F) bf16 contiguous.
// h = bf16(silu(gate) * up), silu(g) = g / (1 + exp(-g)), in fp32. vec: F % 8 == 0, h and gu 16-byte aligned.
__global__ void swiglu_forward_bf16(unsigned short* __restrict__ h, const unsigned short* __restrict__ gu, int n, int f,
                                    int vec) {
    long long stride = (long long) gridDim.x * blockDim.x;
    long long first = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (vec) {
        int f8 = f / 8;
        for (long long idx = first; idx < (long long) n * f8; idx += stride) {
            long long row = idx / f8;
            int j = (int) (idx % f8) * 8;
            const unsigned short* gr = gu + row * 2 * f;
            float g[8], u[8];
            unpack8(*reinterpret_cast<const uint4*>(gr + j), g);
            unpack8(*reinterpret_cast<const uint4*>(gr + f + j), u);
#pragma unroll
            for (int k = 0; k < 8; k++) g[k] = g[k] / (1.f + expf(-g[k])) * u[k];
            *reinterpret_cast<uint4*>(h + row * f + j) = pack8(g);
        }
    } else {
        for (long long idx = first; idx < (long long) n * f; idx += stride) {
            long long row = idx / f;
            int j = (int) (idx % f);
            float g = bf16_to_float(gu[row * 2 * f + j]);
            float u = bf16_to_float(gu[row * 2 * f + f + j]);
            h[idx] = float_to_bf16(g / (1.f + expf(-g)) * u);
        }
    }
}

// dgate = dh * up * silu'(gate), dup = dh * silu(gate), silu'(g) = sig(g) (1 + g (1 - sig(g))), in fp32; both written
// (overwritten) into dgu (N, 2F) bf16 in gu's layout. dh (N, F) bf16. vec as for the forward, with dgu aligned too.
__device__ __forceinline__ void swiglu_backward_one(float d, float g, float u, float& dg, float& du) {
    float sig = 1.f / (1.f + expf(-g));
    float derivative = sig * (1.f + g * (1.f - sig));
    dg = d * u * derivative;
    du = d * (g * sig);
}

__global__ void swiglu_backward_bf16(unsigned short* __restrict__ dgu, const unsigned short* __restrict__ dh,
                                     const unsigned short* __restrict__ gu, int n, int f, int vec) {
    long long stride = (long long) gridDim.x * blockDim.x;
    long long first = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (vec) {
        int f8 = f / 8;
        for (long long idx = first; idx < (long long) n * f8; idx += stride) {
            long long row = idx / f8;
            int j = (int) (idx % f8) * 8;
            long long at = row * 2 * f + j;
            float d[8], g[8], u[8], dg[8], du[8];
            unpack8(*reinterpret_cast<const uint4*>(dh + row * f + j), d);
            unpack8(*reinterpret_cast<const uint4*>(gu + at), g);
            unpack8(*reinterpret_cast<const uint4*>(gu + at + f), u);
#pragma unroll
            for (int k = 0; k < 8; k++) swiglu_backward_one(d[k], g[k], u[k], dg[k], du[k]);
            *reinterpret_cast<uint4*>(dgu + at) = pack8(dg);
            *reinterpret_cast<uint4*>(dgu + at + f) = pack8(du);
        }
    } else {
        for (long long idx = first; idx < (long long) n * f; idx += stride) {
            long long row = idx / f;
            int j = (int) (idx % f);
            long long at = row * 2 * f + j;
            float dg, du;
            swiglu_backward_one(bf16_to_float(dh[idx]), bf16_to_float(gu[at]), bf16_to_float(gu[at + f]), dg, du);
            dgu[at] = float_to_bf16(dg);
            dgu[at + f] = float_to_bf16(du);
        }
    }
}

// ---------------------------------------------------------------- Softmax cross-entropy (model/LanguageModelHead.java)
// One block per row of logits (rows, V) fp32, which are only read. loss (rows) fp32 = lse - logit[target] with the
// softmax in fp32 (online max and sum of exp(x - max)). dlogits (rows, V) bf16, unless null (evaluation), =
// bf16(gradScale * (softmax - onehot(target))). A negative target is not counted: loss 0 and a zero gradient row.
// A target >= V gives a NaN loss and gradient row (the CPU head throws). vec: V % 8 == 0, logits and dlogits 16-byte
// aligned; then each thread takes 8 logits at a time and folds their max into its running (max, sum) once.
__global__ void cross_entropy_bf16(const float* __restrict__ logits, unsigned short* __restrict__ dlogits,
                                   float* __restrict__ loss, const int* __restrict__ targets, int rows, int vocab,
                                   float gradScale, int vec) {
    __shared__ float maxes[WARP];
    __shared__ float sums[WARP];
    int row = blockIdx.x;
    const float* lr = logits + (long long) row * vocab;
    unsigned short* dr = dlogits == nullptr ? nullptr : dlogits + (long long) row * vocab;
    int target = targets[row];
    if (target < 0 || target >= vocab) {
        float value = target < 0 ? 0.f : QUIET_NAN;
        if (threadIdx.x == 0) loss[row] = value;
        if (dr != nullptr) {
            unsigned short bits = float_to_bf16(value);
            for (int i = threadIdx.x; i < vocab; i += blockDim.x) dr[i] = bits;
        }
        return;
    }
    float m = NEG_INF, s = 0.f;
    if (vec) {
        for (int i = threadIdx.x; i < vocab / 8; i += blockDim.x) {
            float v[8];
            load8(lr + 8 * i, v);
            float m8 = v[0];
#pragma unroll
            for (int k = 1; k < 8; k++) m8 = fmaxf(m8, v[k]);
            if (m8 == NEG_INF) continue;  // all -inf: nothing to add
            if (m8 > m) {
                s = m == NEG_INF ? 0.f : s * expf(m - m8);
                m = m8;
            }
#pragma unroll
            for (int k = 0; k < 8; k++) s += expf(v[k] - m);
        }
    } else {
        for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
            float v = lr[i];
            if (v == NEG_INF) continue;
            if (v > m) {
                s = (m == NEG_INF ? 0.f : s * expf(m - v)) + 1.f;
                m = v;
            } else {
                s += expf(v - m);
            }
        }
    }
    for (int o = WARP / 2; o > 0; o >>= 1) {
        float m2 = __shfl_xor_sync(0xffffffffu, m, o);
        float s2 = __shfl_xor_sync(0xffffffffu, s, o);
        softmax_combine(m, s, m2, s2);
    }
    int lane = threadIdx.x & (WARP - 1);
    int warp = threadIdx.x / WARP;
    if (lane == 0) { maxes[warp] = m; sums[warp] = s; }
    __syncthreads();
    if (warp == 0) {
        int warps = blockDim.x / WARP;
        m = lane < warps ? maxes[lane] : NEG_INF;
        s = lane < warps ? sums[lane] : 0.f;
        for (int o = WARP / 2; o > 0; o >>= 1) {
            float m2 = __shfl_xor_sync(0xffffffffu, m, o);
            float s2 = __shfl_xor_sync(0xffffffffu, s, o);
            softmax_combine(m, s, m2, s2);
        }
        if (lane == 0) { maxes[0] = m; sums[0] = s; }
    }
    __syncthreads();
    float lse = maxes[0] + logf(sums[0]);
    if (threadIdx.x == 0) loss[row] = lse - lr[target];
    if (dr == nullptr) return;
    if (vec) {
        for (int i = threadIdx.x; i < vocab / 8; i += blockDim.x) {
            float v[8];
            load8(lr + 8 * i, v);
#pragma unroll
            for (int k = 0; k < 8; k++) {
                float g = expf(v[k] - lse) * gradScale;
                v[k] = 8 * i + k == target ? g - gradScale : g;
            }
            reinterpret_cast<uint4*>(dr)[i] = pack8(v);
        }
    } else {
        for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
            float g = expf(lr[i] - lse) * gradScale;
            dr[i] = float_to_bf16(i == target ? g - gradScale : g);
        }
    }
}

// ---------------------------------------------------------------- Casts
// dst (len) bf16 = round-to-nearest-even(src (len) fp32). vec: both 16-byte aligned (8 elements per access, then
// the tail one by one).
__global__ void cast_f32_to_bf16(unsigned short* __restrict__ dst, const float* __restrict__ src, long long len, int vec) {
    long long stride = (long long) gridDim.x * blockDim.x;
    long long first = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    long long done = 0;
    if (vec) {
        long long len8 = len / 8;
        for (long long i = first; i < len8; i += stride) {
            float v[8];
            load8(src + 8 * i, v);
            reinterpret_cast<uint4*>(dst)[i] = pack8(v);
        }
        done = len8 * 8;
    }
    for (long long i = done + first; i < len; i += stride) dst[i] = float_to_bf16(src[i]);
}

// dst (len) fp32 = src (len) bf16, exactly.
__global__ void cast_bf16_to_f32(float* __restrict__ dst, const unsigned short* __restrict__ src, long long len, int vec) {
    long long stride = (long long) gridDim.x * blockDim.x;
    long long first = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    long long done = 0;
    if (vec) {
        long long len8 = len / 8;
        for (long long i = first; i < len8; i += stride) {
            float v[8];
            unpack8(reinterpret_cast<const uint4*>(src)[i], v);
            store8(dst + 8 * i, v);
        }
        done = len8 * 8;
    }
    for (long long i = done + first; i < len; i += stride) dst[i] = bf16_to_float(src[i]);
}

}  // extern "C"
