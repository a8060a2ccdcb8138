package org.gradlab.engine;

/**
 * A softmax row's element-wise passes: the vector path when enabled, plain loops otherwise. Each is the same float
 * operation per element either way (the max is order-free), so the two paths give the same bits — except exp,
 * whose vector lanes are {@link VectorMath#exp} and whose tail is Math.exp.
 */
final class Softmax {
    private Softmax() {}

    /**
     * One causal attention row in place: x[o, o+n) ← softmax(scale · x[o, o+n)) and x[o+n, o+len) ← 0. The vector path
     * takes exp a whole vector at a time, the lanes past n fed −∞ (a term of ~1e−38 beside a sum of at least 1): a
     * per-element Math.exp over each row's last few values had cost as much as all the rest of the softmax.
     */
    static void causalRow(float[] x, int o, int n, int len, float scale) {
        float max = scaleAndMax(x, o, n, scale);
        // the vector path: x[o+n, o+pad) set to −∞ (exp gives ~1e−38 there in a vector) so the row is taken in whole
        // vectors up to pad, n rounded up to a vector and at most len
        int pad = VectorSupport.ENABLED ? Math.min(len, (n + VectorGemm.L - 1) / VectorGemm.L * VectorGemm.L) : n;
        java.util.Arrays.fill(x, o + n, o + pad, Float.NEGATIVE_INFINITY);
        float sum = expShiftInto(x, o, pad, max, x, o);
        scale(x, o, n, 1f / sum);
        java.util.Arrays.fill(x, o + n, o + len, 0f);
    }

    /** The largest of x[o, o + n) (−∞ for none, NaN never chosen: a row with one is NaN throughout after exp). */
    static float max(float[] x, int o, int n) {
        if (VectorSupport.ENABLED) return VectorMath.max(x, o, n);
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) if (x[o + j] > max) max = x[o + j];
        return max;
    }

    /** x[o + j] *= scale for j < n; returns the largest (−∞ for none, NaN never chosen). */
    static float scaleAndMax(float[] x, int o, int n, float scale) {
        if (VectorSupport.ENABLED) return VectorMath.scaleAndMax(x, o, n, scale);
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            float s = x[o + j] * scale;
            x[o + j] = s;
            if (s > max) max = s;
        }
        return max;
    }

    /** x[o + j] *= f for j < n. */
    static void scale(float[] x, int o, int n, float f) {
        if (VectorSupport.ENABLED) {
            VectorMath.scale(x, o, n, f);
            return;
        }
        for (int j = 0; j < n; j++) x[o + j] *= f;
    }

    /** The softmax backward's dS = P ⊙ (dP − dot) · scale, in place of dP: d[dOff + j] for j < n. */
    static void gradient(float[] p, int pOff, float[] d, int dOff, int n, float dot, float scale) {
        if (VectorSupport.ENABLED) {
            VectorMath.softmaxGradient(p, pOff, d, dOff, n, dot, scale);
            return;
        }
        for (int j = 0; j < n; j++) d[dOff + j] = p[pOff + j] * (d[dOff + j] - dot) * scale;
    }

    static float expShiftInto(float[] src, int so, int n, float shift, float[] dst, int dOff) {
        if (VectorSupport.ENABLED) return VectorActivations.expShiftInto(src, so, n, shift, dst, dOff);
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(src[so + i] - shift);
            dst[dOff + i] = e;
            sum += e;
        }
        return sum;
    }
}
