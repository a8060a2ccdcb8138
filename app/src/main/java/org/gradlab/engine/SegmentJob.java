package org.gradlab.engine;

import java.util.Arrays;

/**
 * The CPU twin of the fused gradient-statistics kernel: segments are cut into fixed blocks of
 * {@value #BLOCK} values, threads take blocks in turn, and per-block partial sums are added in block order —
 * so the sums are the same whatever the number of threads (histogram counts are integers and order-free).
 */
final class SegmentJob implements WorkerPool.Job {
    static final int BLOCK = 1 << 15;
    /**
     * A recurrent layer's per-step gradient sums are taken in blocks of whole batch rows, at least this many values a
     * block: the recurrence splits its rows over threads in such groups, so each thread sums its own rows while they
     * are in its cache, and the figure is the same on any number of threads (the whole step as one block had to be a
     * pass after the recurrence, reading the adding anchor's 1.6 MB back from both cores). Each block's float lanes
     * end in a reduction: blocks of 8 rows put three in a Pascanu-size step where there had been one, its backward
     * 5-10 -> 11-13 µs over the bare loop's ~118.
     */
    private static final int GRADIENT_GROUP = 1024;

    /** Batch rows a block of a recurrent layer's per-step gradient sums (rows of rowLength values). */
    static int gradientRows(int rowLength) {
        return Math.max(1, (GRADIENT_GROUP + rowLength - 1) / rowLength);
    }

    /** Such blocks in a step of `batch` rows: the recurrence's per-step count, as the pass cuts them. */
    static int gradientGroups(int batch, int rowLength) {
        int rows = gradientRows(rowLength);
        return (batch + rows - 1) / rows;
    }

    /**
     * A recurrence's share of one step's ‖∂L/∂h_t‖²: rows [r0, r1) (on group boundaries, or r1 the batch's end) of the
     * step's gradient from off, each group of {@link #gradientRows} rows a block of the float-summed pass, into
     * groupSums[t·groups + group]; {@link #addStepGroups} then adds them as the pass adds its blocks.
     */
    static void sumStepGroups(int r0, int r1, int batch, int hid, float[] dH, int off, double[] groupSums, int t,
                              double[] lanes) {
        int g = gradientRows(hid), groups = gradientGroups(batch, hid);
        for (int r = r0; r < r1; r += g) {
            groupSums[t * groups + r / g] = blockSumSq(dH, off + r * hid, off + Math.min(r1, r + g) * hid, true, lanes);
        }
    }

    /** Each step's groups' sums added in order from 0, as the pass adds its blocks, into stepSumSq[stepOff + t]. */
    static void addStepGroups(int seq, int batch, int hid, double[] groupSums, double[] stepSumSq, int stepOff) {
        int groups = gradientGroups(batch, hid);
        for (int t = 0; t < seq; t++) {
            double s = 0;
            for (int g = 0; g < groups; g++) s += groupSums[t * groups + g];
            stepSumSq[stepOff + t] = s;
        }
    }

    /**
     * Copies of each thread's counters, lane q of a vector counting into copy q % WAYS, added together at the end:
     * a gradient's values crowd into a few bins, and with one copy each increment waited on the store of the one
     * before it to the same counter (~1 ns a value, 8 µs of a 50-unit RNN's ~700 µs step for its two passes).
     */
    static final int WAYS = 4;

    private final int threads;
    private int[] lastOffsets;
    private int[] lastSizes;
    private int lastBlock;
    private int blocks;
    private int[] blockSeg = new int[64], blockStart = new int[64], blockEnd = new int[64];
    private double[] bSq = new double[64], bAbs = new double[64], bMax = new double[64], bDiff = new double[64];
    private long[] bBad = new long[64];
    private boolean[] bNaN = new boolean[64];
    private long[][] hist;
    /** Counters in one copy of a thread's histogram (the caller's histogram's length). */
    private int histLength;
    private int segments;
    /** Chunks the last statistics pass ran in (their histograms are the ones to merge). */
    private int chunksRun;
    /** Values of the segments last prepared. */
    private long values;

    /**
     * diff: the norms pass also sums (a−b)²; histogram: the statistics pass counts bins; floatSums: the norms pass
     * sums Σa² in float ({@link VectorNorms#sumSqFloat}, a reading kept to float precision).
     */
    boolean diff, histogram, floatSums;
    /** Two threads take the blocks as they go (RowClaims; the figures are combined in block order all the same). */
    RowClaims claims;
    float[] a, b, scale;
    int[] rowOf;

    /** Each thread's scratch for one vector's histogram counters, and for its lanes' offsets to their copies. */
    private final int[][] bins, where;
    private final double[][] lanes;
    private final BlockStats[] blockStats;

    SegmentJob(int threads) {
        this.threads = threads;
        this.hist = new long[threads][0];
        this.bins = new int[threads][];
        this.where = new int[threads][];
        this.lanes = new double[threads][];
        this.blockStats = new BlockStats[threads];
        for (int t = 0; t < threads; t++) blockStats[t] = new BlockStats();
        for (int t = 0; t < threads && VectorSupport.ENABLED; t++) {
            bins[t] = VectorSegmentStats.binScratch();
            where[t] = VectorSegmentStats.binScratch();
            lanes[t] = VectorNorms.laneScratch();
        }
    }

    /** Cuts the segments into blocks of {@value #BLOCK} values (cached while the same segment table is used). */
    void prepare(int[] offsets, int[] sizes) {
        prepare(offsets, sizes, BLOCK);
    }

    /** As {@link #prepare(int[], int[])} with blocks of `block` values (a recurrent layer's groups of rows). */
    void prepare(int[] offsets, int[] sizes, int block) {
        if (offsets == lastOffsets && sizes == lastSizes && block == lastBlock) return;
        segments = offsets.length;
        int n = 0;
        for (int s = 0; s < segments; s++) n += Math.max(1, (sizes[s] + block - 1) / block);
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
                blockEnd[k] = Math.min(end, start + block);
                start = blockEnd[k];
                k++;
            } while (start < end);
        }
        blocks = k;
        values = 0;
        for (int q = 0; q < k; q++) values += blockEnd[q] - blockStart[q];
        lastOffsets = offsets;
        lastSizes = sizes;
        lastBlock = block;
    }

    void ensureHistograms(int n) {
        histLength = n;
        for (int t = 0; t < threads; t++) if (hist[t].length < WAYS * n) hist[t] = new long[WAYS * n];
    }

    @Override
    public void run(int chunk, int chunks) {
        if (chunk == 0) chunksRun = chunks; // chunk 0 is the calling thread's, which merges the histograms
        long[] h = histogram ? hist[chunk] : null;
        if (h != null) Arrays.fill(h, 0, WAYS * histLength, 0);
        for (int k = first(chunk); k >= 0 && k < blocks; k = next(k, chunk, chunks)) {
            int s = blockSeg[k];
            BlockStats acc = blockStats[chunk];
            acc.reset();
            float f = scale == null ? 1f : scale[s];
            int row = h == null ? -1 : rowOf[s] * HistogramBins.WIDTH;
            int i = blockStart[k];
            if (VectorSupport.ENABLED) i = VectorSegmentStats.block(a, i, blockEnd[k], f, h, row, histLength, bins[chunk], where[chunk],
                    lanes[chunk], acc);
            acc.add(a, i, blockEnd[k], f, h, row); // the values past the last whole vector, or all of them
            acc.store(k, bSq, bAbs, bMax, bBad, bNaN);
        }
    }

    /**
     * The norms pass (Σa², and Σ(a−b)² when diff) as a job of its own, so that C2 compiles it apart from the statistics'
     * {@link #run}: as a branch of run, its sums were inlined into the statistics' compilation, and with a larger
     * VectorNorms.sumSq a small RNN's clipping pass took 25-30 µs a step instead of 3-6 in about half the JVMs
     * (`-XX:CompileCommand=dontinline` on normsAndDiff removed it).
     */
    final WorkerPool.Job norms = this::runNorms;

    private void runNorms(int chunk, int chunks) {
        for (int k = first(chunk); k >= 0 && k < blocks; k = next(k, chunk, chunks)) normsAndDiff(k, lanes[chunk]);
    }

    /** The update {@link #updateAndNorms} applies (a is its weights, b the copy from before it). */
    ParamUpdate update;

    /**
     * An optimizer update measured as it goes: each block's weights copied to b, updated, then summed as the norms
     * pass sums them (Σa², Σ(a−b)²) while the block is in cache, so the figures are the pass's, in its block order.
     */
    final WorkerPool.Job updateAndNorms = this::updateBlocks;

    void updateBlocks(int chunk, int chunks) {
        for (int k = first(chunk); k >= 0 && k < blocks; k = next(k, chunk, chunks)) {
            int i0 = blockStart[k], end = blockEnd[k];
            System.arraycopy(a, i0, b, i0, end - i0);
            update.apply(i0, end);
            normsAndDiff(k, lanes[chunk]);
        }
    }

    /** Block order of a thread: claimed as it goes (two threads), else every chunks-th block from its own. */
    private int first(int chunk) {
        return claims != null ? claims.claim(0, chunk) : chunk;
    }

    private int next(int k, int chunk, int chunks) {
        return claims != null ? claims.claim(0, chunk) : k + chunks;
    }

    /** Blocks of the segments last prepared: each a unit of work whose figures are combined in block order. */
    int blocks() {
        return blocks;
    }

    private void normsAndDiff(int k, double[] laneScratch) {
        int i0 = blockStart[k], end = blockEnd[k];
        bSq[k] = blockSumSq(a, i0, end, floatSums, laneScratch);
        bDiff[k] = diff ? blockSumSqDiff(a, b, i0, end, laneScratch) : 0;
    }

    /**
     * Σ x[i]² over one block [i0, end): whole vectors widened to double a vector at a time (a sum of squares per time
     * step of a recurrent layer's gradient runs every step: a scalar running sum cost ~2% of a small RNN's step), or
     * with floatSums summed in float lanes first ({@link VectorNorms#sumSqFloat}); then the last values in order.
     */
    static double blockSumSq(float[] x, int i0, int end, boolean floatSums, double[] laneScratch) {
        double sq = 0;
        int i = i0;
        if (VectorSupport.ENABLED) {
            i = i0 + (end - i0) / VectorGemm.L * VectorGemm.L;
            sq = floatSums ? VectorNorms.sumSqFloat(x, i0, i, laneScratch) : VectorNorms.sumSq(x, i0, i, laneScratch);
        }
        for (; i < end; i++) sq += (double) x[i] * x[i];
        return sq;
    }

    /** Σ (x[i] − y[i])² over one block, as {@link #blockSumSq} (the weights' change a step, scalar, was ~1 ms of the LSTM anchor's). */
    static double blockSumSqDiff(float[] x, float[] y, int i0, int end, double[] laneScratch) {
        double d = 0;
        int i = i0;
        if (VectorSupport.ENABLED) {
            i = i0 + (end - i0) / VectorGemm.L * VectorGemm.L;
            d = VectorNorms.sumSqDiff(x, y, i0, i, laneScratch);
        }
        for (; i < end; i++) {
            double e = x[i] - y[i];
            d += e * e;
        }
        return d;
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

    /** Values of the segments last prepared. */
    long values() {
        return values;
    }

    void mergeHistograms(long[] out) {
        Arrays.fill(out, 0);
        for (int t = 0; t < chunksRun; t++) {
            long[] h = hist[t];
            for (int w = 0, at = 0; w < WAYS; w++, at += out.length) for (int i = 0; i < out.length; i++) out[i] += h[at + i];
        }
    }
}
