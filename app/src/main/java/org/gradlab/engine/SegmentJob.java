package org.gradlab.engine;

import java.util.Arrays;

/**
 * The CPU twin of the fused gradient-statistics kernel: segments are cut into fixed blocks of
 * {@value #BLOCK} values, threads take blocks in turn, and per-block partial sums are added in block order —
 * so the sums are the same whatever the number of threads (histogram counts are integers and order-free).
 */
final class SegmentJob implements WorkerPool.Job {
    static final int BLOCK = 1 << 15;

    private final int threads;
    private int[] lastOffsets;
    private int[] lastSizes;
    private int blocks;
    private int[] blockSeg = new int[64], blockStart = new int[64], blockEnd = new int[64];
    private double[] bSq = new double[64], bAbs = new double[64], bMax = new double[64], bDiff = new double[64];
    private long[] bBad = new long[64];
    private boolean[] bNaN = new boolean[64];
    private long[][] hist;
    private int segments;

    /** normsMode: Σa² (and Σ(a−b)² when diff) instead of the full statistics. */
    boolean normsMode, diff, histogram;
    float[] a, b, scale;
    int[] rowOf;

    /** Each thread's scratch for one vector's histogram bins. */
    private final int[][] bins;
    private final double[][] lanes;
    private final BlockStats[] blockStats;

    SegmentJob(int threads) {
        this.threads = threads;
        this.hist = new long[threads][0];
        this.bins = new int[threads][];
        this.lanes = new double[threads][];
        this.blockStats = new BlockStats[threads];
        for (int t = 0; t < threads; t++) blockStats[t] = new BlockStats();
        for (int t = 0; t < threads && VectorSupport.ENABLED; t++) {
            bins[t] = VectorSegmentStats.binScratch();
            lanes[t] = VectorNorms.laneScratch();
        }
    }

    /** Cuts the segments into blocks (cached while the same segment table is used). */
    void prepare(int[] offsets, int[] sizes) {
        if (offsets == lastOffsets && sizes == lastSizes) return;
        segments = offsets.length;
        int n = 0;
        for (int s = 0; s < segments; s++) n += Math.max(1, (sizes[s] + BLOCK - 1) / BLOCK);
        if (blockSeg.length < n) {
            blockSeg = new int[n];
            blockStart = new int[n];
            blockEnd = new int[n];
            bSq = new double[n];
            bAbs = new double[n];
            bMax = new double[n];
            bDiff = new double[n];
            bBad = new long[n];
            bNaN = new boolean[n];
        }
        int k = 0;
        for (int s = 0; s < segments; s++) {
            int start = offsets[s], end = offsets[s] + sizes[s];
            do {
                blockSeg[k] = s;
                blockStart[k] = start;
                blockEnd[k] = Math.min(end, start + BLOCK);
                start = blockEnd[k];
                k++;
            } while (start < end);
        }
        blocks = k;
        lastOffsets = offsets;
        lastSizes = sizes;
    }

    void ensureHistograms(int n) {
        for (int t = 0; t < threads; t++) if (hist[t].length < n) hist[t] = new long[n];
    }

    @Override
    public void run(int chunk, int chunks) {
        long[] h = histogram ? hist[chunk] : null;
        if (h != null) Arrays.fill(h, 0);
        for (int k = chunk; k < blocks; k += chunks) {
            int s = blockSeg[k];
            if (normsMode) {
                normsAndDiff(k, lanes[chunk]);
            } else {
                BlockStats acc = blockStats[chunk];
                acc.reset();
                float f = scale == null ? 1f : scale[s];
                int row = h == null ? -1 : rowOf[s] * HistogramBins.WIDTH;
                if (VectorSupport.ENABLED) VectorSegmentStats.block(a, blockStart[k], blockEnd[k], f, h, row, bins[chunk], lanes[chunk], acc);
                else acc.add(a, blockStart[k], blockEnd[k], f, h, row);
                acc.store(k, bSq, bAbs, bMax, bBad, bNaN);
            }
        }
    }

    private void normsAndDiff(int k, double[] laneScratch) {
        double sq = 0, d = 0;
        float[] x = a, y = b;
        int i = blockStart[k], end = blockEnd[k];
        if (VectorSupport.ENABLED) {
            // widened to double a vector at a time (a sum of squares per time step of a recurrent layer's gradient
            // runs every step: a scalar running sum cost ~2% of a small RNN's step; the weights' change a step,
            // scalar, ~1 ms of the LSTM anchor's); one loop each way — a loop that did both, with a branch on diff,
            // ran the plain sums at half speed
            int whole = i + (end - i) / VectorGemm.L * VectorGemm.L;
            sq = VectorNorms.sumSq(x, i, whole, laneScratch);
            if (diff) d = VectorNorms.sumSqDiff(x, y, i, whole, laneScratch);
            i = whole;
        }
        for (; i < end; i++) {
            float v = x[i];
            sq += (double) v * v;
            if (diff) {
                double e = v - y[i];
                d += e * e;
            }
        }
        bSq[k] = sq;
        bDiff[k] = d;
    }

    void combine(double[] sumSq, double[] sumAbs, double[] maxAbs, long[] nonFinite) {
        Arrays.fill(sumSq, 0, segments, 0);
        Arrays.fill(sumAbs, 0, segments, 0);
        Arrays.fill(maxAbs, 0, segments, 0);
        Arrays.fill(nonFinite, 0, segments, 0);
        for (int k = 0; k < blocks; k++) {
            int s = blockSeg[k];
            sumSq[s] += bSq[k];
            sumAbs[s] += bAbs[k];
            if (bNaN[k] || Double.isNaN(maxAbs[s])) maxAbs[s] = Double.NaN;
            else if (bMax[k] > maxAbs[s]) maxAbs[s] = bMax[k];
            nonFinite[s] += bBad[k];
        }
    }

    void combineDiff(double[] sumSqA, double[] sumSqDiff) {
        Arrays.fill(sumSqA, 0, segments, 0);
        if (sumSqDiff != null) Arrays.fill(sumSqDiff, 0, segments, 0);
        for (int k = 0; k < blocks; k++) {
            sumSqA[blockSeg[k]] += bSq[k];
            if (sumSqDiff != null) sumSqDiff[blockSeg[k]] += bDiff[k];
        }
    }

    void mergeHistograms(long[] out) {
        Arrays.fill(out, 0);
        for (int t = 0; t < threads; t++) {
            long[] h = hist[t];
            for (int i = 0; i < out.length; i++) out[i] += h[i];
        }
    }
}
