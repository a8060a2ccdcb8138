// Dense kernels: the strided GEMM every Linear and recurrent projection uses, transpose, bias, column sums
// and the elementwise buffer helpers. Twins: CpuBackend.gemm / transpose / addBias / columnSums / fill /
// addInPlace.
#include "common.cuh"

#define BM 64
#define BN 64
#define BK 16

// One 64×64 tile of A·B with A(i,k) = A[i*ars + k*acs], B row-major [K,N] (ldb), over k in [kBegin, kEnd):
// 256 threads, 4×4 outputs per thread (rows ty + 16r, columns tx + 16c), each summed by one thread in k order.
__device__ __forceinline__ void gl_gemm_tile(int M, int N, int kBegin, int kEnd, const float* __restrict__ A,
                                             int ars, int acs, const float* __restrict__ B, int ldb, int row0,
                                             int col0, float acc[4][4]) {
    __shared__ float As[BK][BM + 1];
    __shared__ float Bs[BK][BN];
    int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
#pragma unroll
    for (int r = 0; r < 4; r++)
#pragma unroll
        for (int c = 0; c < 4; c++) acc[r][c] = 0.f;
    bool kContiguous = acs == 1;
    for (int k0 = kBegin; k0 < kEnd; k0 += BK) {
        for (int l = tid; l < BM * BK; l += GL_THREADS) {
            // consecutive threads read consecutive addresses whichever way A is laid out
            int ii = kContiguous ? l / BK : l % BM;
            int kk = kContiguous ? l % BK : l / BM;
            int gi = row0 + ii, gk = k0 + kk;
            As[kk][ii] = (gi < M && gk < kEnd) ? A[(long)gi * ars + (long)gk * acs] : 0.f;
        }
        for (int l = tid; l < BK * BN; l += GL_THREADS) {
            int kk = l / BN, jj = l % BN;
            int gk = k0 + kk, gj = col0 + jj;
            Bs[kk][jj] = (gk < kEnd && gj < N) ? B[(long)gk * ldb + gj] : 0.f;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < BK; kk++) {
            float a[4], b[4];
#pragma unroll
            for (int r = 0; r < 4; r++) a[r] = As[kk][ty + 16 * r];
#pragma unroll
            for (int c = 0; c < 4; c++) b[c] = Bs[kk][tx + 16 * c];
#pragma unroll
            for (int r = 0; r < 4; r++)
#pragma unroll
                for (int c = 0; c < 4; c++) acc[r][c] = fmaf(a[r], b[c], acc[r][c]);
        }
        __syncthreads();
    }
}

// Writes a tile's 4×4 outputs per thread (as gl_gemm_tile lays them out) plus bias[column] (when bias != null)
// into C (ldc), adding to C when accumulate.
__device__ __forceinline__ void gl_store_tile(float acc[4][4], int M, int N, int row0, int col0, float* C, int ldc,
                                              int accumulate, const float* __restrict__ bias) {
    int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
#pragma unroll
    for (int r = 0; r < 4; r++) {
        int gi = row0 + ty + 16 * r;
        if (gi >= M) continue;
#pragma unroll
        for (int c = 0; c < 4; c++) {
            int gj = col0 + tx + 16 * c;
            if (gj >= N) continue;
            float v = bias ? acc[r][c] + bias[gj] : acc[r][c];
            float* p = C + (long)gi * ldc + gj;
            *p = accumulate ? *p + v : v;
        }
    }
}

// C[M,N] = (accumulate ? C : 0) + (A·B + bias) with A(i,k) = A[i*ars + k*acs], B row-major [K,N] (ldb), C (ldc),
// bias per column (optional: a Linear layer's forward in one launch). 64×64 tile per block; each output is
// summed by one thread in k order, so results are deterministic.
extern "C" __global__ void gemm_strided(int M, int N, int K, const float* __restrict__ A, int ars, int acs,
                                        const float* __restrict__ B, int ldb, float* __restrict__ C, int ldc,
                                        int accumulate, const float* __restrict__ bias) {
    int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
    float acc[4][4];
    gl_gemm_tile(M, N, 0, K, A, ars, acs, B, ldb, row0, col0, acc);
    gl_store_tile(acc, M, N, row0, col0, C, ldc, accumulate, bias);
}

// Split-K for shapes with few tiles and a long K (a batch-sized M against a hidden-sized K: the recurrent
// GEMMs), where one block per tile would walk all of K alone. Block row y = slice * mTiles + tile row; slice
// z sums k in [z*kSlice, min(K, (z+1)*kSlice)) into P[z] ([M,N] row-major). gemm_splitk_reduce then adds
// the slices in slice order, so results stay deterministic.
extern "C" __global__ void gemm_splitk_partial(int M, int N, int K, int kSlice, int mTiles,
                                               const float* __restrict__ A, int ars, int acs,
                                               const float* __restrict__ B, int ldb, float* __restrict__ P) {
    int z = blockIdx.y / mTiles;
    int row0 = (blockIdx.y % mTiles) * BM, col0 = blockIdx.x * BN;
    int kBegin = z * kSlice, kEnd = min(K, kBegin + kSlice);
    float acc[4][4];
    gl_gemm_tile(M, N, kBegin, kEnd, A, ars, acs, B, ldb, row0, col0, acc);
    gl_store_tile(acc, M, N, row0, col0, P + (long)z * M * N, N, 0, 0);
}

// C[i,j] = (accumulate ? C[i,j] : 0) + (sum over z of P[z][i,j], z in order, + bias[j] when bias != null).
extern "C" __global__ void gemm_splitk_reduce(int M, int N, int slices, const float* __restrict__ P,
                                              float* __restrict__ C, int ldc, int accumulate,
                                              const float* __restrict__ bias) {
    long mn = (long)M * N;
    GL_FOR(i, mn) {
        float s = P[i];
        for (int z = 1; z < slices; z++) s += P[z * mn + i];
        if (bias) s += bias[i % N];
        float* p = C + (i / N) * ldc + i % N;
        *p = accumulate ? *p + s : s;
    }
}

// dst[cols,rows] = src[rows,cols]ᵀ through a 32×32 shared tile (both sides coalesced).
extern "C" __global__ void transpose(const float* __restrict__ src, int rows, int cols, float* __restrict__ dst) {
    __shared__ float tile[32][33];
    int bx = blockIdx.x * 32, by = blockIdx.y * 32;
    int tx = threadIdx.x % 32, ty = threadIdx.x / 32;  // 256 threads: 8 rows per pass
    for (int y = ty; y < 32; y += 8) {
        int r = by + y, c = bx + tx;
        if (r < rows && c < cols) tile[y][tx] = src[(long)r * cols + c];
    }
    __syncthreads();
    for (int y = ty; y < 32; y += 8) {
        int c = bx + y, r = by + tx;
        if (r < rows && c < cols) dst[(long)c * rows + r] = tile[tx][y];
    }
}

// C[i,j] += bias[j].
extern "C" __global__ void add_bias(float* c, int m, int n, int ldc, const float* __restrict__ bias) {
    GL_FOR(e, (long)m * n) {
        long i = e / n;
        int j = (int)(e % n);
        c[i * ldc + j] += bias[j];
    }
}

// dst[j] += Σ_i A[i,j]: one thread per column, rows in order (same order as the CPU twin).
extern "C" __global__ void column_sums(const float* __restrict__ a, int m, int n, int lda, float* dst) {
    __shared__ float sh[GL_GROUPS * GL_COLS];
    int j = blockIdx.x * GL_COLS + threadIdx.x % GL_COLS, g = threadIdx.x / GL_COLS;
    float s = 0.f;
    if (j < n)
        for (int i = g; i < m; i += GL_GROUPS) s += a[(long)i * lda + j];
    s = gl_sum_groups(s, sh);
    if (g == 0 && j < n) dst[j] += s;
}

extern "C" __global__ void fill(float* dst, int n, float value) {
    GL_FOR(i, n) dst[i] = value;
}

extern "C" __global__ void add_inplace(const float* __restrict__ src, float* dst, int n) {
    GL_FOR(i, n) dst[i] += src[i];
}
