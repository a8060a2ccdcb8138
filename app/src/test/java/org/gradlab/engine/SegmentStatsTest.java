package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CPU's gradient statistics (a vector of values at a time where the Vector API is on) against a plain loop over
 * every value: counts, maxima, non-finite counts and scaled values exactly, the double sums to double rounding —
 * with zeros of both signs, subnormals, values past both ends of the bins, infinities and NaNs, scaled or not, on
 * 1–3 threads, and the sums the same bits whatever the thread count.
 */
class SegmentStatsTest {
    @Test
    void statisticsMatchAPlainLoopOverEveryValue() {
        double[] ref = null;
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                SplittableRandom data = new SplittableRandom(5); // the same values for every thread count
                for (int trial = 0; trial < 12; trial++) {
                    int segments = 1 + data.nextInt(6);
                    int[] offsets = new int[segments], sizes = new int[segments], rowOf = new int[segments];
                    int n = 0;
                    for (int s = 0; s < segments; s++) {
                        offsets[s] = n;
                        sizes[s] = trial % 3 == 0 ? data.nextInt(40) : data.nextInt(70_000); // past a block now and then
                        rowOf[s] = data.nextInt(2);
                        n += sizes[s];
                    }
                    float[] x = values(data, n, trial);
                    float[] scale = trial % 2 == 1 ? new float[segments] : null;
                    if (scale != null) for (int s = 0; s < segments; s++) scale[s] = (float) (0.1 + data.nextDouble());
                    double[] sq = new double[segments], ab = new double[segments], mx = new double[segments];
                    long[] bad = new long[segments], hist = new long[2 * HistogramBins.WIDTH];
                    Buf xb = be.alloc(Math.max(1, n));
                    be.upload(x, 0, xb, 0, n);
                    be.segmentStats(xb, offsets, sizes, scale, sq, ab, mx, bad, rowOf, hist);
                    float[] after = new float[n];
                    be.download(xb, 0, after, 0, n);

                    long[] wantHist = new long[hist.length];
                    for (int s = 0; s < segments; s++) {
                        double wSq = 0, wAb = 0, wMx = 0;
                        long wBad = 0;
                        boolean nan = false;
                        for (int i = offsets[s]; i < offsets[s] + sizes[s]; i++) {
                            float v = scale == null ? x[i] : x[i] * scale[s];
                            assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(after[i]), "scaled value " + i);
                            wSq += (double) v * v;
                            wAb += Math.abs(v);
                            if (Math.abs(v) > wMx) wMx = Math.abs(v);
                            if (!Float.isFinite(v)) wBad++;
                            nan |= v != v;
                            wantHist[rowOf[s] * HistogramBins.WIDTH + HistogramBins.index(v)]++;
                        }
                        String where = "threads=" + threads + " trial=" + trial + " segment " + s;
                        assertClose(wSq, sq[s], where + " sumSq");
                        assertClose(wAb, ab[s], where + " sumAbs");
                        assertEquals(nan ? Double.NaN : wMx, mx[s], where + " maxAbs");
                        assertEquals(wBad, bad[s], where + " non-finite");
                    }
                    assertArrayEquals(wantHist, hist, "threads=" + threads + " trial=" + trial + " histogram");
                    if (trial == 4) { // a large finite trial: its sums pinned across thread counts
                        if (ref == null) ref = sq.clone();
                        else assertArrayEquals(ref, sq, "sums with " + threads + " threads");
                    }
                }
            }
        }
    }

    /** Σa² and Σ(a − b)² per segment (the weights' norms and their change a step) against a plain loop, on 1–3 threads. */
    @Test
    void normsAndChangesMatchAPlainLoop() {
        double[] ref = null;
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                SplittableRandom data = new SplittableRandom(9);
                int[] sizes = {1, 17, 33, 40_000, 70_001, 5}, offsets = new int[sizes.length];
                int n = 0;
                for (int s = 0; s < sizes.length; s++) {
                    offsets[s] = n;
                    n += sizes[s];
                }
                float[] x = new float[n], y = new float[n];
                for (int i = 0; i < n; i++) {
                    x[i] = (float) data.nextGaussian();
                    y[i] = x[i] - (float) (1e-3 * data.nextGaussian());
                }
                Buf xb = be.alloc(n), yb = be.alloc(n);
                be.upload(x, 0, xb, 0, n);
                be.upload(y, 0, yb, 0, n);
                double[] sq = new double[sizes.length], diff = new double[sizes.length], sqOnly = new double[sizes.length];
                be.segmentNormsAndDiff(xb, yb, offsets, sizes, sq, diff);
                be.segmentNormsAndDiff(xb, null, offsets, sizes, sqOnly, null);
                for (int s = 0; s < sizes.length; s++) {
                    double wSq = 0, wDiff = 0;
                    for (int i = offsets[s]; i < offsets[s] + sizes[s]; i++) {
                        wSq += (double) x[i] * x[i];
                        double e = x[i] - y[i];
                        wDiff += e * e;
                    }
                    assertClose(wSq, sq[s], "threads=" + threads + " segment " + s + " sumSq");
                    assertClose(wDiff, diff[s], "threads=" + threads + " segment " + s + " sumSqDiff");
                    assertEquals(sq[s], sqOnly[s], "the norms with and without the change");
                }
                if (ref == null) ref = diff.clone();
                else assertArrayEquals(ref, diff, "changes with " + threads + " threads");
            }
        }
    }

    /** Gaussian gradients with the awkward values sprinkled in (none in the trials whose sums are compared across threads). */
    private static float[] values(SplittableRandom rng, int n, int trial) {
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -3e-20f, 1e6f, -5e8f, Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(9) - 6));
            if (trial != 4 && rng.nextInt(50) == 0) x[i] = special[rng.nextInt(special.length)];
            if (trial == 4 && rng.nextInt(50) == 0) x[i] = special[rng.nextInt(9)]; // finite ones only
        }
        return x;
    }

    private static void assertClose(double want, double got, String what) {
        if (Double.isNaN(want) || Double.isInfinite(want)) {
            assertEquals(want, got, what);
            return;
        }
        assertEquals(want, got, 1e-12 * Math.abs(want) + 1e-300, what);
    }
}
