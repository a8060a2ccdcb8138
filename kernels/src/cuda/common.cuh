// Shared helpers of the GradLab kernels: launch geometry and deterministic block reductions.
// Every reduction here is a fixed tree over a fixed block size, so a kernel's result does not depend on
// scheduling: two runs on the same GPU give the same bits (the engine's rerun guarantee).
#pragma once

#define GL_THREADS 256

// Grid-stride loop over [0, n).
#define GL_FOR(i, n) for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < (long)(n); \
                          i += (long)blockDim.x * gridDim.x)

__device__ __forceinline__ float gl_sigmoid(float x) { return 1.f / (1.f + expf(-x)); }

// Max that lets NaN win (the statistics report NaN as the max of a tensor holding one).
__device__ __forceinline__ double gl_nanmax(double a, double b) {
    if (a != a || b != b) return __longlong_as_double(0x7ff8000000000000LL);
    return a > b ? a : b;
}

struct GlSum { template <class T> __device__ T operator()(T a, T b) const { return a + b; } };
struct GlMax { __device__ float operator()(float a, float b) const { return fmaxf(a, b); } };
struct GlNanMax { __device__ double operator()(double a, double b) const { return gl_nanmax(a, b); } };

// Reduces v over the block with op (blockDim.x a power of two, at most 1024, sh holding blockDim.x values);
// every thread gets the result.
template <class T, class Op>
__device__ __forceinline__ T gl_block_reduce(T v, T* sh, Op op) {
    int t = threadIdx.x;
    sh[t] = v;
    __syncthreads();
    for (int s = blockDim.x >> 1; s > 0; s >>= 1) {
        if (t < s) sh[t] = op(sh[t], sh[t + s]);
        __syncthreads();
    }
    T r = sh[0];
    __syncthreads();
    return r;
}

__device__ __forceinline__ double gl_block_sum(double v, double* sh) { return gl_block_reduce(v, sh, GlSum()); }
__device__ __forceinline__ float gl_block_sumf(float v, float* sh) { return gl_block_reduce(v, sh, GlSum()); }
__device__ __forceinline__ float gl_block_maxf(float v, float* sh) { return gl_block_reduce(v, sh, GlMax()); }
__device__ __forceinline__ double gl_block_nanmax(double v, double* sh) { return gl_block_reduce(v, sh, GlNanMax()); }

// Column reductions (bias gradients, LayerNorm's dw/db) run 32 columns × 8 row groups per block: thread
// (column c, group g) walks rows g, g+8, …, so each thread waits on an eighth of the rows, and the groups are
// added in group order (deterministic).
#define GL_COLS 32
#define GL_GROUPS 8

// The sum of v over the row groups of column threadIdx.x % GL_COLS, valid in group 0's threads.
__device__ __forceinline__ float gl_sum_groups(float v, float* sh) {
    int c = threadIdx.x % GL_COLS, g = threadIdx.x / GL_COLS;
    sh[g * GL_COLS + c] = v;
    __syncthreads();
    float s = 0.f;
    if (g == 0)
        for (int q = 0; q < GL_GROUPS; q++) s += sh[q * GL_COLS + c];
    __syncthreads();
    return s;
}
