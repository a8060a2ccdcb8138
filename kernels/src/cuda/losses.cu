// Losses (mean over rows). Twins: CpuLosses. A rows kernel writes each row's loss and a bad-target flag
// into doubles, then reduce_rows adds them in a fixed tree; the host copies back two doubles.
#include "common.cuh"

// One block per row: loss_r = log Σ exp(x − max) + max − x[target]; when dLogits != 0 it receives
// (softmax − onehot)/rows. rowOut[r] = loss_r, rowOut[rows + r] = 1 when the target is out of range.
extern "C" __global__ void cross_entropy_rows(int rows, int classes, const float* __restrict__ logits,
                                              const int* __restrict__ targets, float* dLogits, double* rowOut) {
    __shared__ float red[GL_THREADS];
    int r = blockIdx.x;
    if (r >= rows) return;
    const float* x = logits + (long)r * classes;
    int target = targets[r];
    bool bad = target < 0 || target >= classes;
    float mx = -INFINITY;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) mx = fmaxf(mx, x[j]);
    mx = gl_block_maxf(mx, red);
    float sum = 0.f;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) sum += expf(x[j] - mx);
    sum = gl_block_sumf(sum, red);
    float invRows = 1.f / rows;
    if (dLogits != 0) {
        float* d = dLogits + (long)r * classes;
        float scale = invRows / sum;
        for (int j = threadIdx.x; j < classes; j += blockDim.x) {
            float v = expf(x[j] - mx) * scale;
            d[j] = (!bad && j == target) ? v - invRows : v;
        }
    }
    if (threadIdx.x == 0) {
        rowOut[r] = bad ? 0.0 : log((double)sum) + mx - x[target];
        rowOut[rows + r] = bad ? 1.0 : 0.0;
    }
}

// One block per element range: sq[i] = (pred − target)², dPred = 2·(pred − target)/n.
extern "C" __global__ void mse_elements(int n, const float* __restrict__ pred, const float* __restrict__ target,
                                        float* dPred, double* sq) {
    GL_FOR(i, n) {
        double e = (double)pred[i] - target[i];
        sq[i] = e * e;
        if (dPred != 0) dPred[i] = (float)(2 * e / n);
    }
}

// out[c] = Σ_i in[c*n + i] for c < count, by one block in a fixed tree.
extern "C" __global__ void reduce_rows(int n, int count, const double* __restrict__ in, double* out) {
    __shared__ double sh[GL_THREADS];
    for (int c = 0; c < count; c++) {
        double s = 0;
        for (int i = threadIdx.x; i < n; i += blockDim.x) s += in[(long)c * n + i];
        s = gl_block_sum(s, sh);
        if (threadIdx.x == 0) out[c] = s;
    }
}
