package org.gradlab.engine;

/** exp(x − shift) over a row with its sum: the vector path when enabled, plain Math.exp otherwise. */
final class Softmax {
    private Softmax() {}

    static float expShiftInto(float[] src, int so, int n, float shift, float[] dst, int dOff) {
        if (VectorSupport.ENABLED) return VectorMath.expShiftInto(src, so, n, shift, dst, dOff);
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(src[so + i] - shift);
            dst[dOff + i] = e;
            sum += e;
        }
        return sum;
    }
}
