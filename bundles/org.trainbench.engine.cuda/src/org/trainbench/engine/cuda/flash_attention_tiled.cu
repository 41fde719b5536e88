// Flash attention for training: causal grouped-query attention with per-document masking, bf16 in and out, fp32
// softmax statistics, on the tensor cores (mma.sync m16n8k16 bf16 -> fp32). Compiled at run time by NVRTC
// (FlashAttention.java); no headers at all, so every primitive below is inline PTX or a CUDA builtin.
//
// Meaning as org.trainbench.engine.model.GroupedQueryAttention: query i of sequence s, head h attends to keys j of
// kv head h / (H / G) with docStart[s*T + i] <= j <= i. Shapes: q, out, dq, dout (N = B*T rows, strided, head h at
// columns h*D..); k, v, dk, dv (N rows, strided, kv head g at columns g*D..); lse, delta (B, H, T) fp32.
//
// Structure (FlashAttention-2):
// - forward, one CTA per (query tile, head, sequence), warps of 16 * fwdAtoms query rows. Key/value tiles stream
//   through shared memory with cp.async double buffering; S = Q K^T and O += P V on the tensor cores; the online
//   softmax keeps (max, sum) per row in fp32 registers, in the log2 domain (scores pre-multiplied by scale * log2(e)
//   so that exp is one ex2 instruction).
// - backward, three kernels and no atomics, so that a run is bit-reproducible:
//   delta = rowsum(dO * O); dQ per (query tile, head) over the key tiles it sees (recomputing P from lse);
//   dK, dV per (key tile, query head) over the query tiles that see it, accumulated in fp32 registers. With G < H the
//   per-query-head dK, dV go to an fp32 workspace and a last kernel sums the H/G heads of each group in a fixed order;
//   or (dkvGroup) one CTA walks all H/G query heads of its kv head in a fixed order and writes bf16 directly.
// - only tiles that hold a masked element (the causal diagonal, document starts, the ragged end of a sequence) pay for
//   the element-wise mask, decided per warp; tiles wholly outside [docStart of the first row, the last row] of a CTA
//   are not visited, and a warp skips the math of a tile that none of its rows sees.
//
// Tile shapes are compile-time options, -DFLASH_TILES_D<d>_<component> per head width, written by FlashAttention.Variant
// (the one place they are declared): the same source builds every variant that the benchmark compares. A warp owns
// 16 * atoms rows (forward, dQ: query rows; dK/dV: key rows); with two atoms each B fragment read from shared memory
// by ldmatrix feeds two mma instead of one, which halves the shared-memory traffic per mma, the limit of the one-atom
// layout (an ldmatrix.x4 moves 512 bytes, four cycles of the 128 bytes per cycle an SM reads, for two mma).
//
// Shared memory tiles are row-major with a pitch of D + 8 elements: the 16-byte pad makes the eight row addresses of
// every ldmatrix phase fall in distinct bank groups for every D here (pitch 48, 80, 144, 272 bytes), which an XOR
// swizzle would only do for D >= 64.

#define LOG2E 1.4426950408889634f
#define NEG_INF (__int_as_float(0xff800000))

#if !defined(FLASH_TILES_D16_FWD_WARPS) || !defined(FLASH_TILES_D32_FWD_WARPS) || !defined(FLASH_TILES_D64_FWD_WARPS) \
    || !defined(FLASH_TILES_D128_FWD_WARPS)
#error "the FLASH_TILES_D<d>_* macros of every head width must be defined: FlashAttention.Variant.compileOptions() writes them"
#endif

// The tile shapes of the kernels for head width D, FlashAttention.Tiles' components one macro each (booleans 0/1):
// forward warps, 16-row atoms per warp, keys per tile, Q fragments kept in registers;
// dQ warps, atoms per warp, keys per tile, Q and dO fragments kept in registers;
// dK/dV warps, 16-key atoms per warp, queries per tile, the kv head's whole group of query heads in one CTA.
template <int D>
struct Tiles;

#define FLASH_DEFINE_TILES(D)                                                                                              \
    template <>                                                                                                            \
    struct Tiles<D> {                                                                                                      \
        static constexpr int fwdWarps = FLASH_TILES_D##D##_FWD_WARPS, fwdAtoms = FLASH_TILES_D##D##_FWD_ATOMS,             \
                             fwdKeys = FLASH_TILES_D##D##_FWD_KEYS;                                                        \
        static constexpr bool fwdQueryRegs = FLASH_TILES_D##D##_FWD_QREGS;                                                 \
        static constexpr int dqWarps = FLASH_TILES_D##D##_DQ_WARPS, dqAtoms = FLASH_TILES_D##D##_DQ_ATOMS,                 \
                             dqKeys = FLASH_TILES_D##D##_DQ_KEYS;                                                          \
        static constexpr bool dqQueryRegs = FLASH_TILES_D##D##_DQ_QREGS;                                                   \
        static constexpr int dkvWarps = FLASH_TILES_D##D##_DKV_WARPS, dkvAtoms = FLASH_TILES_D##D##_DKV_ATOMS,             \
                             dkvQueries = FLASH_TILES_D##D##_DKV_QUERIES;                                                  \
        static constexpr bool dkvGroup = FLASH_TILES_D##D##_DKV_GROUP;                                                     \
        static_assert(fwdKeys % 16 == 0 && dqKeys % 16 == 0 && dkvQueries % 16 == 0, "tiles are multiples of 16");        \
    };
FLASH_DEFINE_TILES(16)
FLASH_DEFINE_TILES(32)
FLASH_DEFINE_TILES(64)
FLASH_DEFINE_TILES(128)

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

// The A fragments of rows row0 + 16m .. + 15 (m < MW), all D columns, of a shared tile: operands kept in registers.
template <int D, int MW>
__device__ __forceinline__ void load_a_rows(unsigned (*a)[D / 16][4], const unsigned short* tile, int row0, int lane) {
#pragma unroll
    for (int m = 0; m < MW; m++) {
#pragma unroll
        for (int kk = 0; kk < D / 16; kk++) load_a<D>(a[m][kk], tile, row0 + 16 * m, kk * 16, lane);
    }
}

// acc[m] (16 x 8*NB fp32) += A (rows arow0 + 16m .. + 15 of tileA, all D columns) * tileB^T (rows brow0.. of tileB),
// for m < MW: each B fragment read from shared memory serves the MW row blocks.
template <int D, int MW, int NB>
__device__ __forceinline__ void gemm_abt(float (*acc)[NB][4], const unsigned short* tileA, int arow0, const unsigned short* tileB,
                                         int brow0, int lane) {
#pragma unroll
    for (int kk = 0; kk < D / 16; kk++) {
        unsigned a[MW][4];
#pragma unroll
        for (int m = 0; m < MW; m++) load_a<D>(a[m], tileA, arow0 + 16 * m, kk * 16, lane);
#pragma unroll
        for (int nb = 0; nb < NB; nb += 2) {
            unsigned b[4];
            load_b_rows<D>(b, tileB, brow0 + nb * 8, kk * 16, lane);
#pragma unroll
            for (int m = 0; m < MW; m++) {
                mma_bf16(acc[m][nb], a[m], b[0], b[1]);
                mma_bf16(acc[m][nb + 1], a[m], b[2], b[3]);
            }
        }
    }
}

// The same with A in registers, a[m][kk] as load_a_rows leaves it.
template <int D, int MW, int NB>
__device__ __forceinline__ void gemm_abt_regs(float (*acc)[NB][4], unsigned (*a)[D / 16][4], const unsigned short* tileB, int brow0,
                                              int lane) {
#pragma unroll
    for (int kk = 0; kk < D / 16; kk++) {
#pragma unroll
        for (int nb = 0; nb < NB; nb += 2) {
            unsigned b[4];
            load_b_rows<D>(b, tileB, brow0 + nb * 8, kk * 16, lane);
#pragma unroll
            for (int m = 0; m < MW; m++) {
                mma_bf16(acc[m][nb], a[m][kk], b[0], b[1]);
                mma_bf16(acc[m][nb + 1], a[m][kk], b[2], b[3]);
            }
        }
    }
}

// acc[m] (16 x D fp32) += P[m] (16 x 16*KB, bf16 fragments in registers) * tileB (rows k0.., all D columns), m < MW.
// p[m][kb][0..3] is the A fragment of columns 16kb..16kb+15, built from the C fragments of a previous product.
template <int D, int MW, int KB>
__device__ __forceinline__ void gemm_pb(float (*acc)[D / 8][4], unsigned (*p)[KB][4], const unsigned short* tileB, int k0,
                                        int lane) {
#pragma unroll
    for (int kb = 0; kb < KB; kb++) {
#pragma unroll
        for (int nd = 0; nd < D / 8; nd += 2) {
            unsigned b[4];
            load_b_cols<D>(b, tileB, k0 + kb * 16, nd * 8, lane);
#pragma unroll
            for (int m = 0; m < MW; m++) {
                mma_bf16(acc[m][nd], p[m][kb], b[0], b[1]);
                mma_bf16(acc[m][nd + 1], p[m][kb], b[2], b[3]);
            }
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

// Grid (ceil(T / BM), B * H), fwdWarps * 32 threads; shared memory (BM + 4 * BN) * (D + 8) * 2 bytes, BM = fwdWarps *
// 16 * fwdAtoms query rows, BN = fwdKeys keys per tile. Query tiles are taken last first: the tiles near the end of a
// sequence see the most keys, and starting the long CTAs first keeps the last wave short.
template <int D>
__device__ __forceinline__ void flash_forward(unsigned short* __restrict__ out, int outStride, float* __restrict__ lse,
                                              const unsigned short* __restrict__ q, int qStride, const unsigned short* __restrict__ k,
                                              int kStride, const unsigned short* __restrict__ v, int vStride,
                                              const int* __restrict__ docStart, int t, int heads, int groups, float scale) {
    using T = Tiles<D>;
    constexpr int MW = T::fwdAtoms;
    constexpr int WM = 16 * MW;  // query rows per warp
    constexpr int BM = T::fwdWarps * WM;
    constexpr int BN = T::fwdKeys;
    constexpr int P = D + 8;
    constexpr int NB = BN / 8;
    constexpr int THREADS = T::fwdWarps * 32;
    unsigned short* sQ = reinterpret_cast<unsigned short*>(flash_smem);
    unsigned short* sK = sQ + BM * P;      // [2][BN][P]
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
    int jt0 = ds[i0] / BN;
    int jt1 = iLast / BN;
    // The warp's rows w0 .. wLast see keys in [wLo, wLast] only, and every key in [wLoMax, w0].
    int w0 = i0 + warp * WM;
    bool warpLive = w0 < t;
    int wLast = min(w0 + WM, t) - 1;
    int wLo = ds[min(w0, t - 1)];
    int wLoMax = ds[wLast];

    const unsigned short* qs = q + (long long) seq * t * qStride + h * D;
    const unsigned short* ks = k + (long long) seq * t * kStride + g * D;
    const unsigned short* vs = v + (long long) seq * t * vStride + g * D;

    load_tile<D, BM, THREADS>(sQ, qs, qStride, i0, t);
    cp_async_commit();
    load_tile<D, BN, THREADS>(sK, ks, kStride, jt0 * BN, t);
    load_tile<D, BN, THREADS>(sV, vs, vStride, jt0 * BN, t);
    cp_async_commit();

    // This thread's rows: fragment rows lane/4 (half 0) and lane/4 + 8 (half 1) of each of the warp's atoms.
    int row[MW][2];
    int lo[MW][2];
#pragma unroll
    for (int m = 0; m < MW; m++) {
#pragma unroll
        for (int half = 0; half < 2; half++) {
            row[m][half] = w0 + 16 * m + half * 8 + (lane >> 2);
            lo[m][half] = ds[min(row[m][half], t - 1)];
        }
    }
    float scaleLog2 = scale * LOG2E;

    unsigned qf[T::fwdQueryRegs ? MW : 1][D / 16][4];
    if constexpr (T::fwdQueryRegs) {
        cp_async_wait<1>();
        __syncthreads();
        load_a_rows<D, MW>(qf, sQ, warp * WM, lane);
    }

    float o[MW][D / 8][4];
    float mRun[MW][2];  // running max of scaled scores (log2 domain)
    float lRun[MW][2];  // this thread's part of the running sum of 2^(x - m)
#pragma unroll
    for (int m = 0; m < MW; m++) {
#pragma unroll
        for (int nd = 0; nd < D / 8; nd++) o[m][nd][0] = o[m][nd][1] = o[m][nd][2] = o[m][nd][3] = 0.f;
        mRun[m][0] = mRun[m][1] = NEG_INF;
        lRun[m][0] = lRun[m][1] = 0.f;
    }

    for (int jt = jt0; jt <= jt1; jt++) {
        int buf = (jt - jt0) & 1;
        if (jt < jt1) {  // the next tile into the other buffer, read by no one since the last iteration's barrier
            load_tile<D, BN, THREADS>(sK + (buf ^ 1) * BN * P, ks, kStride, (jt + 1) * BN, t);
            load_tile<D, BN, THREADS>(sV + (buf ^ 1) * BN * P, vs, vStride, (jt + 1) * BN, t);
        }
        cp_async_commit();
        cp_async_wait<1>();
        __syncthreads();
        int j0 = jt * BN;
        if (warpLive && j0 <= wLast && j0 + BN > wLo) {  // some row of the warp sees some key of the tile
            const unsigned short* tK = sK + buf * BN * P;
            const unsigned short* tV = sV + buf * BN * P;
            float s[MW][NB][4];
#pragma unroll
            for (int m = 0; m < MW; m++) {
#pragma unroll
                for (int nb = 0; nb < NB; nb++) s[m][nb][0] = s[m][nb][1] = s[m][nb][2] = s[m][nb][3] = 0.f;
            }
            if constexpr (T::fwdQueryRegs) {
                gemm_abt_regs<D, MW, NB>(s, qf, tK, 0, lane);
            } else {
                gemm_abt<D, MW, NB>(s, sQ, warp * WM, tK, 0, lane);
            }

            if (j0 < wLoMax || j0 + BN - 1 > w0) {  // some element is outside its row's [docStart, i]
#pragma unroll
                for (int m = 0; m < MW; m++) {
#pragma unroll
                    for (int nb = 0; nb < NB; nb++) {
#pragma unroll
                        for (int e = 0; e < 4; e++) {
                            int j = j0 + nb * 8 + (lane & 3) * 2 + (e & 1);
                            if (j < lo[m][e >> 1] || j > row[m][e >> 1]) s[m][nb][e] = NEG_INF;
                        }
                    }
                }
            }

#pragma unroll
            for (int m = 0; m < MW; m++) {
#pragma unroll
                for (int half = 0; half < 2; half++) {
                    float mx = NEG_INF;
#pragma unroll
                    for (int nb = 0; nb < NB; nb++) mx = fmaxf(mx, fmaxf(s[m][nb][2 * half], s[m][nb][2 * half + 1]));
                    mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
                    mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
                    float mNew = fmaxf(mRun[m][half], mx * scaleLog2);
                    // A row with no visible key yet keeps max -inf; subtracting 0 instead keeps its terms 0, not NaN.
                    float mUse = mNew == NEG_INF ? 0.f : mNew;
                    float alpha = exp2_approx(mRun[m][half] - mUse);
                    mRun[m][half] = mNew;
                    float sum = 0.f;
#pragma unroll
                    for (int nb = 0; nb < NB; nb++) {
                        s[m][nb][2 * half] = exp2_approx(fmaf(s[m][nb][2 * half], scaleLog2, -mUse));
                        s[m][nb][2 * half + 1] = exp2_approx(fmaf(s[m][nb][2 * half + 1], scaleLog2, -mUse));
                        sum += s[m][nb][2 * half] + s[m][nb][2 * half + 1];
                    }
                    lRun[m][half] = lRun[m][half] * alpha + sum;
#pragma unroll
                    for (int nd = 0; nd < D / 8; nd++) {
                        o[m][nd][2 * half] *= alpha;
                        o[m][nd][2 * half + 1] *= alpha;
                    }
                }
            }
            unsigned p[MW][NB / 2][4];
#pragma unroll
            for (int m = 0; m < MW; m++) to_a_fragments<NB>(p[m], s[m]);
            gemm_pb<D, MW, NB / 2>(o, p, tV, 0, lane);
        }
        __syncthreads();  // every warp is done with buffer buf before the next iteration but one refills it
    }

    float* lseRow = lse + ((long long) seq * heads + h) * t;
#pragma unroll
    for (int m = 0; m < MW; m++) {
        float inv[2];
#pragma unroll
        for (int half = 0; half < 2; half++) {
            float l = lRun[m][half];
            l += __shfl_xor_sync(0xffffffffu, l, 1);
            l += __shfl_xor_sync(0xffffffffu, l, 2);
            // Every real row sees at least its own key, so l > 0; rows past T (never stored) may have l = 0.
            inv[half] = l > 0.f ? 1.f / l : 0.f;
            if ((lane & 3) == 0 && row[m][half] < t) lseRow[row[m][half]] = (mRun[m][half] + __log2f(l)) * (1.f / LOG2E);
        }
        // The warp's own Q rows (read by no other warp) stage its output for coalesced stores.
        store_rows_bf16<D>(o[m], inv[0], inv[1], sQ, warp * WM + 16 * m, out + (long long) seq * t * outStride + h * D, outStride,
                           w0 + 16 * m, t, lane);
    }
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

// dQ. Grid (ceil(T / BM), B * H), dqWarps * 32 threads; shared memory (2 * BM + 4 * BN) * (D + 8) * 2 bytes, BM =
// dqWarps * 16 * dqAtoms query rows, BN = dqKeys keys per tile.
// Per key tile: S = Q K^T, dP = dO V^T, P = 2^(S scale log2e - lse log2e), dS = P (dP - delta) scale, dQ += dS K.
template <int D>
__device__ __forceinline__ void flash_backward_dq(unsigned short* __restrict__ dq, int dqStride, const unsigned short* __restrict__ dout,
                                                  int doutStride, const float* __restrict__ lse, const float* __restrict__ delta,
                                                  const unsigned short* __restrict__ q, int qStride, const unsigned short* __restrict__ k,
                                                  int kStride, const unsigned short* __restrict__ v, int vStride,
                                                  const int* __restrict__ docStart, int t, int heads, int groups, float scale) {
    using T = Tiles<D>;
    constexpr int MW = T::dqAtoms;
    constexpr int WM = 16 * MW;  // query rows per warp
    constexpr int BM = T::dqWarps * WM;
    constexpr int BN = T::dqKeys;
    constexpr int P = D + 8;
    constexpr int NB = BN / 8;
    constexpr int THREADS = T::dqWarps * 32;
    unsigned short* sQ = reinterpret_cast<unsigned short*>(flash_smem);
    unsigned short* sO = sQ + BM * P;      // dO
    unsigned short* sK = sO + BM * P;      // [2][BN][P]
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
    int jt0 = ds[i0] / BN;
    int jt1 = iLast / BN;
    int w0 = i0 + warp * WM;  // the warp's rows, as in flash_forward
    bool warpLive = w0 < t;
    int wLast = min(w0 + WM, t) - 1;
    int wLo = ds[min(w0, t - 1)];
    int wLoMax = ds[wLast];

    const unsigned short* qs = q + (long long) seq * t * qStride + h * D;
    const unsigned short* os = dout + (long long) seq * t * doutStride + h * D;
    const unsigned short* ks = k + (long long) seq * t * kStride + g * D;
    const unsigned short* vs = v + (long long) seq * t * vStride + g * D;
    load_tile<D, BM, THREADS>(sQ, qs, qStride, i0, t);
    load_tile<D, BM, THREADS>(sO, os, doutStride, i0, t);
    cp_async_commit();
    load_tile<D, BN, THREADS>(sK, ks, kStride, jt0 * BN, t);
    load_tile<D, BN, THREADS>(sV, vs, vStride, jt0 * BN, t);
    cp_async_commit();

    const float* lseRow = lse + ((long long) seq * heads + h) * t;
    const float* deltaRow = delta + ((long long) seq * heads + h) * t;
    int row[MW][2];
    int lo[MW][2];
    float rowLse[MW][2];    // lse * log2e
    float rowDelta[MW][2];
#pragma unroll
    for (int m = 0; m < MW; m++) {
#pragma unroll
        for (int half = 0; half < 2; half++) {
            int r = w0 + 16 * m + half * 8 + (lane >> 2);
            row[m][half] = r;
            lo[m][half] = ds[min(r, t - 1)];
            rowLse[m][half] = r < t ? lseRow[r] * LOG2E : 0.f;
            rowDelta[m][half] = r < t ? deltaRow[r] : 0.f;
        }
    }
    float scaleLog2 = scale * LOG2E;

    unsigned qf[T::dqQueryRegs ? MW : 1][D / 16][4];
    unsigned of[T::dqQueryRegs ? MW : 1][D / 16][4];
    if constexpr (T::dqQueryRegs) {
        cp_async_wait<1>();
        __syncthreads();
        load_a_rows<D, MW>(qf, sQ, warp * WM, lane);
        load_a_rows<D, MW>(of, sO, warp * WM, lane);
    }

    float acc[MW][D / 8][4];
#pragma unroll
    for (int m = 0; m < MW; m++) {
#pragma unroll
        for (int nd = 0; nd < D / 8; nd++) acc[m][nd][0] = acc[m][nd][1] = acc[m][nd][2] = acc[m][nd][3] = 0.f;
    }

    for (int jt = jt0; jt <= jt1; jt++) {
        int buf = (jt - jt0) & 1;
        if (jt < jt1) {
            load_tile<D, BN, THREADS>(sK + (buf ^ 1) * BN * P, ks, kStride, (jt + 1) * BN, t);
            load_tile<D, BN, THREADS>(sV + (buf ^ 1) * BN * P, vs, vStride, (jt + 1) * BN, t);
        }
        cp_async_commit();
        cp_async_wait<1>();
        __syncthreads();
        int j0 = jt * BN;
        if (warpLive && j0 <= wLast && j0 + BN > wLo) {
            const unsigned short* tK = sK + buf * BN * P;
            const unsigned short* tV = sV + buf * BN * P;
            float s[MW][NB][4];
            float dp[MW][NB][4];
#pragma unroll
            for (int m = 0; m < MW; m++) {
#pragma unroll
                for (int nb = 0; nb < NB; nb++) {
                    s[m][nb][0] = s[m][nb][1] = s[m][nb][2] = s[m][nb][3] = 0.f;
                    dp[m][nb][0] = dp[m][nb][1] = dp[m][nb][2] = dp[m][nb][3] = 0.f;
                }
            }
            if constexpr (T::dqQueryRegs) {
                gemm_abt_regs<D, MW, NB>(s, qf, tK, 0, lane);
                gemm_abt_regs<D, MW, NB>(dp, of, tV, 0, lane);
            } else {
                gemm_abt<D, MW, NB>(s, sQ, warp * WM, tK, 0, lane);
                gemm_abt<D, MW, NB>(dp, sO, warp * WM, tV, 0, lane);
            }

            bool masked = j0 < wLoMax || j0 + BN - 1 > w0;
#pragma unroll
            for (int m = 0; m < MW; m++) {
#pragma unroll
                for (int nb = 0; nb < NB; nb++) {
#pragma unroll
                    for (int e = 0; e < 4; e++) {
                        int j = j0 + nb * 8 + (lane & 3) * 2 + (e & 1);
                        int half = e >> 1;
                        float p = exp2_approx(fmaf(s[m][nb][e], scaleLog2, -rowLse[m][half]));
                        if (masked && (j < lo[m][half] || j > row[m][half])) p = 0.f;
                        s[m][nb][e] = p * (dp[m][nb][e] - rowDelta[m][half]) * scale;  // dS
                    }
                }
            }
            unsigned a[MW][NB / 2][4];
#pragma unroll
            for (int m = 0; m < MW; m++) to_a_fragments<NB>(a[m], s[m]);
            gemm_pb<D, MW, NB / 2>(acc, a, tK, 0, lane);
        }
        __syncthreads();
    }
#pragma unroll
    for (int m = 0; m < MW; m++) {
        store_rows_bf16<D>(acc[m], 1.f, 1.f, sQ, warp * WM + 16 * m, dq + (long long) seq * t * dqStride + h * D, dqStride,
                           w0 + 16 * m, t, lane);
    }
}

// dK, dV. Grid (ceil(T / BN), B * H), or (ceil(T / BN), B * G) with dkvGroup; dkvWarps * 32 threads; shared memory
// (2 * BN + 4 * BM) * (D + 8) * 2 + 2 * 3 * BM * 4 bytes, BN = dkvWarps * 16 * dkvAtoms keys, BM = dkvQueries queries
// per tile. Key tiles are taken first first: key tile 0 is seen by the most queries. The queries that see keys j0..j1
// are i in [j0, iEnd) where iEnd is the first query whose document starts after j1 (docStart is non-decreasing),
// found by binary search. The CTA walks its query heads (one, or the kv head's H/G with dkvGroup, in order) and for
// each the query tiles that see its keys: S^T = K Q^T, dP^T = V dO^T, P^T from lse, dS^T = P^T (dP^T - delta) scale,
// dV += P^T dO, dK += dS^T Q, accumulated in fp32 registers.
// Output: bf16 straight into dk, dv when the CTA has summed the whole group (one query head per kv head, or
// dkvGroup); otherwise fp32 into the workspaces dkPart, dvPart (N, H*D), summed over the group by flash_sum_heads.
template <int D>
__device__ __forceinline__ void flash_backward_dkdv(unsigned short* __restrict__ dk, int dkStride, unsigned short* __restrict__ dv,
                                                    int dvStride, float* __restrict__ dkPart, float* __restrict__ dvPart,
                                                    const unsigned short* __restrict__ dout, int doutStride, const float* __restrict__ lse,
                                                    const float* __restrict__ delta, const unsigned short* __restrict__ q, int qStride,
                                                    const unsigned short* __restrict__ k, int kStride, const unsigned short* __restrict__ v,
                                                    int vStride, const int* __restrict__ docStart, int t, int heads, int groups,
                                                    float scale) {
    using T = Tiles<D>;
    constexpr int MW = T::dkvAtoms;
    constexpr int WN = 16 * MW;  // key rows per warp
    constexpr int BN = T::dkvWarps * WN;
    constexpr int BM = T::dkvQueries;
    constexpr int P = D + 8;
    constexpr int NB = BM / 8;
    constexpr int THREADS = T::dkvWarps * 32;
    unsigned short* sK = reinterpret_cast<unsigned short*>(flash_smem);
    unsigned short* sV = sK + BN * P;
    unsigned short* sQ = sV + BN * P;      // [2][BM][P]
    unsigned short* sO = sQ + 2 * BM * P;  // dO, [2][BM][P]
    float* sLse = reinterpret_cast<float*>(sO + 2 * BM * P);  // [2][BM], lse * log2e
    float* sDelta = sLse + 2 * BM;                              // [2][BM]
    int* sDoc = reinterpret_cast<int*>(sDelta + 2 * BM);        // [2][BM], docStart of the query

    int perGroup = heads / groups;
    int seq, g, hFirst, headsHere;
    if constexpr (T::dkvGroup) {
        seq = blockIdx.y / groups;
        g = blockIdx.y % groups;
        hFirst = g * perGroup;
        headsHere = perGroup;
    } else {
        seq = blockIdx.y / heads;
        hFirst = blockIdx.y % heads;
        g = hFirst / perGroup;
        headsHere = 1;
    }
    int tile = blockIdx.x;
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
    int tiles = (iEnd - 1) / BM - it0 + 1;
    int steps = headsHere * tiles;  // (head, query tile) pairs, head-major
    // The warp's keys kw0 .. kwLast.
    int kw0 = j0 + warp * WN;
    bool warpLive = kw0 < t;
    int kwLast = min(kw0 + WN, t) - 1;

    const unsigned short* ks = k + (long long) seq * t * kStride + g * D;
    const unsigned short* vs = v + (long long) seq * t * vStride + g * D;

    load_tile<D, BN, THREADS>(sK, ks, kStride, j0, t);
    load_tile<D, BN, THREADS>(sV, vs, vStride, j0, t);
    // Head and query tile of a step; without dkvGroup the step is the query tile (kept division-free: registers).
    auto headOf = [&](int step) { return T::dkvGroup ? step / tiles : 0; };
    auto queryTileOf = [&](int step) { return it0 + (T::dkvGroup ? step % tiles : step); };
    auto loadQueries = [&](int step, int buf) {
        int r = headOf(step);
        int i0 = queryTileOf(step) * BM;
        int h = hFirst + r;
        const unsigned short* qs = q + (long long) seq * t * qStride + h * D;
        const unsigned short* os = dout + (long long) seq * t * doutStride + h * D;
        const float* lseRow = lse + ((long long) seq * heads + h) * t;
        const float* deltaRow = delta + ((long long) seq * heads + h) * t;
        load_tile<D, BM, THREADS>(sQ + buf * BM * P, qs, qStride, i0, t);
        load_tile<D, BM, THREADS>(sO + buf * BM * P, os, doutStride, i0, t);
        for (int c = threadIdx.x; c < BM; c += THREADS) {
            int i = i0 + c;
            bool valid = i < t;
            sLse[buf * BM + c] = valid ? lseRow[i] * LOG2E : 0.f;
            sDelta[buf * BM + c] = valid ? deltaRow[i] : 0.f;
            sDoc[buf * BM + c] = valid ? ds[i] : 0x7fffffff;  // a query past T sees no key
        }
    };
    loadQueries(0, 0);
    cp_async_commit();

    int keyRow[MW][2];  // this thread's key rows: fragment rows lane/4 and lane/4 + 8 of each atom
#pragma unroll
    for (int m = 0; m < MW; m++) {
        keyRow[m][0] = kw0 + 16 * m + (lane >> 2);
        keyRow[m][1] = keyRow[m][0] + 8;
    }
    float scaleLog2 = scale * LOG2E;

    float dkAcc[MW][D / 8][4];
    float dvAcc[MW][D / 8][4];
#pragma unroll
    for (int m = 0; m < MW; m++) {
#pragma unroll
        for (int nd = 0; nd < D / 8; nd++) {
            dkAcc[m][nd][0] = dkAcc[m][nd][1] = dkAcc[m][nd][2] = dkAcc[m][nd][3] = 0.f;
            dvAcc[m][nd][0] = dvAcc[m][nd][1] = dvAcc[m][nd][2] = dvAcc[m][nd][3] = 0.f;
        }
    }

    for (int step = 0; step < steps; step++) {
        int buf = step & 1;
        if (step + 1 < steps) loadQueries(step + 1, buf ^ 1);
        cp_async_commit();
        cp_async_wait<1>();
        __syncthreads();
        const unsigned short* tQ = sQ + buf * BM * P;
        const unsigned short* tO = sO + buf * BM * P;
        const float* tLse = sLse + buf * BM;
        const float* tDelta = sDelta + buf * BM;
        const int* tDoc = sDoc + buf * BM;
        int i0 = queryTileOf(step) * BM;
        int iTop = min(i0 + BM, t) - 1;  // the tile's last real query
        // the warp's keys are seen unless every query is before them or in a document that starts after them
        if (warpLive && iTop >= kw0 && tDoc[0] <= kwLast) {
            float s[MW][NB][4];
            float dp[MW][NB][4];
#pragma unroll
            for (int m = 0; m < MW; m++) {
#pragma unroll
                for (int nb = 0; nb < NB; nb++) {
                    s[m][nb][0] = s[m][nb][1] = s[m][nb][2] = s[m][nb][3] = 0.f;
                    dp[m][nb][0] = dp[m][nb][1] = dp[m][nb][2] = dp[m][nb][3] = 0.f;
                }
            }
            gemm_abt<D, MW, NB>(s, sK, warp * WN, tQ, 0, lane);   // S^T: rows keys, columns queries
            gemm_abt<D, MW, NB>(dp, sV, warp * WN, tO, 0, lane);  // dP^T

            // masked: a query before a key (the diagonal), a query whose document starts after the warp's first key, a
            // query past T
            bool masked = i0 < kwLast || i0 + BM > t || tDoc[iTop - i0] > kw0;
#pragma unroll
            for (int m = 0; m < MW; m++) {
#pragma unroll
                for (int nb = 0; nb < NB; nb++) {
#pragma unroll
                    for (int e = 0; e < 4; e++) {
                        int c = nb * 8 + (lane & 3) * 2 + (e & 1);
                        int j = keyRow[m][e >> 1];
                        float p = exp2_approx(fmaf(s[m][nb][e], scaleLog2, -tLse[c]));
                        if (masked && (j < tDoc[c] || j > i0 + c)) p = 0.f;
                        s[m][nb][e] = p;
                        dp[m][nb][e] = p * (dp[m][nb][e] - tDelta[c]) * scale;  // dS^T
                    }
                }
            }
            unsigned a[MW][NB / 2][4];
#pragma unroll
            for (int m = 0; m < MW; m++) to_a_fragments<NB>(a[m], s[m]);
            gemm_pb<D, MW, NB / 2>(dvAcc, a, tO, 0, lane);
#pragma unroll
            for (int m = 0; m < MW; m++) to_a_fragments<NB>(a[m], dp[m]);
            gemm_pb<D, MW, NB / 2>(dkAcc, a, tQ, 0, lane);
        }
        __syncthreads();
    }

    if (T::dkvGroup || heads == groups) {
        // the warp's own K and V rows (no other warp reads them) stage the bf16 rows for coalesced stores
#pragma unroll
        for (int m = 0; m < MW; m++) {
            store_rows_bf16<D>(dkAcc[m], 1.f, 1.f, sK, warp * WN + 16 * m, dk + (long long) seq * t * dkStride + g * D, dkStride,
                               kw0 + 16 * m, t, lane);
            store_rows_bf16<D>(dvAcc[m], 1.f, 1.f, sV, warp * WN + 16 * m, dv + (long long) seq * t * dvStride + g * D, dvStride,
                               kw0 + 16 * m, t, lane);
        }
    } else {
        long long width = (long long) heads * D;
        float* dkRows = dkPart + (long long) seq * t * width + hFirst * D;
        float* dvRows = dvPart + (long long) seq * t * width + hFirst * D;
#pragma unroll
        for (int m = 0; m < MW; m++) {
#pragma unroll
            for (int nd = 0; nd < D / 8; nd++) {
                int col = nd * 8 + (lane & 3) * 2;
#pragma unroll
                for (int half = 0; half < 2; half++) {
                    int kr = keyRow[m][half];
                    if (kr < t) {
                        *reinterpret_cast<float2*>(dkRows + kr * width + col) = make_float2(dkAcc[m][nd][2 * half], dkAcc[m][nd][2 * half + 1]);
                        *reinterpret_cast<float2*>(dvRows + kr * width + col) = make_float2(dvAcc[m][nd][2 * half], dvAcc[m][nd][2 * half + 1]);
                    }
                }
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

// One set of kernels per supported head width, shaped by Tiles<D>; FlashAttention.java picks them by name.
#define FLASH_KERNELS(D)                                                                                                       \
    __global__ void __launch_bounds__(Tiles<D>::fwdWarps * 32) flash_forward_d##D(                                             \
        unsigned short* __restrict__ out, int outStride, float* __restrict__ lse, const unsigned short* __restrict__ q,         \
        int qStride, const unsigned short* __restrict__ k, int kStride, const unsigned short* __restrict__ v, int vStride,     \
        const int* __restrict__ docStart, int t, int heads, int groups, float scale) {                                         \
        flash_forward<D>(out, outStride, lse, q, qStride, k, kStride, v, vStride, docStart, t, heads, groups, scale);          \
    }                                                                                                                          \
    __global__ void __launch_bounds__(Tiles<D>::dqWarps * 32) flash_backward_dq_d##D(                                          \
        unsigned short* __restrict__ dq, int dqStride, const unsigned short* __restrict__ dout, int doutStride,                \
        const float* __restrict__ lse, const float* __restrict__ delta, const unsigned short* __restrict__ q, int qStride,      \
        const unsigned short* __restrict__ k, int kStride, const unsigned short* __restrict__ v, int vStride,                   \
        const int* __restrict__ docStart, int t, int heads, int groups, float scale) {                                         \
        flash_backward_dq<D>(dq, dqStride, dout, doutStride, lse, delta, q, qStride, k, kStride, v, vStride, docStart, t,      \
                             heads, groups, scale);                                                                            \
    }                                                                                                                          \
    __global__ void __launch_bounds__(Tiles<D>::dkvWarps * 32) flash_backward_dkdv_d##D(                                       \
        unsigned short* __restrict__ dk, int dkStride, unsigned short* __restrict__ dv, int dvStride,                          \
        float* __restrict__ dkPart, float* __restrict__ dvPart, const unsigned short* __restrict__ dout, int doutStride,       \
        const float* __restrict__ lse, const float* __restrict__ delta, const unsigned short* __restrict__ q, int qStride,      \
        const unsigned short* __restrict__ k, int kStride, const unsigned short* __restrict__ v, int vStride,                  \
        const int* __restrict__ docStart, int t, int heads, int groups, float scale) {                                         \
        flash_backward_dkdv<D>(dk, dkStride, dv, dvStride, dkPart, dvPart, dout, doutStride, lse, delta, q, qStride, k,       \
                               kStride, v, vStride, docStart, t, heads, groups, scale);                                        \
    }

FLASH_KERNELS(16)
FLASH_KERNELS(32)
FLASH_KERNELS(64)
FLASH_KERNELS(128)

}  // extern "C"
