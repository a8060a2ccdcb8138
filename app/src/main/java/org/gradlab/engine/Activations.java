package org.gradlab.engine;

/**
 * In-place activations over contiguous float ranges, vectorized when the Vector API is on. sigmoid is computed
 * through exp ({@link VectorMath#exp} in vector loops, ~10× cheaper than Math.exp); absolute error around 1e-7.
 * tanh is a rational function, x·P(x²)/Q(x²) of degrees 13 and 6, fitted to tanh on [0, 9.1] (relative error
 * 7.5e-9 in exact arithmetic; ≤ 5 ulps, 3e-7 absolute, as evaluated in fp32 — TanhTest) and clamped there, where
 * tanh rounds to ±1. Its fused multiply-adds are the same operations in a vector's lanes ({@link VectorMath#tanh})
 * and here, so every lane gives the scalar bits: a row's narrow last columns need no path of their own. It replaced
 * 1 − 2/(e^{2x} + 1) through exp (absolute error 3e-8, but up to 6e-8 absolute near 0, where tanh x ≈ x): a 50-unit
 * RNN's tails then needed Math.exp's bits, bracketed a double vector at a time, ~5% of its step.
 */
final class Activations {
    private Activations() {}

    static void sigmoid(float[] x, int off, int n) {
        if (VectorSupport.ENABLED) {
            VectorActivations.sigmoid(x, off, n);
            return;
        }
        for (int i = off; i < off + n; i++) x[i] = sigmoid(x[i]);
    }

    static void tanh(float[] x, int off, int n) {
        if (VectorSupport.ENABLED) {
            VectorActivations.tanh(x, off, n);
            return;
        }
        for (int i = off; i < off + n; i++) x[i] = tanh(x[i]);
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    static final float TANH_CLAMP = 9.1f, TANH_P1 = 0.13079755f, TANH_P2 = 0.003099196f, TANH_P3 = 1.1104276e-05f,
            TANH_P4 = -2.0020535e-08f, TANH_P5 = 5.1783453e-11f, TANH_P6 = -8.230114e-14f,
            TANH_Q1 = 0.46413082f, TANH_Q2 = 0.024476241f, TANH_Q3 = 0.00025391998f;

    /** x·P(x²)/Q(x²), x clamped to ±{@link #TANH_CLAMP} (Math.min/max: NaN stays NaN, −0 stays −0). */
    static float tanh(float v) {
        float x = Math.min(Math.max(v, -TANH_CLAMP), TANH_CLAMP), z = x * x;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(TANH_P6, z, TANH_P5), z, TANH_P4), z, TANH_P3), z,
                TANH_P2), z, TANH_P1), z, 1f);
        float q = Math.fma(Math.fma(Math.fma(TANH_Q3, z, TANH_Q2), z, TANH_Q1), z, 1f);
        return x * p / q;
    }
}
