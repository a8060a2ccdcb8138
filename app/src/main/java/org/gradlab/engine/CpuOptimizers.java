package org.gradlab.engine;

/** PyTorch's single-tensor update formulas (torch/optim/sgd.py, adam.py, adamw.py), over flat buffers. */
final class CpuOptimizers {
    private CpuOptimizers() {}

    static void sgd(int n, float[] p, float[] g, float[] buf, float lr, float momentum, float dampening,
                    float wd, boolean nesterov, boolean first) {
        for (int i = 0; i < n; i++) {
            float d = g[i];
            if (wd != 0f) d += wd * p[i];
            if (momentum != 0f) {
                float b = first ? d : momentum * buf[i] + (1f - dampening) * d;
                buf[i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            p[i] -= lr * d;
        }
    }

    /** decoupled = AdamW: p ← p·(1 − lr·wd) before the Adam update; otherwise wd is added to the gradient. */
    static void adam(int n, float[] p, float[] g, float[] m, float[] v, float lr, float b1, float b2, float eps,
                     float wd, boolean decoupled, int step) {
        double bc1 = 1 - Math.pow(b1, step), bc2 = 1 - Math.pow(b2, step);
        float stepSize = (float) (lr / bc1);
        float sqrtBc2 = (float) Math.sqrt(bc2);
        float decay = decoupled ? 1f - lr * wd : 1f;
        for (int i = 0; i < n; i++) {
            float d = g[i];
            if (!decoupled && wd != 0f) d += wd * p[i];
            if (decoupled) p[i] *= decay;
            float mi = b1 * m[i] + (1f - b1) * d;
            float vi = b2 * v[i] + (1f - b2) * d * d;
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * mi / ((float) Math.sqrt(vi) / sqrtBc2 + eps);
        }
    }
}
