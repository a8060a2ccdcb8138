package org.gradlab.engine;

/**
 * One block's gradient statistics as they accumulate (Σv², Σ|v|, max |v| skipping NaN, the non-finite count,
 * whether a NaN was seen): the scalar loop over values is here once, for the scalar path and for the values after
 * the vector path's last whole vector. One instance per thread, reset for each block.
 */
final class BlockStats {
    double sq, abs;
    float max;
    long bad;
    boolean nan;

    void reset() {
        sq = 0;
        abs = 0;
        max = 0;
        bad = 0;
        nan = false;
    }

    /**
     * Values [i0, i1) of x, multiplied by f in place first when f != 1, counted into h[row + bin] when h != null.
     * The running figures stay in locals for the loop: two threads' instances may share a cache line.
     */
    void add(float[] x, int i0, int i1, float f, long[] h, int row) {
        boolean scaled = f != 1f;
        double sq = this.sq, ab = this.abs;
        float mx = this.max;
        long bd = this.bad;
        boolean sawNaN = this.nan;
        for (int i = i0; i < i1; i++) {
            float v = x[i];
            if (scaled) {
                v *= f;
                x[i] = v;
            }
            float av = Math.abs(v);
            sq += (double) v * v;
            ab += av;
            if (av > mx) mx = av;
            if (!Float.isFinite(v)) {
                bd++;
                if (v != v) sawNaN = true;
            }
            if (h != null) h[row + HistogramBins.index(v)]++;
        }
        this.sq = sq;
        this.abs = ab;
        this.max = mx;
        this.bad = bd;
        this.nan = sawNaN;
    }

    /** This block's figures into index k of the per-block arrays. */
    void store(int k, double[] sqOut, double[] absOut, double[] maxOut, long[] badOut, boolean[] nanOut) {
        sqOut[k] = sq;
        absOut[k] = abs;
        maxOut[k] = max;
        badOut[k] = bad;
        nanOut[k] = nan;
    }
}
