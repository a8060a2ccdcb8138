// Fused gradient statistics and clipping over all tensors at once. Twins: SegmentJob and the segment
// methods of CpuBackend.
//
// The flat gradient buffer is cut by the host into blocks of at most a few thousand values that never
// cross a tensor (the segment table, uploaded once):
//   table = blockSeg[nb] | blockStart[nb] | blockEnd[nb] | segFirst[segments + 1]
// One launch does everything: each block optionally scales its values (the clip), measures them (Σx², Σ|x|,
// max|x| with NaN winning, non-finite count) and counts them into its tensor's histogram row; the last
// block to finish adds the per-block partials of each tensor in block order (deterministic), moves the
// histogram counters into the result and zeroes them for the next launch. The host then copies one small
// array of doubles back:
//   result = sumSq[S] | sumAbs[S] | maxAbs[S] | nonFinite[S] | histogram[histLen]
#include "common.cuh"

#define GL_WIDTH 58   // HistogramBins.WIDTH
#define GL_SIDE 27
#define GL_MIN_EXP (-40)

// HistogramBins.index: signed log-magnitude bins of two octaves from the exponent bits.
__device__ __forceinline__ int gl_hist_index(float v) {
    unsigned int bits = __float_as_uint(v);
    int e = (bits >> 23) & 0xFF;
    bool neg = (bits >> 31) != 0;
    if (e == 0xFF) {
        if ((bits & 0x7FFFFF) != 0) return 2 * GL_SIDE + 3;       // NaN
        return neg ? 2 * GL_SIDE + 2 : 2 * GL_SIDE + 1;           // −inf, +inf
    }
    if ((bits & 0x7FFFFFFF) == 0) return 2 * GL_SIDE;            // zero
    int k = (e - 127 - GL_MIN_EXP) >> 1;
    k = k < 0 ? 0 : (k >= GL_SIDE ? GL_SIDE - 1 : k);
    return neg ? GL_SIDE - 1 - k : GL_SIDE + k;
}

// True in every thread of the block that finished last (after its partials are visible to all).
__device__ __forceinline__ bool gl_last_block(unsigned int* counter, int nb) {
    __shared__ bool last;
    __threadfence();
    __syncthreads();
    if (threadIdx.x == 0) last = atomicAdd(counter, 1u) == (unsigned int)(nb - 1);
    __syncthreads();
    return last;
}

extern "C" __global__ void segment_stats(float* x, int nb, int segments, const int* __restrict__ table,
                                         const float* __restrict__ scale, const int* __restrict__ rowOf,
                                         int histLen, double* partial, unsigned int* histAcc, double* result,
                                         unsigned int* counter) {
    __shared__ double sh[GL_THREADS];
    __shared__ unsigned int hist[GL_WIDTH];
    int k = blockIdx.x;
    int s = table[k], start = table[nb + k], end = table[2 * nb + k];
    bool withHist = rowOf != 0;
    if (withHist)
        for (int i = threadIdx.x; i < GL_WIDTH; i += blockDim.x) hist[i] = 0;
    __syncthreads();
    float f = scale != 0 ? scale[s] : 1.f;
    bool scaled = f != 1.f;
    double sq = 0, ab = 0, mx = 0, bad = 0;
    for (int i = start + threadIdx.x; i < end; i += blockDim.x) {
        float v = x[i];
        if (scaled) {
            v *= f;
            x[i] = v;
        }
        float av = fabsf(v);
        sq += (double)v * v;
        ab += av;
        if (v != v) mx = gl_nanmax(mx, av);
        else if (av > mx) mx = av;
        if (!isfinite(v)) bad += 1;
        if (withHist) atomicAdd(&hist[gl_hist_index(v)], 1u);
    }
    sq = gl_block_sum(sq, sh);
    ab = gl_block_sum(ab, sh);
    mx = gl_block_nanmax(mx, sh);
    bad = gl_block_sum(bad, sh);
    if (threadIdx.x == 0) {
        partial[4 * k] = sq;
        partial[4 * k + 1] = ab;
        partial[4 * k + 2] = mx;
        partial[4 * k + 3] = bad;
    }
    if (withHist) {
        __syncthreads();
        unsigned int* row = histAcc + (long)rowOf[s] * GL_WIDTH;
        for (int i = threadIdx.x; i < GL_WIDTH; i += blockDim.x)
            if (hist[i] != 0) atomicAdd(&row[i], hist[i]);
    }
    if (!gl_last_block(counter, nb)) return;
    const volatile double* vp = partial;
    const int* segFirst = table + 3 * nb;
    for (int t = threadIdx.x; t < segments; t += blockDim.x) {
        double a = 0, b = 0, c = 0, d = 0;
        for (int q = segFirst[t]; q < segFirst[t + 1]; q++) {
            a += vp[4 * q];
            b += vp[4 * q + 1];
            c = gl_nanmax(c, vp[4 * q + 2]);
            d += vp[4 * q + 3];
        }
        result[t] = a;
        result[segments + t] = b;
        result[2 * segments + t] = c;
        result[3 * segments + t] = d;
    }
    for (int i = threadIdx.x; i < histLen; i += blockDim.x) result[4 * segments + i] = atomicExch(&histAcc[i], 0u);
    if (threadIdx.x == 0) *counter = 0;
}

// Σa² and, when b != 0, Σ(a − b)² per segment in one launch: result = sumSqA[S] | sumSqDiff[S].
extern "C" __global__ void segment_norms_diff(const float* __restrict__ a, const float* __restrict__ b, int nb,
                                              int segments, const int* __restrict__ table, double* partial,
                                              double* result, unsigned int* counter) {
    __shared__ double sh[GL_THREADS];
    int k = blockIdx.x;
    int start = table[nb + k], end = table[2 * nb + k];
    double sq = 0, d = 0;
    for (int i = start + threadIdx.x; i < end; i += blockDim.x) {
        float v = a[i];
        sq += (double)v * v;
        if (b != 0) {
            double e = v - b[i];
            d += e * e;
        }
    }
    sq = gl_block_sum(sq, sh);
    d = gl_block_sum(d, sh);
    if (threadIdx.x == 0) {
        partial[2 * k] = sq;
        partial[2 * k + 1] = d;
    }
    if (!gl_last_block(counter, nb)) return;
    const volatile double* vp = partial;
    const int* segFirst = table + 3 * nb;
    for (int t = threadIdx.x; t < segments; t += blockDim.x) {
        double x = 0, y = 0;
        for (int q = segFirst[t]; q < segFirst[t + 1]; q++) {
            x += vp[2 * q];
            y += vp[2 * q + 1];
        }
        result[t] = x;
        result[segments + t] = y;
    }
    if (threadIdx.x == 0) *counter = 0;
}

// x[segment s] *= factors[s], over the same block table.
extern "C" __global__ void scale_segments(float* x, int nb, const int* __restrict__ table,
                                          const float* __restrict__ factors) {
    int k = blockIdx.x;
    float f = factors[table[k]];
    for (int i = table[nb + k] + threadIdx.x; i < table[2 * nb + k]; i += blockDim.x) x[i] *= f;
}

// x = clamp(x, −limit, limit); NaN stays NaN (both comparisons are false).
extern "C" __global__ void clamp_values(float* x, int n, float limit) {
    GL_FOR(i, n) {
        float v = x[i];
        if (v > limit) x[i] = limit;
        else if (v < -limit) x[i] = -limit;
    }
}

// Row norms of many matrices in one launch (AGC's units): row r of the table is x[start[r] .. start[r] + len[r]),
// table = start[rows] | len[rows]. out[r] = sum a^2 and, when b != null, out[rows + r] = sum b^2 over the
// same elements. One block per row (grid-stride over rows), a fixed-order block sum.
extern "C" __global__ void row_table_sum_squares(const float* __restrict__ a, const float* __restrict__ b, int rows,
                                                 const int* __restrict__ table, double* out) {
    __shared__ double sh[GL_THREADS];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        long start = table[r];
        int len = table[rows + r];
        double sa = 0, sb = 0;
        for (int c = threadIdx.x; c < len; c += blockDim.x) {
            float v = a[start + c];
            sa += (double)v * v;
            if (b) {
                float w = b[start + c];
                sb += (double)w * w;
            }
        }
        sa = gl_block_sum(sa, sh);
        if (b) sb = gl_block_sum(sb, sh);  // b is the same for the whole block: every thread reaches the barrier
        if (threadIdx.x == 0) {
            out[r] = sa;
            if (b) out[rows + r] = sb;
        }
    }
}

// x[start[r] .. start[r] + len[r]) *= factors[r] for every row of the table (as above).
extern "C" __global__ void row_table_scale(float* x, int rows, const int* __restrict__ table,
                                           const float* __restrict__ factors) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        long start = table[r];
        int len = table[rows + r];
        float f = factors[r];
        for (int c = threadIdx.x; c < len; c += blockDim.x) x[start + c] *= f;
    }
}
