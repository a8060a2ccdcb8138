// GELU, exact (erf) or the tanh approximation. Twins: CpuTransformerKernels.geluForward / geluBackward.
#include "common.cuh"

#define GL_SQRT_HALF 0.70710678118654752f
#define GL_INV_SQRT_2PI 0.39894228040143268f
#define GL_TANH_C 0.79788456080286536f

extern "C" __global__ void gelu_forward(int n, const float* __restrict__ x, float* out, int tanhApprox) {
    GL_FOR(i, n) {
        float v = x[i];
        float cdf = tanhApprox ? 0.5f * (1.f + tanhf(GL_TANH_C * (v + 0.044715f * v * v * v)))
                               : 0.5f * (1.f + erff(v * GL_SQRT_HALF));
        out[i] = v * cdf;
    }
}

// dx = dOut ⊙ gelu'(x) (overwrites dx).
extern "C" __global__ void gelu_backward(int n, const float* __restrict__ x, const float* __restrict__ dOut,
                                         float* dx, int tanhApprox) {
    GL_FOR(i, n) {
        float v = x[i];
        float grad;
        if (tanhApprox) {
            float t = tanhf(GL_TANH_C * (v + 0.044715f * v * v * v));
            grad = 0.5f * (1.f + t) + 0.5f * v * (1.f - t * t) * GL_TANH_C * (1.f + 3.f * 0.044715f * v * v);
        } else {
            grad = 0.5f * (1.f + erff(v * GL_SQRT_HALF)) + v * expf(-0.5f * v * v) * GL_INV_SQRT_2PI;
        }
        dx[i] = dOut[i] * grad;
    }
}
