// Trainbench's CUDA kernels for a Llama training step, beside GEMM (cuBLAS). Compiled at run time by NVRTC
// (LlamaKernels.java loads this file from the bundle); the one include is put in place by KernelSource.
//
// Every kernel mirrors one method of the CPU engine (org.trainbench.engine.model / train.optim), with the same
// operation order where it matters for rounding, so the GPU result agrees with the CPU one to fp32 rounding.
// Shapes are written as in the engine: N rows (tokens), C hidden width, F MLP width, V vocabulary.
// Sizes that can pass 2^31 elements are long long.

#include "trainbench_common.cuh"

__device__ __forceinline__ double warp_sum_double(double v) {
    for (int o = WARP / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
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

// ---------------------------------------------------------------- Token embedding (model/TokenEmbedding.java)
// out (N, C) = weight[tokens[n]]; a token id outside 0..V-1 gives a row of NaN (a visible error, never a stray read).
// One block per row, float4 copies when C is a multiple of 4.
__global__ void embedding_forward(float* __restrict__ out, const int* __restrict__ tokens, const float* __restrict__ weight,
                                  int n, int c, int vocab) {
    int row = blockIdx.x;
    int token = tokens[row];
    bool valid = token >= 0 && token < vocab;
    float nan = __int_as_float(0x7fc00000);
    float* o = out + (long long) row * c;
    const float* w = weight + (long long) (valid ? token : 0) * c;
    if ((c & 3) == 0) {
        const float4* w4 = reinterpret_cast<const float4*>(w);
        float4* o4 = reinterpret_cast<float4*>(o);
        for (int i = threadIdx.x; i < c / 4; i += blockDim.x) o4[i] = valid ? w4[i] : make_float4(nan, nan, nan, nan);
    } else {
        for (int i = threadIdx.x; i < c; i += blockDim.x) o[i] = valid ? w[i] : nan;
    }
}

// dweight[token] += dout rows of that token, rows in increasing order, one (token, column) per thread: the CPU's
// order of additions exactly, without atomics. rows (N) lists row indices grouped by token (stably sorted);
// segment s covers rows[segmentStart[s] .. segmentStart[s + 1]) of token segmentToken[s]. Grid: (column blocks, Y),
// each block row taking segments blockIdx.y, blockIdx.y + Y, ... (one block per segment would be mostly scheduling).
__global__ void embedding_backward(float* __restrict__ dweight, const float* __restrict__ dout, const int* __restrict__ rows,
                                   const int* __restrict__ segmentStart, const int* __restrict__ segmentToken, int c,
                                   int segments) {
    int col = blockIdx.x * blockDim.x + threadIdx.x;
    if (col >= c) return;
    for (int segment = blockIdx.y; segment < segments; segment += gridDim.y) {
        float* w = dweight + (long long) segmentToken[segment] * c + col;
        float acc = *w;
        for (int k = segmentStart[segment]; k < segmentStart[segment + 1]; k++) acc += dout[(long long) rows[k] * c + col];
        *w = acc;
    }
}

// ---------------------------------------------------------------- RMSNorm (model/RmsNorm.java)
// out (N, C) = (x * rstd) * weight, rstd (N) = 1 / sqrt(mean(x^2) + eps). One block per row.
__global__ void rmsnorm_forward(float* __restrict__ out, float* __restrict__ rstd, const float* __restrict__ x,
                                const float* __restrict__ weight, int n, int c, float eps) {
    __shared__ float scratch[WARP];
    int row = blockIdx.x;
    const float* xr = x + (long long) row * c;
    float* outr = out + (long long) row * c;
    float ss = 0.f;
    bool vec = (c & 3) == 0;
    if (vec) {
        const float4* x4 = reinterpret_cast<const float4*>(xr);
        for (int i = threadIdx.x; i < c / 4; i += blockDim.x) {
            float4 v = x4[i];
            ss += v.x * v.x + v.y * v.y + v.z * v.z + v.w * v.w;
        }
    } else {
        for (int i = threadIdx.x; i < c; i += blockDim.x) ss += xr[i] * xr[i];
    }
    ss = block_sum(ss, scratch);
    // As the CPU: mean in float, then 1 / sqrt in double, rounded once to float.
    float r = (float) (1.0 / sqrt((double) (ss / (float) c + eps)));
    if (threadIdx.x == 0) rstd[row] = r;
    if (vec) {
        const float4* x4 = reinterpret_cast<const float4*>(xr);
        const float4* w4 = reinterpret_cast<const float4*>(weight);
        float4* o4 = reinterpret_cast<float4*>(outr);
        for (int i = threadIdx.x; i < c / 4; i += blockDim.x) {
            float4 v = x4[i];
            float4 w = w4[i];
            o4[i] = make_float4((v.x * r) * w.x, (v.y * r) * w.y, (v.z * r) * w.z, (v.w * r) * w.w);
        }
    } else {
        for (int i = threadIdx.x; i < c; i += blockDim.x) outr[i] = (xr[i] * r) * weight[i];
    }
}

// dx (N, C) += rstd * (dout * w) - x * rstd^3 / C * sum(dout * w * x). One block per row; accumulates like the CPU.
__global__ void rmsnorm_backward_input(float* __restrict__ dx, const float* __restrict__ dout, const float* __restrict__ x,
                                       const float* __restrict__ weight, const float* __restrict__ rstd, int n, int c) {
    __shared__ float scratch[WARP];
    int row = blockIdx.x;
    long long off = (long long) row * c;
    float dot = 0.f;
    for (int i = threadIdx.x; i < c; i += blockDim.x) dot += dout[off + i] * weight[i] * x[off + i];
    dot = block_sum(dot, scratch);
    float r = rstd[row];
    float k = dot * r * r * r / (float) c;
    for (int i = threadIdx.x; i < c; i += blockDim.x) {
        float g = dout[off + i] * weight[i];
        dx[off + i] += g * r - x[off + i] * k;
    }
}

// partial (chunks, C): column sums of dout * x * rstd over rows [chunk * rowsPerChunk, ...). Threads own columns,
// so a warp reads consecutive addresses; the two passes (this and the reduce) make dweight deterministic.
__global__ void rmsnorm_backward_weight_partial(float* __restrict__ partial, const float* __restrict__ dout,
                                                const float* __restrict__ x, const float* __restrict__ rstd,
                                                int n, int c, int rowsPerChunk) {
    int col = blockIdx.x * blockDim.x + threadIdx.x;
    int chunk = blockIdx.y;
    if (col >= c) return;
    int start = chunk * rowsPerChunk;
    int end = min(n, start + rowsPerChunk);
    float sum = 0.f;
    for (int row = start; row < end; row++) {
        long long i = (long long) row * c + col;
        sum += dout[i] * x[i] * rstd[row];
    }
    partial[(long long) chunk * c + col] = sum;
}

// dweight (C) += sum over chunks of partial (chunks, C), chunks in order.
__global__ void column_sums_accumulate(float* __restrict__ sums, const float* __restrict__ partial, int chunks, int c) {
    int col = blockIdx.x * blockDim.x + threadIdx.x;
    if (col >= c) return;
    float s = 0.f;
    for (int k = 0; k < chunks; k++) s += partial[(long long) k * c + col];
    sums[col] += s;
}

// The same two operations for rows that fit in registers (C a multiple of 4, C <= 4 * blockDim * NORM_MAX_VEC):
// each thread keeps its float4s of the row, so x is read from memory once in forward, and backward makes the
// weight-gradient partial sums of a chunk of rows in registers instead of re-reading dout and x in another kernel.
// 4 float4 per thread keeps backward near 80 registers (3 blocks of 256 per multiprocessor); wider rows take wider
// blocks (LlamaKernels.normBlock).
#define NORM_MAX_VEC 4

__global__ void rmsnorm_forward_cached(float* __restrict__ out, float* __restrict__ rstd, const float* __restrict__ x,
                                       const float* __restrict__ weight, int n, int c, float eps) {
    __shared__ float scratch[WARP];
    int row = blockIdx.x;
    int c4 = c / 4;
    const float4* x4 = reinterpret_cast<const float4*>(x + (long long) row * c);
    float4 v[NORM_MAX_VEC];
    float ss = 0.f;
#pragma unroll
    for (int e = 0; e < NORM_MAX_VEC; e++) {
        int i = threadIdx.x + e * blockDim.x;
        if (i < c4) {
            v[e] = x4[i];
            ss += v[e].x * v[e].x + v[e].y * v[e].y + v[e].z * v[e].z + v[e].w * v[e].w;
        }
    }
    ss = block_sum(ss, scratch);
    float r = (float) (1.0 / sqrt((double) (ss / (float) c + eps)));
    if (threadIdx.x == 0) rstd[row] = r;
    const float4* w4 = reinterpret_cast<const float4*>(weight);
    float4* o4 = reinterpret_cast<float4*>(out + (long long) row * c);
#pragma unroll
    for (int e = 0; e < NORM_MAX_VEC; e++) {
        int i = threadIdx.x + e * blockDim.x;
        if (i < c4) {
            float4 w = w4[i];
            o4[i] = make_float4((v[e].x * r) * w.x, (v[e].y * r) * w.y, (v[e].z * r) * w.z, (v[e].w * r) * w.w);
        }
    }
}

// dx (N, C) += ... for rows [blockIdx.x * rowsPerChunk, ...), and partial (chunks, C) = that chunk's column sums of
// dout * x * rstd; column_sums_accumulate then adds the chunks into dweight in order.
__global__ void rmsnorm_backward_fused(float* __restrict__ dx, float* __restrict__ partial, const float* __restrict__ dout,
                                       const float* __restrict__ x, const float* __restrict__ weight,
                                       const float* __restrict__ rstd, int n, int c, int rowsPerChunk) {
    __shared__ float scratch[WARP];
    int c4 = c / 4;
    const float4* w4 = reinterpret_cast<const float4*>(weight);
    float4 acc[NORM_MAX_VEC];
#pragma unroll
    for (int e = 0; e < NORM_MAX_VEC; e++) acc[e] = make_float4(0.f, 0.f, 0.f, 0.f);
    int start = blockIdx.x * rowsPerChunk;
    int end = min(n, start + rowsPerChunk);
    for (int row = start; row < end; row++) {
        const float4* d4 = reinterpret_cast<const float4*>(dout + (long long) row * c);
        const float4* x4 = reinterpret_cast<const float4*>(x + (long long) row * c);
        float4* dx4 = reinterpret_cast<float4*>(dx + (long long) row * c);
        float4 dv[NORM_MAX_VEC], xv[NORM_MAX_VEC];
        float dot = 0.f;
#pragma unroll
        for (int e = 0; e < NORM_MAX_VEC; e++) {
            int i = threadIdx.x + e * blockDim.x;
            if (i < c4) {
                dv[e] = d4[i];
                xv[e] = x4[i];
                float4 w = w4[i];
                dot += dv[e].x * w.x * xv[e].x + dv[e].y * w.y * xv[e].y + dv[e].z * w.z * xv[e].z + dv[e].w * w.w * xv[e].w;
            }
        }
        dot = block_sum(dot, scratch);
        float r = rstd[row];
        float k = dot * r * r * r / (float) c;
#pragma unroll
        for (int e = 0; e < NORM_MAX_VEC; e++) {
            int i = threadIdx.x + e * blockDim.x;
            if (i < c4) {
                float4 w = w4[i];
                float4 old = dx4[i];
                dx4[i] = make_float4(old.x + (dv[e].x * w.x * r - xv[e].x * k), old.y + (dv[e].y * w.y * r - xv[e].y * k),
                                     old.z + (dv[e].z * w.z * r - xv[e].z * k), old.w + (dv[e].w * w.w * r - xv[e].w * k));
                acc[e].x += dv[e].x * xv[e].x * r;
                acc[e].y += dv[e].y * xv[e].y * r;
                acc[e].z += dv[e].z * xv[e].z * r;
                acc[e].w += dv[e].w * xv[e].w * r;
            }
        }
    }
    float4* p4 = reinterpret_cast<float4*>(partial + (long long) blockIdx.x * c);
#pragma unroll
    for (int e = 0; e < NORM_MAX_VEC; e++) {
        int i = threadIdx.x + e * blockDim.x;
        if (i < c4) p4[i] = acc[e];
    }
}

// ---------------------------------------------------------------- SiLU-gated MLP activation (model/Silu.java)
// h = silu(gate) * up, or silu(gate) when up is null. All (N * F) flattened.
__global__ void silu_forward(float* __restrict__ h, const float* __restrict__ gate, const float* __restrict__ up,
                             long long len) {
    long long stride = (long long) gridDim.x * blockDim.x;
    long long first = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    long long len4 = len / 4;
    const float4* g4 = reinterpret_cast<const float4*>(gate);
    const float4* u4 = reinterpret_cast<const float4*>(up);
    float4* h4 = reinterpret_cast<float4*>(h);
    for (long long i = first; i < len4; i += stride) {
        float4 g = g4[i];
        float4 s = make_float4(g.x / (1.f + expf(-g.x)), g.y / (1.f + expf(-g.y)), g.z / (1.f + expf(-g.z)),
                               g.w / (1.f + expf(-g.w)));
        if (up != nullptr) {
            float4 u = u4[i];
            s = make_float4(s.x * u.x, s.y * u.y, s.z * u.z, s.w * u.w);
        }
        h4[i] = s;
    }
    for (long long i = len4 * 4 + first; i < len; i += stride) {
        float s = gate[i] / (1.f + expf(-gate[i]));
        h[i] = up != nullptr ? s * up[i] : s;
    }
}

__device__ __forceinline__ void silu_backward_one(float d, float g, float u, bool gated, float& dg, float& du) {
    float sig = 1.f / (1.f + expf(-g));
    float derivative = sig * (1.f + g * (1.f - sig));
    if (gated) {
        dg = d * u * derivative;
        du = d * (g * sig);
    } else {
        dg = d * derivative;
    }
}

// dgate = dh * up * silu'(gate), dup = dh * silu(gate), both overwritten; ungated: dgate = dh * silu'(gate).
__global__ void silu_backward(float* __restrict__ dgate, float* __restrict__ dup, const float* __restrict__ dh,
                              const float* __restrict__ gate, const float* __restrict__ up, long long len) {
    long long stride = (long long) gridDim.x * blockDim.x;
    long long first = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    bool gated = up != nullptr;
    long long len4 = len / 4;
    for (long long i = first; i < len4; i += stride) {
        float4 d = reinterpret_cast<const float4*>(dh)[i];
        float4 g = reinterpret_cast<const float4*>(gate)[i];
        float4 u = gated ? reinterpret_cast<const float4*>(up)[i] : make_float4(0.f, 0.f, 0.f, 0.f);
        float4 dg, du;
        silu_backward_one(d.x, g.x, u.x, gated, dg.x, du.x);
        silu_backward_one(d.y, g.y, u.y, gated, dg.y, du.y);
        silu_backward_one(d.z, g.z, u.z, gated, dg.z, du.z);
        silu_backward_one(d.w, g.w, u.w, gated, dg.w, du.w);
        reinterpret_cast<float4*>(dgate)[i] = dg;
        if (gated) reinterpret_cast<float4*>(dup)[i] = du;
    }
    for (long long i = len4 * 4 + first; i < len; i += stride) {
        float dg, du;
        silu_backward_one(dh[i], gate[i], gated ? up[i] : 0.f, gated, dg, du);
        dgate[i] = dg;
        if (gated) dup[i] = du;
    }
}

// ---------------------------------------------------------------- Rotary embedding (model/RotaryEmbedding.java)
// cos, sin (positions, D/2) of float(p * invFreq[i]), as the CPU table: the angle rounded to float, cos/sin in double.
__global__ void rotary_table(float* __restrict__ cosTable, float* __restrict__ sinTable,
                             const float* __restrict__ invFreq, int positions, int half) {
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long) positions * half) return;
    int p = (int) (idx / half);
    int i = (int) (idx % half);
    float angle = (float) p * invFreq[i];
    cosTable[idx] = (float) cos((double) angle);
    sinTable[idx] = (float) sin((double) angle);
}

// x (N, heads * D) rotated in place by direction * angle (+1 forward, -1 backward), rotate-half layout:
// element i pairs with i + D/2. One thread per pair.
__global__ void rotary_rotate(float* __restrict__ x, const int* __restrict__ positions,
                              const float* __restrict__ cosTable, const float* __restrict__ sinTable,
                              int n, int heads, int headDim, float direction) {
    int half = headDim / 2;
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    long long total = (long long) n * heads * half;
    if (idx >= total) return;
    int i = (int) (idx % half);
    long long rowHead = idx / half;
    int row = (int) (rowHead / heads);
    long long off = rowHead * headDim;
    int p = positions[row] * half + i;
    float x1 = x[off + i];
    float x2 = x[off + half + i];
    float c = cosTable[p];
    float s = sinTable[p] * direction;
    x[off + i] = x1 * c - x2 * s;
    x[off + half + i] = x2 * c + x1 * s;
}

// ---------------------------------------------------------------- Softmax cross-entropy (model/LanguageModelHead.java)
// One block per row of logits (rows, V). loss[row] = lse - logit[target]; when backward != 0 the row is replaced by
// gradScale * (softmax - onehot(target)). A row whose target is negative is not counted (loss masking): loss 0 and,
// with backward, a zero gradient row. A target >= vocab gives a NaN loss (and gradient) row.
__global__ void cross_entropy(float* __restrict__ logits, float* __restrict__ loss, const int* __restrict__ targets,
                              int rows, int vocab, float gradScale, int backward) {
    __shared__ float maxes[WARP];
    __shared__ float sums[WARP];
    int row = blockIdx.x;
    float* lr = logits + (long long) row * vocab;
    int target = targets[row];
    if (target < 0) {
        if (threadIdx.x == 0) loss[row] = 0.f;
        if (backward) for (int i = threadIdx.x; i < vocab; i += blockDim.x) lr[i] = 0.f;
        return;
    }
    if (target >= vocab) {
        // Outside the vocabulary (the CPU head throws): a NaN loss and gradient row, never a read past the row.
        if (threadIdx.x == 0) loss[row] = __int_as_float(0x7fc00000);
        if (backward) for (int i = threadIdx.x; i < vocab; i += blockDim.x) lr[i] = __int_as_float(0x7fc00000);
        return;
    }
    float targetLogit = lr[target];
    float m = NEG_INF, s = 0.f;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        float v = lr[i];
        if (v > m) {
            s = (m == NEG_INF ? 0.f : s * expf(m - v)) + 1.f;
            m = v;
        } else {
            s += expf(v - m);
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
    if (threadIdx.x == 0) loss[row] = lse - targetLogit;
    if (backward) {
        for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
            float g = expf(lr[i] - lse) * gradScale;
            lr[i] = i == target ? g - gradScale : g;
        }
    }
}

// ---------------------------------------------------------------- AdamW (train/optim/AdamW.java)
// partial[block] = sum of x^2 over the block's grid-stride share, in double; the host adds the partials in order.
__global__ void sum_of_squares(double* __restrict__ partial, const float* __restrict__ x, long long len) {
    __shared__ double scratch[WARP];
    double acc = 0.0;
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < len; i += (long long) gridDim.x * blockDim.x) {
        double v = x[i];
        acc += v * v;
    }
    int lane = threadIdx.x & (WARP - 1);
    int warp = threadIdx.x / WARP;
    acc = warp_sum_double(acc);
    if (lane == 0) scratch[warp] = acc;
    __syncthreads();
    if (warp == 0) {
        acc = lane < (int) (blockDim.x / WARP) ? scratch[lane] : 0.0;
        acc = warp_sum_double(acc);
        if (lane == 0) partial[blockIdx.x] = acc;
    }
}

// One AdamW step over one tensor, operation for operation as AdamW.updateTensor (1 - beta arrives from double).
__global__ void adamw_update(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                             float* __restrict__ v, long long len, float clip, float decayFactor, float beta1,
                             float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize,
                             float biasCorrection2Sqrt, float eps) {
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < len; i += (long long) gridDim.x * blockDim.x) {
        float grad = g[i] * clip;
        float param = p[i] * decayFactor;
        float first = m[i] * beta1 + grad * oneMinusBeta1;
        float second = v[i] * beta2 + grad * grad * oneMinusBeta2;
        float denominator = sqrtf(second) / biasCorrection2Sqrt + eps;
        m[i] = first;
        v[i] = second;
        p[i] = param - first * stepSize / denominator;
    }
}

// ---------------------------------------------------------------- Attention (model/GroupedQueryAttention.java)
// Causal attention with grouped-query heads and per-document masking, straightforward (no tiling through shared
// memory; a flash-attention kernel comes later): one warp per (query row, head), each lane holding D/32 elements of
// the head, one key at a time with an online softmax. Query head h reads key/value head h / (H / G); query position i
// of a sequence sees positions docStart[i] .. i of the same sequence. q, out, dq, dout (B*T, H*D); k, v, dk, dv
// (B*T, G*D); docStart (B*T); lse, delta (B, H, T). D must be a multiple of 32, at most 32 * ATT_MAX_PER_LANE.
#define ATT_MAX_PER_LANE 8

__device__ __forceinline__ float lanes_dot(const float* a, const float* __restrict__ row, int lane, int per) {
    float s = 0.f;
#pragma unroll
    for (int e = 0; e < ATT_MAX_PER_LANE; e++) if (e < per) s += a[e] * row[lane + 32 * e];
    return warp_sum(s);
}

__global__ void attention_forward(float* __restrict__ out, float* __restrict__ lse, const float* __restrict__ q,
                                  const float* __restrict__ k, const float* __restrict__ v, const int* __restrict__ docStart,
                                  int b, int t, int heads, int groups, int d, float scale) {
    long long warpId = ((long long) blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    int lane = threadIdx.x & (WARP - 1);
    if (warpId >= (long long) b * t * heads) return;
    int h = (int) (warpId % heads);
    long long row = warpId / heads;          // seq * t + i
    int seq = (int) (row / t);
    int i = (int) (row % t);
    int g = h / (heads / groups);
    int per = d / WARP;
    int qw = heads * d, kw = groups * d;
    const float* qr = q + row * qw + (long long) h * d;
    float qv[ATT_MAX_PER_LANE], o[ATT_MAX_PER_LANE];
#pragma unroll
    for (int e = 0; e < ATT_MAX_PER_LANE; e++) { qv[e] = e < per ? qr[lane + 32 * e] : 0.f; o[e] = 0.f; }
    float m = NEG_INF, l = 0.f;
    long long seqRow = (long long) seq * t;
    for (int j = docStart[row]; j <= i; j++) {
        const float* kr = k + (seqRow + j) * kw + (long long) g * d;
        const float* vr = v + (seqRow + j) * kw + (long long) g * d;
        float s = lanes_dot(qv, kr, lane, per) * scale;
        float mNew = fmaxf(m, s);
        float correction = expf(m - mNew);  // 0 on the first key (m = -inf)
        float p = expf(s - mNew);
        l = l * correction + p;
#pragma unroll
        for (int e = 0; e < ATT_MAX_PER_LANE; e++) if (e < per) o[e] = o[e] * correction + p * vr[lane + 32 * e];
        m = mNew;
    }
    float inv = 1.f / l;
    float* orow = out + row * qw + (long long) h * d;
#pragma unroll
    for (int e = 0; e < ATT_MAX_PER_LANE; e++) if (e < per) orow[lane + 32 * e] = o[e] * inv;
    if (lane == 0) lse[((long long) seq * heads + h) * t + i] = m + logf(l);
}

// dq (overwritten) and delta = rowsum(dout * out), one warp per (query row, head):
// p = exp(q.k * scale - lse), dp = dout.v, ds = p (dp - delta) scale, dq = sum over keys of ds k.
__global__ void attention_backward_query(float* __restrict__ dq, float* __restrict__ delta, const float* __restrict__ dout,
                                         const float* __restrict__ out, const float* __restrict__ q,
                                         const float* __restrict__ k, const float* __restrict__ v,
                                         const float* __restrict__ lse, const int* __restrict__ docStart,
                                         int b, int t, int heads, int groups, int d, float scale) {
    long long warpId = ((long long) blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    int lane = threadIdx.x & (WARP - 1);
    if (warpId >= (long long) b * t * heads) return;
    int h = (int) (warpId % heads);
    long long row = warpId / heads;
    int seq = (int) (row / t);
    int i = (int) (row % t);
    int g = h / (heads / groups);
    int per = d / WARP;
    int qw = heads * d, kw = groups * d;
    long long qAt = row * qw + (long long) h * d;
    float qv[ATT_MAX_PER_LANE], dov[ATT_MAX_PER_LANE], acc[ATT_MAX_PER_LANE];
#pragma unroll
    for (int e = 0; e < ATT_MAX_PER_LANE; e++) {
        qv[e] = e < per ? q[qAt + lane + 32 * e] : 0.f;
        dov[e] = e < per ? dout[qAt + lane + 32 * e] : 0.f;
        acc[e] = 0.f;
    }
    float di = lanes_dot(dov, out + qAt, lane, per);
    long long lseAt = ((long long) seq * heads + h) * t + i;
    float rowLse = lse[lseAt];
    if (lane == 0) delta[lseAt] = di;
    long long seqRow = (long long) seq * t;
    for (int j = docStart[row]; j <= i; j++) {
        const float* kr = k + (seqRow + j) * kw + (long long) g * d;
        const float* vr = v + (seqRow + j) * kw + (long long) g * d;
        float p = expf(lanes_dot(qv, kr, lane, per) * scale - rowLse);
        float ds = p * (lanes_dot(dov, vr, lane, per) - di) * scale;
#pragma unroll
        for (int e = 0; e < ATT_MAX_PER_LANE; e++) if (e < per) acc[e] += ds * kr[lane + 32 * e];
    }
#pragma unroll
    for (int e = 0; e < ATT_MAX_PER_LANE; e++) if (e < per) dq[qAt + lane + 32 * e] = acc[e];
}

// dk, dv (overwritten), one warp per (key row, key/value head), over the query heads of its group and the queries
// that see the key (i >= j in the same document): dk = sum ds q, dv = sum p dout. No atomics: deterministic.
__global__ void attention_backward_key_value(float* __restrict__ dk, float* __restrict__ dv, const float* __restrict__ dout,
                                             const float* __restrict__ q, const float* __restrict__ k,
                                             const float* __restrict__ v, const float* __restrict__ lse,
                                             const float* __restrict__ delta, const int* __restrict__ docStart,
                                             int b, int t, int heads, int groups, int d, float scale) {
    long long warpId = ((long long) blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    int lane = threadIdx.x & (WARP - 1);
    if (warpId >= (long long) b * t * groups) return;
    int g = (int) (warpId % groups);
    long long row = warpId / groups;         // seq * t + j
    int seq = (int) (row / t);
    int j = (int) (row % t);
    int per = d / WARP;
    int qw = heads * d, kw = groups * d;
    int headsPerGroup = heads / groups;
    long long kAt = row * kw + (long long) g * d;
    float kv[ATT_MAX_PER_LANE], vv[ATT_MAX_PER_LANE], dkAcc[ATT_MAX_PER_LANE], dvAcc[ATT_MAX_PER_LANE];
#pragma unroll
    for (int e = 0; e < ATT_MAX_PER_LANE; e++) {
        kv[e] = e < per ? k[kAt + lane + 32 * e] : 0.f;
        vv[e] = e < per ? v[kAt + lane + 32 * e] : 0.f;
        dkAcc[e] = 0.f;
        dvAcc[e] = 0.f;
    }
    long long seqRow = (long long) seq * t;
    for (int h = g * headsPerGroup; h < (g + 1) * headsPerGroup; h++) {
        for (int i = j; i < t && docStart[seqRow + i] <= j; i++) {
            const float* qr = q + (seqRow + i) * qw + (long long) h * d;
            const float* dor = dout + (seqRow + i) * qw + (long long) h * d;
            long long lseAt = ((long long) seq * heads + h) * t + i;
            float p = expf(lanes_dot(kv, qr, lane, per) * scale - lse[lseAt]);
            float ds = p * (lanes_dot(vv, dor, lane, per) - delta[lseAt]) * scale;
#pragma unroll
            for (int e = 0; e < ATT_MAX_PER_LANE; e++) {
                if (e < per) {
                    dkAcc[e] += ds * qr[lane + 32 * e];
                    dvAcc[e] += p * dor[lane + 32 * e];
                }
            }
        }
    }
#pragma unroll
    for (int e = 0; e < ATT_MAX_PER_LANE; e++) {
        if (e < per) {
            dk[kAt + lane + 32 * e] = dkAcc[e];
            dv[kAt + lane + 32 * e] = dvAcc[e];
        }
    }
}

// The attention of DeviceAttention: scores of one sequence materialized by cuBLAS, G (kv heads) matrices of T x T at
// a time, all for query head h = g * (H / G) + headInGroup. These kernels turn scores into probabilities and back.
// s (G, T, T): row (g, i) holds q_i . k_j for j < T; positions outside docStart[i] .. i are masked.

__device__ float block_max(float v, float* scratch) {
    int lane = threadIdx.x & (WARP - 1);
    int warp = threadIdx.x / WARP;
    for (int o = WARP / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < (int) (blockDim.x / WARP) ? scratch[lane] : NEG_INF;
        for (int o = WARP / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
        if (lane == 0) scratch[0] = v;
    }
    __syncthreads();
    return scratch[0];
}

// In place: s -> p = softmax over the visible keys of s * scale (0 elsewhere); lse (B, H, T) written. One block per row.
__global__ void attention_scores_softmax(float* __restrict__ s, float* __restrict__ lse, const int* __restrict__ docStart,
                                         int seq, int t, int heads, int groups, int headInGroup, float scale) {
    __shared__ float scratch[WARP];
    int g = blockIdx.x / t;
    int i = blockIdx.x % t;
    int h = g * (heads / groups) + headInGroup;
    float* row = s + (long long) blockIdx.x * t;
    int from = docStart[(long long) seq * t + i];
    float m = NEG_INF;
    for (int j = from + threadIdx.x; j <= i; j += blockDim.x) m = fmaxf(m, row[j] * scale);
    m = block_max(m, scratch);
    float sum = 0.f;
    for (int j = from + threadIdx.x; j <= i; j += blockDim.x) sum += expf(row[j] * scale - m);
    sum = block_sum(sum, scratch);
    float rowLse = m + logf(sum);
    for (int j = threadIdx.x; j < t; j += blockDim.x) row[j] = j >= from && j <= i ? expf(row[j] * scale - rowLse) : 0.f;
    if (threadIdx.x == 0) lse[((long long) seq * heads + h) * t + i] = rowLse;
}

// Backward, in place: s -> p = exp(s * scale - lse) on the visible keys, 0 elsewhere (the forward's probabilities again).
__global__ void attention_scores_probabilities(float* __restrict__ s, const float* __restrict__ lse,
                                               const int* __restrict__ docStart, int seq, int t, int heads, int groups,
                                               int headInGroup, float scale) {
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long) groups * t * t) return;
    int j = (int) (idx % t);
    long long gi = idx / t;
    int g = (int) (gi / t);
    int i = (int) (gi % t);
    int h = g * (heads / groups) + headInGroup;
    int from = docStart[(long long) seq * t + i];
    s[idx] = j >= from && j <= i ? expf(s[idx] * scale - lse[((long long) seq * heads + h) * t + i]) : 0.f;
}

// dp -> ds = p (dp - delta_i) scale, in place (p is 0 on masked keys, so ds is too).
__global__ void attention_scores_gradient(float* __restrict__ dp, const float* __restrict__ p, const float* __restrict__ delta,
                                          int seq, int t, int heads, int groups, int headInGroup, float scale) {
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long) groups * t * t) return;
    long long gi = idx / t;
    int g = (int) (gi / t);
    int i = (int) (gi % t);
    int h = g * (heads / groups) + headInGroup;
    dp[idx] = p[idx] * (dp[idx] - delta[((long long) seq * heads + h) * t + i]) * scale;
}

// delta (B, H, T) = rowsum(dout * out) per (row, head); one warp each.
__global__ void attention_delta(float* __restrict__ delta, const float* __restrict__ dout, const float* __restrict__ out,
                                int b, int t, int heads, int d) {
    long long warpId = ((long long) blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    int lane = threadIdx.x & (WARP - 1);
    if (warpId >= (long long) b * t * heads) return;
    int h = (int) (warpId % heads);
    long long row = warpId / heads;
    int seq = (int) (row / t);
    int i = (int) (row % t);
    const float* a = dout + row * heads * d + (long long) h * d;
    const float* o = out + row * heads * d + (long long) h * d;
    float sum = 0.f;
    for (int e = lane; e < d; e += WARP) sum += a[e] * o[e];
    sum = warp_sum(sum);
    if (lane == 0) delta[((long long) seq * heads + h) * t + i] = sum;
}

// ---------------------------------------------------------------- Test and benchmark data
__device__ __forceinline__ unsigned int mix(unsigned long long i, unsigned int seed) {
    unsigned long long z = i * 0x9E3779B97F4A7C15ull + seed;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (unsigned int) ((z ^ (z >> 31)) >> 40);  // 24 random bits
}

// x[i] normal(0, std): Box-Muller on two 24-bit uniforms hashed from (i, seed), so a fresh model's weights are drawn
// on the GPU in one pass (the CPU draws them with SplittableRandom; the distributions agree, the values do not).
__global__ void fill_normal_f32(float* __restrict__ x, long long len, unsigned int seed, float std) {
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < len; i += (long long) gridDim.x * blockDim.x) {
        float u1 = ((float) mix(2 * i, seed) + 0.5f) * (1.0f / 16777216.0f);  // (0, 1): log is finite
        float u2 = (float) mix(2 * i + 1, seed) * (1.0f / 16777216.0f);
        x[i] = std * sqrtf(-2.f * logf(u1)) * cospif(2.f * u2);
    }
}

// x[i] uniform in [-scale, scale), a hash of (i, seed): random data without a host transfer.
__global__ void fill_uniform_f32(float* __restrict__ x, long long len, unsigned int seed, float scale) {
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < len; i += (long long) gridDim.x * blockDim.x) {
        x[i] = ((float) mix(i, seed) * (1.0f / 16777216.0f) * 2.f - 1.f) * scale;
    }
}

__global__ void fill_uniform_bf16(unsigned short* __restrict__ x, long long len, unsigned int seed, float scale) {
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < len; i += (long long) gridDim.x * blockDim.x) {
        x[i] = float_to_bf16(((float) mix(i, seed) * (1.0f / 16777216.0f) * 2.f - 1.f) * scale);
    }
}

// dst (bf16 bits) = round-to-nearest-even(src).
__global__ void convert_f32_to_bf16(unsigned short* __restrict__ dst, const float* __restrict__ src, long long len) {
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < len; i += (long long) gridDim.x * blockDim.x) {
        dst[i] = float_to_bf16(src[i]);
    }
}

}  // extern "C"
