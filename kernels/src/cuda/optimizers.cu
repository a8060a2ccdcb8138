// PyTorch's single-tensor SGD and Adam/AdamW updates over the flat parameter buffer. Twins: CpuOptimizers.
// Step-dependent scalars (bias corrections) are computed on the host exactly as the CPU twin does.
#include "common.cuh"

extern "C" __global__ void sgd_step(int n, float* p, const float* __restrict__ g, float* buf, float lr,
                                    float momentum, float dampening, float wd, int nesterov, int first) {
    GL_FOR(i, n) {
        float d = g[i];
        if (wd != 0.f) d += wd * p[i];
        if (momentum != 0.f) {
            float b = first ? d : momentum * buf[i] + (1.f - dampening) * d;
            buf[i] = b;
            d = nesterov ? d + momentum * b : b;
        }
        p[i] -= lr * d;
    }
}

// decoupled = AdamW: p ← p·decay before the update; otherwise wd is added to the gradient.
extern "C" __global__ void adam_step(int n, float* p, const float* __restrict__ g, float* m, float* v, float b1,
                                     float b2, float eps, float wd, int decoupled, float decay, float stepSize,
                                     float sqrtBc2) {
    GL_FOR(i, n) {
        float d = g[i];
        if (!decoupled && wd != 0.f) d += wd * p[i];
        float pi = p[i];
        if (decoupled) pi *= decay;
        float mi = b1 * m[i] + (1.f - b1) * d;
        float vi = b2 * v[i] + (1.f - b2) * d * d;
        m[i] = mi;
        v[i] = vi;
        p[i] = pi - stepSize * mi / (sqrtf(vi) / sqrtBc2 + eps);
    }
}
