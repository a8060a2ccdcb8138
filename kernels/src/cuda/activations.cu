// GELU, exact (erf) or the tanh approximation. Twins: CpuTransformerKernels.geluForward / geluBackward.
// Written without the float cancellation of 1 + erf / 1 + tanh in the negative tail (the CPU twin works in
// double): 0.5·(1 + erf(x/√2)) = 0.5·erfc(−x/√2) and 0.5·(1 + tanh u) = sigmoid(2u).
#include "common.cuh"

#define GL_SQRT_HALF 0.70710678118654752f
#define GL_INV_SQRT_2PI 0.39894228040143268f
#define GL_TANH_C 0.79788456080286536f

extern "C" __global__ void gelu_forward(int n, const float* __restrict__ x, float* out, int tanhApprox) {
    GL_FOR(i, n) {
        float v = x[i];
        float cdf = tanhApprox ? gl_sigmoid(2.f * GL_TANH_C * (v + 0.044715f * v * v * v))
                               : 0.5f * erfcf(-v * GL_SQRT_HALF);
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
            // 0.5·(1 − tanh²u) = 2·s·(1 − s) with s = sigmoid(2u)
            float s = gl_sigmoid(2.f * GL_TANH_C * (v + 0.044715f * v * v * v));
            grad = s + v * 2.f * s * (1.f - s) * GL_TANH_C * (1.f + 3.f * 0.044715f * v * v);
        } else {
            grad = 0.5f * erfcf(-v * GL_SQRT_HALF) + v * expf(-0.5f * v * v) * GL_INV_SQRT_2PI;
        }
        dx[i] = dOut[i] * grad;
    }
}
