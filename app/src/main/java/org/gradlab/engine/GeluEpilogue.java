package org.gradlab.engine;

/**
 * GELU, or its backward in place, on each finished region of a product's C (m × n, ldc = n): the bits of
 * {@link CpuBackend#geluForward} / {@link CpuBackend#geluBackward} over all m·n values, whose vector loop takes every
 * value before the last whole vector of them and the scalar formula the rest (all of them for the tanh
 * approximation, or without the vector module). Each lane's value depends on that lane alone, so a region may start
 * anywhere; a run of fewer than a vector's values before that end goes through a padded vector.
 * <p>
 * With the slope kept (forward's and backward's `slope`), the forward leaves GELU's slope in C where the vector formula
 * took the value (the pre-activation elsewhere), and the backward from it multiplies there: geluBackward's bits
 * without its exp, divide and polynomials a second time.
 */
final class GeluEpilogue implements GemmEpilogue {
    private boolean backward, tanhApprox, slope;
    private int cBase, vectorEnd;
    /** Forward: the output (value e at other[otherOff + e]); backward: GELU's input x. */
    private float[] other;
    private int otherOff;

    /**
     * out[outOff + e] = gelu(C value e) for the product's m·n values of C from c[cOff]; with slope, C value e then
     * ← gelu'(C value e) where the vector formula takes it.
     */
    GeluEpilogue forward(int cOff, int values, float[] out, int outOff, boolean tanh, boolean slope) {
        return set(false, slope, cOff, values, out, outOff, tanh);
    }

    /**
     * C value e ← C value e · gelu'(x[xOff + e]); with slope, x as forward with slope left it (of as many values): the
     * slope itself where the vector formula takes x.
     */
    GeluEpilogue backward(int cOff, int values, float[] x, int xOff, boolean tanh, boolean slope) {
        return set(true, slope, cOff, values, x, xOff, tanh);
    }

    private GeluEpilogue set(boolean backward, boolean slope, int cOff, int values, float[] other, int otherOff, boolean tanh) {
        this.backward = backward;
        this.slope = slope;
        this.tanhApprox = tanh;
        this.cBase = cOff;
        this.other = other;
        this.otherOff = otherOff;
        this.vectorEnd = vectors() ? values - values % VectorGemm.L : 0;
        return this;
    }

    private boolean vectors() {
        return VectorSupport.ENABLED && !tanhApprox;
    }

    /** Drops the arrays (the backend keeps one of these between products). */
    void clear() {
        other = null;
    }

    @Override
    public void finished(float[] c, int start, int rows, int cols, int ldc) {
        int e = start - cBase;
        if (cols == ldc) {
            span(c, e, e + rows * cols);
            return;
        }
        for (int r = 0; r < rows; r++, e += ldc) span(c, e, e + cols);
    }

    /** Values [e0, e1): the vector formula below vectorEnd, whole vectors then a padded one; the scalar one after. */
    private void span(float[] c, int e0, int e1) {
        int v1 = Math.max(e0, Math.min(e1, vectorEnd));
        if (v1 > e0) {
            int lanes = VectorGemm.L, whole = e0 + (v1 - e0) / lanes * lanes;
            if (whole > e0) vector(c, e0, whole);
            if (v1 > whole) padded(c, whole, v1, lanes);
        }
        if (e1 > v1) scalar(c, v1, e1);
    }

    private void vector(float[] c, int e0, int e1) {
        if (backward && slope) VectorActivations.geluBackwardBySlope(e0, e1, other, otherOff, c, cBase, c, cBase);
        else if (backward) VectorActivations.geluBackward(e0, e1, other, otherOff, c, cBase, c, cBase);
        else if (slope) VectorActivations.geluForwardSlope(e0, e1, c, cBase, other, otherOff);
        else VectorActivations.geluForward(e0, e1, c, cBase, other, otherOff);
    }

    private void scalar(float[] c, int e0, int e1) {
        if (backward) CpuTransformerKernels.geluBackward(e0, e1, other, otherOff, c, cBase, c, cBase, tanhApprox);
        else CpuTransformerKernels.geluForward(e0, e1, c, cBase, other, otherOff, tanhApprox);
    }

    /** Fewer than a vector's values, each by the vector formula: through a vector padded with zeros. */
    private void padded(float[] c, int e0, int e1, int lanes) {
        int w = e1 - e0;
        float[] x = new float[lanes], v = new float[lanes];
        if (backward) {
            System.arraycopy(other, otherOff + e0, x, 0, w);
            System.arraycopy(c, cBase + e0, v, 0, w);
            if (slope) VectorActivations.geluBackwardBySlope(0, lanes, x, 0, v, 0, v, 0);
            else VectorActivations.geluBackward(0, lanes, x, 0, v, 0, v, 0);
            System.arraycopy(v, 0, c, cBase + e0, w);
        } else {
            System.arraycopy(c, cBase + e0, x, 0, w);
            if (slope) VectorActivations.geluForwardSlope(0, lanes, x, 0, v, 0);
            else VectorActivations.geluForward(0, lanes, x, 0, v, 0);
            System.arraycopy(v, 0, other, otherOff + e0, w);
            if (slope) System.arraycopy(x, 0, c, cBase + e0, w);
        }
    }
}
