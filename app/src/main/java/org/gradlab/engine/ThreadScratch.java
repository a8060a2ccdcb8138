package org.gradlab.engine;

/** Each worker thread's scratch, kept between calls so a step allocates nothing: floats grown on demand, GEMM blocks. */
final class ThreadScratch {
    private final float[][] floats;
    private final double[][] doubles;
    /** Each thread's lanes for the float-summed norms ({@link VectorNorms#laneScratch}), apart from its doubles. */
    private final double[][] lanes;
    private final VectorGemm.Scratch[] gemm;
    private static final int LINE_BYTES = 64;

    ThreadScratch(int threads) {
        floats = new float[threads][256];
        doubles = new double[threads][256];
        lanes = new double[threads][];
        for (int i = 0; i < threads; i++) lanes[i] = VectorNorms.laneScratch();
        gemm = new VectorGemm.Scratch[threads];
        if (VectorSupport.ENABLED) for (int i = 0; i < threads; i++) gemm[i] = new VectorGemm.Scratch();
    }

    int threads() {
        return floats.length;
    }

    /**
     * Thread `chunk`'s floats, at least n of them (contents undefined), allocated a cache line longer than asked:
     * arrays may lie side by side, and one thread's last values must not share a line with another's array.
     */
    float[] floats(int chunk, int n) {
        int pad = LINE_BYTES / Float.BYTES;
        if (floats[chunk].length < n + pad) floats[chunk] = new float[Math.max(n, 2 * floats[chunk].length) + pad];
        return floats[chunk];
    }

    /** Thread `chunk`'s doubles, at least n of them (contents undefined), a cache line longer as {@link #floats}. */
    double[] doubles(int chunk, int n) {
        int pad = LINE_BYTES / Double.BYTES;
        if (doubles[chunk].length < n + pad) doubles[chunk] = new double[Math.max(n, 2 * doubles[chunk].length) + pad];
        return doubles[chunk];
    }

    /** Thread `chunk`'s lanes for {@link SegmentJob#blockSumSq}'s float sums (a recurrence's per-step gradient sums). */
    double[] lanes(int chunk) {
        return lanes[chunk];
    }

    /** Thread `chunk`'s vector-GEMM blocks (null without the Vector API). */
    VectorGemm.Scratch gemm(int chunk) {
        return gemm[chunk];
    }
}
