package org.gradlab.engine;

/**
 * One optimizer update over a flat parameter buffer, with PyTorch's single-tensor formulas (torch/optim/sgd.py,
 * adam.py, adamw.py): set for a step by {@link #sgd} or {@link #adam}, then applied range by range, so that threads
 * can share the buffer and a statistics pass can measure each range while it is in cache. Every value's update is
 * its own: the same bits whatever the ranges. Whole vectors take {@link VectorOptimizers}' loops (the same float
 * operations in the same order, no fused multiply-add), the rest this class's scalar loops.
 */
final class ParamUpdate {
    boolean isAdam;
    float[] p, g, m, v;
    float lr, momentum, dampening, wd;
    boolean nesterov, first;
    float b1, b2, eps, stepSize, sqrtBc2, decay;
    boolean decoupled;

    /** SGD: buf may be null (no momentum). */
    void sgd(float[] p, float[] g, float[] buf, float lr, float momentum, float dampening, float wd, boolean nesterov,
             boolean first) {
        isAdam = false;
        this.p = p;
        this.g = g;
        this.m = buf;
        this.lr = lr;
        this.momentum = momentum;
        this.dampening = dampening;
        this.wd = wd;
        this.nesterov = nesterov;
        this.first = first;
    }

    /** Adam, or AdamW when decoupled (p ← p·(1 − lr·wd) before the update; otherwise wd is added to the gradient). */
    void adam(float[] p, float[] g, float[] m, float[] v, float lr, float b1, float b2, float eps, float wd,
              boolean decoupled, int step) {
        isAdam = true;
        this.p = p;
        this.g = g;
        this.m = m;
        this.v = v;
        this.b1 = b1;
        this.b2 = b2;
        this.eps = eps;
        this.wd = wd;
        this.decoupled = decoupled;
        // host-side scalars as the CUDA backend computes them, so both backends round alike
        double bc1 = 1 - Math.pow(b1, step), bc2 = 1 - Math.pow(b2, step);
        stepSize = (float) (lr / bc1);
        sqrtBc2 = (float) Math.sqrt(bc2);
        decay = decoupled ? 1f - lr * wd : 1f;
    }

    /** Updates values [from, to). */
    void apply(int from, int to) {
        int i = from;
        if (VectorSupport.ENABLED) i = isAdam ? VectorOptimizers.adam(this, from, to) : VectorOptimizers.sgd(this, from, to);
        if (isAdam) adamScalar(i, to);
        else sgdScalar(i, to);
    }

    /** The scalar reference for [from, to). */
    void applyScalar(int from, int to) {
        if (isAdam) adamScalar(from, to);
        else sgdScalar(from, to);
    }

    private void sgdScalar(int from, int to) {
        for (int i = from; i < to; i++) {
            float d = g[i];
            if (wd != 0f) d += wd * p[i];
            if (momentum != 0f) {
                float b = first ? d : momentum * m[i] + (1f - dampening) * d;
                m[i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            p[i] -= lr * d;
        }
    }

    private void adamScalar(int from, int to) {
        for (int i = from; i < to; i++) {
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
