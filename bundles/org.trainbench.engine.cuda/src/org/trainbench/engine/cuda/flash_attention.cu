// Flash attention for training: causal grouped-query attention with per-document masking, bf16 in and out, fp32
// softmax statistics, on the tensor cores (mma.sync m16n8k16 bf16 -> fp32). Compiled at run time by NVRTC
// (FlashAttention.java); no headers at all, so every primitive below is inline PTX or a CUDA builtin.
//
// Meaning as org.trainbench.engine.model.GroupedQueryAttention: query i of sequence s, head h attends to keys j of
// kv head h / (H / G) with docStart[s*T + i] <= j <= i. Shapes: q, out, dq, dout (N = B*T rows, strided, head h at
// columns h*D..); k, v, dk, dv (N rows, strided, kv head g at columns g*D..); lse, delta (B, H, T) fp32.
//
// Structure (FlashAttention-2):
// - forward, one CTA per (query tile of 128 rows, head, sequence), 8 warps of 16 query rows. Key/value tiles of 64
//   rows stream through shared memory with cp.async double buffering; S = Q K^T and O += P V on the tensor cores;
//   the online softmax keeps (max, sum) per row in fp32 registers, in the log2 domain (scores pre-multiplied by
//   scale * log2(e) so that exp is one ex2 instruction).
// - backward, three kernels and no atomics, so that a run is bit-reproducible:
//   delta = rowsum(dO * O); dQ per (query tile, head) over the key tiles it sees (recomputing P from lse);
//   dK, dV per (key tile, query head) over the query tiles that see it, accumulated in fp32 registers. With G < H the
//   per-query-head dK, dV go to an fp32 workspace and a last kernel sums the H/G heads of each group in a fixed order.
// - only tiles that hold a masked element (the causal diagonal, document starts, the ragged end of a sequence) pay for
//   the element-wise mask; tiles wholly outside [docStart of the tile's first query, its last query] are not visited.
//
// Shared memory tiles are row-major with a pitch of D + 8 elements: the 16-byte pad makes the eight row addresses of
// every ldmatrix phase fall in distinct bank groups for every D here (pitch 48, 80, 144, 272 bytes), which an XOR
// swizzle would only do for D >= 64.

#define LOG2E 1.4426950408889634f
#define NEG_INF (__int_as_float(0xff800000))

#define KEY_TILE 64        // keys per shared-memory tile (forward and dQ) and per dK/dV CTA
#define FWD_WARPS 8        // forward: 128 query rows per CTA
#define DQ_WARPS 4         // dQ: 64 query rows per CTA
#define DKV_WARPS 4        // dK/dV: 64 keys per CTA, 16 per warp

extern __shared__ __align__(16) unsigned char flash_smem[];

// ------------------------------------------------------------------------------------------------ PTX primitives

__device__ __forceinline__ unsigned smem_address(const void* p) {
    unsigned r;
    asm("{ .reg .u64 a; cvta.to.shared.u64 a, %1; cvt.u32.u64 %0, a; }" : "=r"(r) : "l"(p));
    return r;
}

// 16 bytes global -> shared, asynchronous; when !valid nothing is read and the 16 bytes are zero-filled.
__device__ __forceinline__ void cp_async16(void* dst, const void* src, bool valid) {
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;" ::"r"(smem_address(dst)), "l"(src), "r"(valid ? 16 : 0)
                 : "memory");
}

__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;" ::: "memory"); }

// Waits until at most N groups of this thread's cp.async are still in flight.
template <int N>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;" ::"n"(N) : "memory"); }

__device__ __forceinline__ void ldmatrix_x4(unsigned* r, const void* p) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(smem_address(p)) : "memory");
}

__device__ __forceinline__ void ldmatrix_x4_trans(unsigned* r, const void* p) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(smem_address(p)) : "memory");
}

// c (16x8 fp32) += a (16x16 bf16, row) * b (16x8 bf16, col). Not volatile: a pure function of registers, which the
// compiler may schedule among the shared-memory loads.
__device__ __forceinline__ void mma_bf16(float* c, const unsigned* a, unsigned b0, unsigned b1) {
    asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
                 "{%0, %1, %2, %3};"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Two floats to bf16 (round to nearest even, as Bf16.java), lo in the low half: one mma operand register.
__device__ __forceinline__ unsigned pack_bf16(float lo, float hi) {
    unsigned r;
    asm("cvt.rn.bf16x2.f32 %0, %1, %2;" : "=r"(r) : "f"(hi), "f"(lo));
    return r;
}

__device__ __forceinline__ float exp2_approx(float x) {  // 2^x; ex2(-inf) = 0
    float r;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(x));
    return r;
}

__device__ __forceinline__ float bf16_to_float(unsigned short b) { return __uint_as_float(((unsigned) b) << 16); }

// ------------------------------------------------------------------------------------------------ tile helpers

// rows x D bf16 elements from global (row r of the tile at base + (row0 + r) * stride) into a shared tile of pitch
// D + 8, by cp.async; rows at or past `limit` are zero-filled (and their address clamped to row 0, never read).
template <int D, int ROWS, int THREADS>
__device__ __forceinline__ void load_tile(unsigned short* tile, const unsigned short* base, int stride, int row0, int limit) {
    constexpr int CHUNKS = D / 8;  // 16-byte pieces per row
    for (int c = threadIdx.x; c < ROWS * CHUNKS; c += THREADS) {
        int r = c / CHUNKS;
        int col = (c % CHUNKS) * 8;
        int row = row0 + r;
        bool valid = row < limit;
        cp_async16(tile + r * (D + 8) + col, base + (long long) (valid ? row : 0) * stride + col, valid);
    }
}

// A operand (16 rows x 16 columns from `col`) of the warp's rows row0..row0+15 of a shared row-major tile.
template <int D>
__device__ __forceinline__ void load_a(unsigned* a, const unsigned short* tile, int row0, int col, int lane) {
    ldmatrix_x4(a, tile + (row0 + (lane & 15)) * (D + 8) + col + (lane >> 4) * 8);
}

// B operands of two 8-column blocks (rows n0..n0+15 of the tile are the n index, columns col..col+15 the k index):
// b[0], b[1] for n0..n0+7 and b[2], b[3] for n0+8..n0+15. Used where the tile holds B transposed (K for Q K^T).
template <int D>
__device__ __forceinline__ void load_b_rows(unsigned* b, const unsigned short* tile, int n0, int col, int lane) {
    ldmatrix_x4(b, tile + (n0 + (lane & 7) + (lane >> 4) * 8) * (D + 8) + col + ((lane >> 3) & 1) * 8);
}

// B operands where the tile's rows are the k index (k0..k0+15) and its columns the n index (n0..n0+15): V for P V.
template <int D>
__device__ __forceinline__ void load_b_cols(unsigned* b, const unsigned short* tile, int k0, int n0, int lane) {
    ldmatrix_x4_trans(b, tile + (k0 + (lane & 7) + ((lane >> 3) & 1) * 8) * (D + 8) + n0 + (lane >> 4) * 8);
}

// acc (16 x 8*NB fp32) += A (the warp's 16 rows of tileA from arow0, all D columns) * tileB^T (rows b0.. of tileB).
template <int D, int NB>
__device__ __forceinline__ void gemm_abt(float (*acc)[4], const unsigned short* tileA, int arow0, const unsigned short* tileB,
                                         int brow0, int lane) {
#pragma unroll
    for (int kk = 0; kk < D / 16; kk++) {
        unsigned a[4];
        load_a<D>(a, tileA, arow0, kk * 16, lane);
#pragma unroll
        for (int nb = 0; nb < NB; nb += 2) {
            unsigned b[4];
            load_b_rows<D>(b, tileB, brow0 + nb * 8, kk * 16, lane);
            mma_bf16(acc[nb], a, b[0], b[1]);
            mma_bf16(acc[nb + 1], a, b[2], b[3]);
        }
    }
}

// acc (16 x D fp32) += P (16 x 16*KB, bf16 fragments in registers) * tileB (rows k0.., all D columns).
// p[kb][0..3] is the A fragment of keys 16kb..16kb+15, built from the C fragments of a previous product.
template <int D, int KB>
__device__ __forceinline__ void gemm_pb(float (*acc)[4], const unsigned (*p)[4], const unsigned short* tileB, int k0, int lane) {
#pragma unroll
    for (int kb = 0; kb < KB; kb++) {
#pragma unroll
        for (int nd = 0; nd < D / 8; nd += 2) {
            unsigned b[4];
            load_b_cols<D>(b, tileB, k0 + kb * 16, nd * 8, lane);
            mma_bf16(acc[nd], p[kb], b[0], b[1]);
            mma_bf16(acc[nd + 1], p[kb], b[2], b[3]);
        }
    }
}

// The A fragments of a 16 x 8*NB product held as C fragments (fp32), rounded to bf16.
template <int NB>
__device__ __forceinline__ void to_a_fragments(unsigned (*a)[4], const float (*c)[4]) {
#pragma unroll
    for (int kb = 0; kb < NB / 2; kb++) {
        a[kb][0] = pack_bf16(c[2 * kb][0], c[2 * kb][1]);
        a[kb][1] = pack_bf16(c[2 * kb][2], c[2 * kb][3]);
        a[kb][2] = pack_bf16(c[2 * kb + 1][0], c[2 * kb + 1][1]);
        a[kb][3] = pack_bf16(c[2 * kb + 1][2], c[2 * kb + 1][3]);
    }
}

// Writes the warp's 16 x D fp32 accumulator (scaled by rowScale0 for rows 0-7, rowScale1 for rows 8-15) as bf16 into
// its own 16 rows of a shared tile, then copies those rows to global rows row0.. (< limit) with 16-byte stores.
template <int D>
__device__ __forceinline__ void store_rows_bf16(const float (*acc)[4], float rowScale0, float rowScale1, unsigned short* tile,
                                                int tileRow0, unsigned short* base, int stride, int row0, int limit, int lane) {
    int r = tileRow0 + (lane >> 2);
#pragma unroll
    for (int nd = 0; nd < D / 8; nd++) {
        int col = nd * 8 + (lane & 3) * 2;
        *reinterpret_cast<unsigned*>(tile + r * (D + 8) + col) = pack_bf16(acc[nd][0] * rowScale0, acc[nd][1] * rowScale0);
        *reinterpret_cast<unsigned*>(tile + (r + 8) * (D + 8) + col) = pack_bf16(acc[nd][2] * rowScale1, acc[nd][3] * rowScale1);
    }
    __syncwarp();
    constexpr int CHUNKS = D / 8;
    for (int c = lane; c < 16 * CHUNKS; c += 32) {
        int rr = c / CHUNKS;
        int col = (c % CHUNKS) * 8;
        int row = row0 + rr;
        if (row < limit) {
            *reinterpret_cast<uint4*>(base + (long long) row * stride + col) =
                *reinterpret_cast<const uint4*>(tile + (tileRow0 + rr) * (D + 8) + col);
        }
    }
}

// ------------------------------------------------------------------------------------------------ forward

// Grid (ceil(T / 128), B * H), FWD_WARPS * 32 threads; shared memory (128 + 4 * 64) * (D + 8) * 2 bytes.
// Query tiles are taken last first: the tiles near the end of a sequence see the most keys, and starting the long
// CTAs first keeps the last wave short.
template <int D>
__device__ __forceinline__ void flash_forward(unsigned short* __restrict__ out, int outStride, float* __restrict__ lse,
                                              const unsigned short* __restrict__ q, int qStride, const unsigned short* __restrict__ k,
                                              int kStride, const unsigned short* __restrict__ v, int vStride,
                                              const int* __restrict__ docStart, int t, int heads, int groups, float scale) {
    constexpr int BM = FWD_WARPS * 16;
    constexpr int BN = KEY_TILE;
    constexpr int P = D + 8;
    constexpr int NB = BN / 8;
    constexpr int THREADS = FWD_WARPS * 32;
    unsigned short* sQ = reinterpret_cast<unsigned short*>(flash_smem);
    unsigned short* sK = sQ + BM * P;   // [2][BN][P]
    unsigned short* sV = sK + 2 * BN * P;  // [2][BN][P]

    int tile = gridDim.x - 1 - blockIdx.x;
    int seq = blockIdx.y / heads;
    int h = blockIdx.y % heads;
    int g = h / (heads / groups);
    int warp = threadIdx.x >> 5;
    int lane = threadIdx.x & 31;
    int i0 = tile * BM;
    int iLast = min(i0 + BM, t) - 1;
    const int* ds = docStart + (long long) seq * t;
    int kLo = ds[i0];
    int loMax = ds[iLast];
    int jt0 = kLo / BN;
    int jt1 = iLast / BN;

    const unsigned short* qs = q + (long long) seq * t * qStride + h * D;
    const unsigned short* ks = k + (long long) seq * t * kStride + g * D;
    const unsigned short* vs = v + (long long) seq * t * vStride + g * D;

    load_tile<D, BM, THREADS>(sQ, qs, qStride, i0, t);
    load_tile<D, BN, THREADS>(sK, ks, kStride, jt0 * BN, t);
    load_tile<D, BN, THREADS>(sV, vs, vStride, jt0 * BN, t);
    cp_async_commit();

    // This thread's two query rows (fragment rows lane/4 and lane/4 + 8 of the warp's 16).
    int r0 = i0 + warp * 16 + (lane >> 2);
    int r1 = r0 + 8;
    int lo0 = ds[min(r0, t - 1)];
    int lo1 = ds[min(r1, t - 1)];
    float scaleLog2 = scale * LOG2E;

    float o[D / 8][4];
#pragma unroll
    for (int nd = 0; nd < D / 8; nd++) o[nd][0] = o[nd][1] = o[nd][2] = o[nd][3] = 0.f;
    float m0 = NEG_INF, m1 = NEG_INF;  // running max of scaled scores (log2 domain)
    float l0 = 0.f, l1 = 0.f;          // this thread's part of the running sum of 2^(x - m)

    for (int jt = jt0; jt <= jt1; jt++) {
        int buf = (jt - jt0) & 1;
        if (jt < jt1) {  // the next tile into the other buffer, read by no one since the last iteration's barrier
            load_tile<D, BN, THREADS>(sK + (buf ^ 1) * BN * P, ks, kStride, (jt + 1) * BN, t);
            load_tile<D, BN, THREADS>(sV + (buf ^ 1) * BN * P, vs, vStride, (jt + 1) * BN, t);
        }
        cp_async_commit();
        cp_async_wait<1>();
        __syncthreads();
        const unsigned short* tK = sK + buf * BN * P;
        const unsigned short* tV = sV + buf * BN * P;

        float s[NB][4];
#pragma unroll
        for (int nb = 0; nb < NB; nb++) s[nb][0] = s[nb][1] = s[nb][2] = s[nb][3] = 0.f;
        gemm_abt<D, NB>(s, sQ, warp * 16, tK, 0, lane);

        int j0 = jt * BN;
        if (j0 < loMax || j0 + BN - 1 > i0) {  // some element of this tile is outside a row's [docStart, i]
#pragma unroll
            for (int nb = 0; nb < NB; nb++) {
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    int j = j0 + nb * 8 + (lane & 3) * 2 + (e & 1);
                    int row = e < 2 ? r0 : r1;
                    int lo = e < 2 ? lo0 : lo1;
                    if (j < lo || j > row) s[nb][e] = NEG_INF;
                }
            }
        }

        float mx0 = NEG_INF, mx1 = NEG_INF;
#pragma unroll
        for (int nb = 0; nb < NB; nb++) {
            mx0 = fmaxf(mx0, fmaxf(s[nb][0], s[nb][1]));
            mx1 = fmaxf(mx1, fmaxf(s[nb][2], s[nb][3]));
        }
        mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 1));
        mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 2));
        mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 1));
        mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 2));
        float mNew0 = fmaxf(m0, mx0 * scaleLog2);
        float mNew1 = fmaxf(m1, mx1 * scaleLog2);
        // A row with no visible key yet keeps max -inf; subtracting 0 instead keeps its terms 0 rather than NaN.
        float mUse0 = mNew0 == NEG_INF ? 0.f : mNew0;
        float mUse1 = mNew1 == NEG_INF ? 0.f : mNew1;
        float alpha0 = exp2_approx(m0 - mUse0);
        float alpha1 = exp2_approx(m1 - mUse1);
        m0 = mNew0;
        m1 = mNew1;
        l0 *= alpha0;
        l1 *= alpha1;
#pragma unroll
        for (int nb = 0; nb < NB; nb++) {
            s[nb][0] = exp2_approx(fmaf(s[nb][0], scaleLog2, -mUse0));
            s[nb][1] = exp2_approx(fmaf(s[nb][1], scaleLog2, -mUse0));
            s[nb][2] = exp2_approx(fmaf(s[nb][2], scaleLog2, -mUse1));
            s[nb][3] = exp2_approx(fmaf(s[nb][3], scaleLog2, -mUse1));
            l0 += s[nb][0] + s[nb][1];
            l1 += s[nb][2] + s[nb][3];
        }
#pragma unroll
        for (int nd = 0; nd < D / 8; nd++) {
            o[nd][0] *= alpha0;
            o[nd][1] *= alpha0;
            o[nd][2] *= alpha1;
            o[nd][3] *= alpha1;
        }
        unsigned p[NB / 2][4];
        to_a_fragments<NB>(p, s);
        gemm_pb<D, NB / 2>(o, p, tV, 0, lane);
        __syncthreads();  // every warp is done with buffer buf before the next iteration but one refills it
    }

    l0 += __shfl_xor_sync(0xffffffffu, l0, 1);
    l0 += __shfl_xor_sync(0xffffffffu, l0, 2);
    l1 += __shfl_xor_sync(0xffffffffu, l1, 1);
    l1 += __shfl_xor_sync(0xffffffffu, l1, 2);
    // Every real row sees at least its own key, so l > 0; rows past T (never stored) may have l = 0.
    float inv0 = l0 > 0.f ? 1.f / l0 : 0.f;
    float inv1 = l1 > 0.f ? 1.f / l1 : 0.f;
    if ((lane & 3) == 0) {
        float* lseRow = lse + ((long long) seq * heads + h) * t;
        if (r0 < t) lseRow[r0] = (m0 + __log2f(l0)) * (1.f / LOG2E);
        if (r1 < t) lseRow[r1] = (m1 + __log2f(l1)) * (1.f / LOG2E);
    }
    // The warp's own Q rows (read by no other warp) stage its output for coalesced stores.
    store_rows_bf16<D>(o, inv0, inv1, sQ, warp * 16, out + (long long) seq * t * outStride + h * D, outStride,
                       i0 + warp * 16, t, lane);
}

// ------------------------------------------------------------------------------------------------ backward

// delta (B, H, T) = rowsum(dO * O) per head, fp32: one warp per (row, head), lanes over column pairs.
__device__ __forceinline__ void flash_delta(float* __restrict__ delta, const unsigned short* __restrict__ dout, int doutStride,
                                            const unsigned short* __restrict__ out, int outStride, int n, int t, int heads, int d) {
    long long item = (long long) blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    int lane = threadIdx.x & 31;
    if (item >= (long long) n * heads) return;
    int row = (int) (item / heads);
    int h = (int) (item % heads);
    const unsigned short* a = dout + (long long) row * doutStride + h * d;
    const unsigned short* b = out + (long long) row * outStride + h * d;
    float sum = 0.f;
    for (int c = lane * 2; c < d; c += 64) {
        unsigned x = *reinterpret_cast<const unsigned*>(a + c);
        unsigned y = *reinterpret_cast<const unsigned*>(b + c);
        sum = fmaf(__uint_as_float(x << 16), __uint_as_float(y << 16), sum);
        sum = fmaf(__uint_as_float(x & 0xffff0000u), __uint_as_float(y & 0xffff0000u), sum);
    }
    for (int off = 16; off > 0; off >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, off);
    int seq = row / t;
    int i = row % t;
    if (lane == 0) delta[((long long) seq * heads + h) * t + i] = sum;
}

// dQ. Grid (ceil(T / 64), B * H), DQ_WARPS * 32 threads; shared memory (2 * 64 + 4 * 64) * (D + 8) * 2 bytes.
// Per key tile: S = Q K^T, dP = dO V^T, P = 2^(S scale log2e - lse log2e), dS = P (dP - delta) scale, dQ += dS K.
template <int D>
__device__ __forceinline__ void flash_backward_dq(unsigned short* __restrict__ dq, int dqStride, const unsigned short* __restrict__ dout,
                                                  int doutStride, const float* __restrict__ lse, const float* __restrict__ delta,
                                                  const unsigned short* __restrict__ q, int qStride, const unsigned short* __restrict__ k,
                                                  int kStride, const unsigned short* __restrict__ v, int vStride,
                                                  const int* __restrict__ docStart, int t, int heads, int groups, float scale) {
    constexpr int BM = DQ_WARPS * 16;
    constexpr int BN = KEY_TILE;
    constexpr int P = D + 8;
    constexpr int NB = BN / 8;
    constexpr int THREADS = DQ_WARPS * 32;
    unsigned short* sQ = reinterpret_cast<unsigned short*>(flash_smem);
    unsigned short* sO = sQ + BM * P;     // dO
    unsigned short* sK = sO + BM * P;     // [2][BN][P]
    unsigned short* sV = sK + 2 * BN * P;  // [2][BN][P]

    int tile = gridDim.x - 1 - blockIdx.x;
    int seq = blockIdx.y / heads;
    int h = blockIdx.y % heads;
    int g = h / (heads / groups);
    int warp = threadIdx.x >> 5;
    int lane = threadIdx.x & 31;
    int i0 = tile * BM;
    int iLast = min(i0 + BM, t) - 1;
    const int* ds = docStart + (long long) seq * t;
    int kLo = ds[i0];
    int loMax = ds[iLast];
    int jt0 = kLo / BN;
    int jt1 = iLast / BN;

    const unsigned short* qs = q + (long long) seq * t * qStride + h * D;
    const unsigned short* os = dout + (long long) seq * t * doutStride + h * D;
    const unsigned short* ks = k + (long long) seq * t * kStride + g * D;
    const unsigned short* vs = v + (long long) seq * t * vStride + g * D;
    load_tile<D, BM, THREADS>(sQ, qs, qStride, i0, t);
    load_tile<D, BM, THREADS>(sO, os, doutStride, i0, t);
    load_tile<D, BN, THREADS>(sK, ks, kStride, jt0 * BN, t);
    load_tile<D, BN, THREADS>(sV, vs, vStride, jt0 * BN, t);
    cp_async_commit();

    int r0 = i0 + warp * 16 + (lane >> 2);
    int r1 = r0 + 8;
    int lo0 = ds[min(r0, t - 1)];
    int lo1 = ds[min(r1, t - 1)];
    const float* lseRow = lse + ((long long) seq * heads + h) * t;
    const float* deltaRow = delta + ((long long) seq * heads + h) * t;
    float scaleLog2 = scale * LOG2E;
    float lse0 = r0 < t ? lseRow[r0] * LOG2E : 0.f;
    float lse1 = r1 < t ? lseRow[r1] * LOG2E : 0.f;
    float delta0 = r0 < t ? deltaRow[r0] : 0.f;
    float delta1 = r1 < t ? deltaRow[r1] : 0.f;

    float acc[D / 8][4];
#pragma unroll
    for (int nd = 0; nd < D / 8; nd++) acc[nd][0] = acc[nd][1] = acc[nd][2] = acc[nd][3] = 0.f;

    for (int jt = jt0; jt <= jt1; jt++) {
        int buf = (jt - jt0) & 1;
        if (jt < jt1) {
            load_tile<D, BN, THREADS>(sK + (buf ^ 1) * BN * P, ks, kStride, (jt + 1) * BN, t);
            load_tile<D, BN, THREADS>(sV + (buf ^ 1) * BN * P, vs, vStride, (jt + 1) * BN, t);
        }
        cp_async_commit();
        cp_async_wait<1>();
        __syncthreads();
        const unsigned short* tK = sK + buf * BN * P;
        const unsigned short* tV = sV + buf * BN * P;

        float s[NB][4];
        float dp[NB][4];
#pragma unroll
        for (int nb = 0; nb < NB; nb++) {
            s[nb][0] = s[nb][1] = s[nb][2] = s[nb][3] = 0.f;
            dp[nb][0] = dp[nb][1] = dp[nb][2] = dp[nb][3] = 0.f;
        }
        gemm_abt<D, NB>(s, sQ, warp * 16, tK, 0, lane);
        gemm_abt<D, NB>(dp, sO, warp * 16, tV, 0, lane);

        int j0 = jt * BN;
        bool masked = j0 < loMax || j0 + BN - 1 > i0;
#pragma unroll
        for (int nb = 0; nb < NB; nb++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                int j = j0 + nb * 8 + (lane & 3) * 2 + (e & 1);
                int row = e < 2 ? r0 : r1;
                int lo = e < 2 ? lo0 : lo1;
                float p = exp2_approx(fmaf(s[nb][e], scaleLog2, -(e < 2 ? lse0 : lse1)));
                if (masked && (j < lo || j > row)) p = 0.f;
                s[nb][e] = p * (dp[nb][e] - (e < 2 ? delta0 : delta1)) * scale;  // dS
            }
        }
        unsigned a[NB / 2][4];
        to_a_fragments<NB>(a, s);
        gemm_pb<D, NB / 2>(acc, a, tK, 0, lane);
        __syncthreads();
    }
    store_rows_bf16<D>(acc, 1.f, 1.f, sQ, warp * 16, dq + (long long) seq * t * dqStride + h * D, dqStride, i0 + warp * 16, t, lane);
}

// dK, dV of one query head h. Grid (ceil(T / 64), B * H), DKV_WARPS * 32 threads; shared memory
// (2 * 64 + 2 * 2 * BM) * (D + 8) * 2 + 2 * 3 * BM * 4 bytes. Key tiles are taken first first: key tile 0 is seen by
// the most queries. The queries that see keys j0..j1 are i in [j0, iEnd) where iEnd is the first query whose document
// starts after j1 (docStart is non-decreasing), found by binary search.
// Per query tile: S^T = K Q^T, dP^T = V dO^T, P^T from lse, dS^T = P^T (dP^T - delta) scale, dV += P^T dO, dK += dS^T Q.
// Output: with one query head per kv head, bf16 straight into dk, dv; otherwise fp32 into the workspaces dkPart, dvPart
// (N, H*D), summed over the group by flash_sum_heads.
template <int D, int BM>
__device__ __forceinline__ void flash_backward_dkdv(unsigned short* __restrict__ dk, int dkStride, unsigned short* __restrict__ dv,
                                                    int dvStride, float* __restrict__ dkPart, float* __restrict__ dvPart,
                                                    const unsigned short* __restrict__ dout, int doutStride, const float* __restrict__ lse,
                                                    const float* __restrict__ delta, const unsigned short* __restrict__ q, int qStride,
                                                    const unsigned short* __restrict__ k, int kStride, const unsigned short* __restrict__ v,
                                                    int vStride, const int* __restrict__ docStart, int t, int heads, int groups,
                                                    float scale) {
    constexpr int BN = DKV_WARPS * 16;
    constexpr int P = D + 8;
    constexpr int NB = BM / 8;
    constexpr int THREADS = DKV_WARPS * 32;
    unsigned short* sK = reinterpret_cast<unsigned short*>(flash_smem);
    unsigned short* sV = sK + BN * P;
    unsigned short* sQ = sV + BN * P;      // [2][BM][P]
    unsigned short* sO = sQ + 2 * BM * P;  // dO, [2][BM][P]
    float* sLse = reinterpret_cast<float*>(sO + 2 * BM * P);  // [2][BM], lse * log2e
    float* sDelta = sLse + 2 * BM;                              // [2][BM]
    int* sDoc = reinterpret_cast<int*>(sDelta + 2 * BM);        // [2][BM], docStart of the query

    int tile = blockIdx.x;
    int seq = blockIdx.y / heads;
    int h = blockIdx.y % heads;
    int g = h / (heads / groups);
    int warp = threadIdx.x >> 5;
    int lane = threadIdx.x & 31;
    int j0 = tile * BN;
    int jLast = min(j0 + BN, t) - 1;
    const int* ds = docStart + (long long) seq * t;
    // first query in [j0, t) whose document starts after jLast
    int lo = j0, hi = t;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (ds[mid] <= jLast) lo = mid + 1; else hi = mid;
    }
    int iEnd = lo;  // > j0, since query j0 sees key j0
    int it0 = j0 / BM;
    int it1 = (iEnd - 1) / BM;

    const unsigned short* qs = q + (long long) seq * t * qStride + h * D;
    const unsigned short* os = dout + (long long) seq * t * doutStride + h * D;
    const unsigned short* ks = k + (long long) seq * t * kStride + g * D;
    const unsigned short* vs = v + (long long) seq * t * vStride + g * D;
    const float* lseRow = lse + ((long long) seq * heads + h) * t;
    const float* deltaRow = delta + ((long long) seq * heads + h) * t;

    load_tile<D, BN, THREADS>(sK, ks, kStride, j0, t);
    load_tile<D, BN, THREADS>(sV, vs, vStride, j0, t);
    auto loadQueries = [&](int it, int buf) {
        load_tile<D, BM, THREADS>(sQ + buf * BM * P, qs, qStride, it * BM, t);
        load_tile<D, BM, THREADS>(sO + buf * BM * P, os, doutStride, it * BM, t);
        for (int c = threadIdx.x; c < BM; c += THREADS) {
            int i = it * BM + c;
            bool valid = i < t;
            sLse[buf * BM + c] = valid ? lseRow[i] * LOG2E : 0.f;
            sDelta[buf * BM + c] = valid ? deltaRow[i] : 0.f;
            sDoc[buf * BM + c] = valid ? ds[i] : 0x7fffffff;  // a query past T sees no key
        }
    };
    loadQueries(it0, 0);
    cp_async_commit();

    int kr0 = j0 + warp * 16 + (lane >> 2);  // this thread's two key rows
    int kr1 = kr0 + 8;
    float scaleLog2 = scale * LOG2E;

    float dkAcc[D / 8][4];
    float dvAcc[D / 8][4];
#pragma unroll
    for (int nd = 0; nd < D / 8; nd++) {
        dkAcc[nd][0] = dkAcc[nd][1] = dkAcc[nd][2] = dkAcc[nd][3] = 0.f;
        dvAcc[nd][0] = dvAcc[nd][1] = dvAcc[nd][2] = dvAcc[nd][3] = 0.f;
    }

    for (int it = it0; it <= it1; it++) {
        int buf = (it - it0) & 1;
        if (it < it1) loadQueries(it + 1, buf ^ 1);
        cp_async_commit();
        cp_async_wait<1>();
        __syncthreads();
        const unsigned short* tQ = sQ + buf * BM * P;
        const unsigned short* tO = sO + buf * BM * P;
        const float* tLse = sLse + buf * BM;
        const float* tDelta = sDelta + buf * BM;
        const int* tDoc = sDoc + buf * BM;

        float s[NB][4];
        float dp[NB][4];
#pragma unroll
        for (int nb = 0; nb < NB; nb++) {
            s[nb][0] = s[nb][1] = s[nb][2] = s[nb][3] = 0.f;
            dp[nb][0] = dp[nb][1] = dp[nb][2] = dp[nb][3] = 0.f;
        }
        gemm_abt<D, NB>(s, sK, warp * 16, tQ, 0, lane);   // S^T: rows keys, columns queries
        gemm_abt<D, NB>(dp, sV, warp * 16, tO, 0, lane);  // dP^T

        int i0 = it * BM;
        // masked: a query before a key (the diagonal), a query whose document starts after the tile's first key, a
        // query past T
        bool masked = i0 < jLast || i0 + BM > t || ds[min(i0 + BM, t) - 1] > j0;
#pragma unroll
        for (int nb = 0; nb < NB; nb++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                int c = nb * 8 + (lane & 3) * 2 + (e & 1);
                int i = i0 + c;
                int j = e < 2 ? kr0 : kr1;
                float p = exp2_approx(fmaf(s[nb][e], scaleLog2, -tLse[c]));
                if (masked && (j < tDoc[c] || j > i)) p = 0.f;
                s[nb][e] = p;
                dp[nb][e] = p * (dp[nb][e] - tDelta[c]) * scale;  // dS^T
            }
        }
        unsigned a[NB / 2][4];
        to_a_fragments<NB>(a, s);
        gemm_pb<D, NB / 2>(dvAcc, a, tO, 0, lane);
        to_a_fragments<NB>(a, dp);
        gemm_pb<D, NB / 2>(dkAcc, a, tQ, 0, lane);
        __syncthreads();
    }

    if (heads == groups) {
        // the warp's own K and V rows (no other warp reads them) stage the bf16 rows for coalesced stores
        store_rows_bf16<D>(dkAcc, 1.f, 1.f, sK, warp * 16, dk + (long long) seq * t * dkStride + g * D, dkStride, j0 + warp * 16,
                           t, lane);
        store_rows_bf16<D>(dvAcc, 1.f, 1.f, sV, warp * 16, dv + (long long) seq * t * dvStride + g * D, dvStride, j0 + warp * 16,
                           t, lane);
    } else {
        long long width = (long long) heads * D;
        float* dkRows = dkPart + (long long) seq * t * width + h * D;
        float* dvRows = dvPart + (long long) seq * t * width + h * D;
#pragma unroll
        for (int nd = 0; nd < D / 8; nd++) {
            int col = nd * 8 + (lane & 3) * 2;
            if (kr0 < t) {
                *reinterpret_cast<float2*>(dkRows + kr0 * width + col) = make_float2(dkAcc[nd][0], dkAcc[nd][1]);
                *reinterpret_cast<float2*>(dvRows + kr0 * width + col) = make_float2(dvAcc[nd][0], dvAcc[nd][1]);
            }
            if (kr1 < t) {
                *reinterpret_cast<float2*>(dkRows + kr1 * width + col) = make_float2(dkAcc[nd][2], dkAcc[nd][3]);
                *reinterpret_cast<float2*>(dvRows + kr1 * width + col) = make_float2(dvAcc[nd][2], dvAcc[nd][3]);
            }
        }
    }
}

extern "C" {

__global__ void __launch_bounds__(256) flash_backward_delta(float* __restrict__ delta, const unsigned short* __restrict__ dout,
                                                            int doutStride, const unsigned short* __restrict__ out, int outStride,
                                                            int n, int t, int heads, int d) {
    flash_delta(delta, dout, doutStride, out, outStride, n, t, heads, d);
}

// dk (N, stride) columns g*D.. = bf16 of the sum over r = 0..H/G-1, in that order, of part (N, H*D) columns
// (g*H/G + r)*D..: the group's query heads, added the same way every run. One thread per (row, kv column pair).
__global__ void __launch_bounds__(256) flash_sum_heads(unsigned short* __restrict__ dk, int dkStride, const float* __restrict__ part,
                                                       int n, int heads, int groups, int d) {
    int perGroup = heads / groups;
    long long pairs = (long long) n * groups * d / 2;
    for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < pairs; p += (long long) gridDim.x * blockDim.x) {
        long long e = p * 2;
        int row = (int) (e / ((long long) groups * d));
        int col = (int) (e % ((long long) groups * d));  // g * d + c
        int g = col / d;
        int c = col % d;
        const float* src = part + (long long) row * heads * d + (long long) g * perGroup * d + c;
        float2 sum = *reinterpret_cast<const float2*>(src);
        for (int r = 1; r < perGroup; r++) {
            float2 x = *reinterpret_cast<const float2*>(src + (long long) r * d);
            sum.x += x.x;
            sum.y += x.y;
        }
        *reinterpret_cast<unsigned*>(dk + (long long) row * dkStride + col) = pack_bf16(sum.x, sum.y);
    }
}

// One set of kernels per supported head width; FlashAttention.java picks them by name.
#define FLASH_KERNELS(D, DKV_BM)                                                                                               \
    __global__ void __launch_bounds__(FWD_WARPS * 32) flash_forward_d##D(                                                      \
        unsigned short* __restrict__ out, int outStride, float* __restrict__ lse, const unsigned short* __restrict__ q,         \
        int qStride, const unsigned short* __restrict__ k, int kStride, const unsigned short* __restrict__ v, int vStride,     \
        const int* __restrict__ docStart, int t, int heads, int groups, float scale) {                                         \
        flash_forward<D>(out, outStride, lse, q, qStride, k, kStride, v, vStride, docStart, t, heads, groups, scale);          \
    }                                                                                                                          \
    __global__ void __launch_bounds__(DQ_WARPS * 32) flash_backward_dq_d##D(                                                   \
        unsigned short* __restrict__ dq, int dqStride, const unsigned short* __restrict__ dout, int doutStride,                \
        const float* __restrict__ lse, const float* __restrict__ delta, const unsigned short* __restrict__ q, int qStride,      \
        const unsigned short* __restrict__ k, int kStride, const unsigned short* __restrict__ v, int vStride,                   \
        const int* __restrict__ docStart, int t, int heads, int groups, float scale) {                                         \
        flash_backward_dq<D>(dq, dqStride, dout, doutStride, lse, delta, q, qStride, k, kStride, v, vStride, docStart, t,      \
                             heads, groups, scale);                                                                            \
    }                                                                                                                          \
    __global__ void __launch_bounds__(DKV_WARPS * 32) flash_backward_dkdv_d##D(                                                \
        unsigned short* __restrict__ dk, int dkStride, unsigned short* __restrict__ dv, int dvStride,                          \
        float* __restrict__ dkPart, float* __restrict__ dvPart, const unsigned short* __restrict__ dout, int doutStride,       \
        const float* __restrict__ lse, const float* __restrict__ delta, const unsigned short* __restrict__ q, int qStride,      \
        const unsigned short* __restrict__ k, int kStride, const unsigned short* __restrict__ v, int vStride,                  \
        const int* __restrict__ docStart, int t, int heads, int groups, float scale) {                                         \
        flash_backward_dkdv<D, DKV_BM>(dk, dkStride, dv, dvStride, dkPart, dvPart, dout, doutStride, lse, delta, q, qStride,  \
                                       k, kStride, v, vStride, docStart, t, heads, groups, scale);                             \
    }

FLASH_KERNELS(16, 64)
FLASH_KERNELS(32, 64)
FLASH_KERNELS(64, 64)
FLASH_KERNELS(128, 64)

}  // extern "C"
