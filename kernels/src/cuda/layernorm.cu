// LayerNorm over rows of width dim. Twins: CpuTransformerKernels.layerNormForward / layerNormBackward.
// Launch with GL_THREADS threads per block and one block per row (dx) or a grid over columns (dw, db).
#include "common.cuh"

// Saves mean and rstd per row for the backward; statistics are summed in double like the CPU twin.
extern "C" __global__ void layernorm_forward(int rows, int dim, const float* __restrict__ x,
                                             const float* __restrict__ w, const float* __restrict__ b, float eps,
                                             float* out, float* mean, float* rstd) {
    __shared__ double sh[GL_THREADS];
    int r = blockIdx.x;
    if (r >= rows) return;
    const float* xr = x + (long)r * dim;
    double s = 0;
    for (int j = threadIdx.x; j < dim; j += blockDim.x) s += xr[j];
    double mu = gl_block_sum(s, sh) / dim;
    double v = 0;
    for (int j = threadIdx.x; j < dim; j += blockDim.x) {
        double d = xr[j] - mu;
        v += d * d;
    }
    v = gl_block_sum(v, sh);
    float rs = (float)(1.0 / sqrt(v / dim + eps));
    float m = (float)mu;
    float* o = out + (long)r * dim;
    for (int j = threadIdx.x; j < dim; j += blockDim.x) o[j] = (xr[j] - m) * rs * w[j] + b[j];
    if (threadIdx.x == 0) {
        mean[r] = m;
        rstd[r] = rs;
    }
}

// dx[r,:] += rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), one block per row.
extern "C" __global__ void layernorm_backward_dx(int rows, int dim, const float* __restrict__ x,
                                                 const float* __restrict__ w, const float* __restrict__ mean,
                                                 const float* __restrict__ rstd, const float* __restrict__ dOut,
                                                 float* dx) {
    __shared__ double sh[GL_THREADS];
    int r = blockIdx.x;
    if (r >= rows) return;
    const float* xr = x + (long)r * dim;
    const float* gr = dOut + (long)r * dim;
    float m = mean[r], rs = rstd[r];
    double sumD = 0, sumDX = 0;
    for (int j = threadIdx.x; j < dim; j += blockDim.x) {
        float xh = (xr[j] - m) * rs;
        float dxh = gr[j] * w[j];
        sumD += dxh;
        sumDX += dxh * xh;
    }
    float meanD = (float)(gl_block_sum(sumD, sh) / dim);
    float meanDX = (float)(gl_block_sum(sumDX, sh) / dim);
    float* o = dx + (long)r * dim;
    for (int j = threadIdx.x; j < dim; j += blockDim.x) {
        float xh = (xr[j] - m) * rs;
        float dxh = gr[j] * w[j];
        o[j] += rs * (dxh - meanD - xh * meanDX);
    }
}

// dw[j] += Σ_r dOut·x̂, db[j] += Σ_r dOut: one thread per column, rows in order (deterministic).
extern "C" __global__ void layernorm_backward_dwdb(int rows, int dim, const float* __restrict__ x,
                                                   const float* __restrict__ mean, const float* __restrict__ rstd,
                                                   const float* __restrict__ dOut, float* dw, float* db) {
    __shared__ float sh[GL_GROUPS * GL_COLS];
    int j = blockIdx.x * GL_COLS + threadIdx.x % GL_COLS, g = threadIdx.x / GL_COLS;
    float sw = 0.f, sb = 0.f;
    if (j < dim) {
        for (int r = g; r < rows; r += GL_GROUPS) {
            float gr = dOut[(long)r * dim + j];
            sw += gr * ((x[(long)r * dim + j] - mean[r]) * rstd[r]);
            sb += gr;
        }
    }
    sw = gl_sum_groups(sw, sh);
    sb = gl_sum_groups(sb, sh);
    if (g == 0 && j < dim) {
        dw[j] += sw;
        db[j] += sb;
    }
}
