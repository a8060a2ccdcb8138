package org.gradlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Backend#timeGradientSums}, the per-time-step gradient norms' sums: the CPU sums squares in float lanes, so
 * each sum is checked against the exact double sum to float precision — over short and long segments, one and
 * several blocks — and where a square leaves float's range (vanishing and exploding gradients, the readings the
 * lesson is about) or a value is not finite, it must be the true figure still, not a zero or an infinity float made up.
 * The sums are the same bits on 1–3 threads and as the recurrence's own measure, taken in the loop.
 */
class TimeGradientSumsTest {
    /** FLOAT_RUN chained float adds per lane, then double: the bound the reading is documented to. */
    private static final double TOLERANCE = VectorNorms.FLOAT_RUN * 0x1p-23;

    @Test
    void sumsEqualTheExactSumToFloatPrecisionAndTheSameBitsOnAnyThreadCount() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int trial = 0; trial < 30; trial++) {
            int segments = 1 + rng.nextInt(5);
            int[] offsets = new int[segments], sizes = new int[segments];
            int n = 0;
            for (int s = 0; s < segments; s++) {
                offsets[s] = n;
                sizes[s] = trial % 3 == 0 ? 1 + rng.nextInt(40) : trial % 3 == 1 ? 1000 : 1 + rng.nextInt(80_000);
                n += sizes[s];
            }
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) (rng.nextGaussian() * Math.exp(rng.nextGaussian() * 3));
            double[] first = null;
            int row = trial % 2 == 0 ? 50 : 4096; // blocks of 21 rows (1,050 values), or of one (4,096)
            for (int threads = 1; threads <= 3; threads++) {
                double[] got = sums(threads, x, offsets, sizes, row);
                for (int s = 0; s < segments; s++) {
                    double want = exact(x, offsets[s], sizes[s]);
                    assertEquals(want, got[s], TOLERANCE * want, "trial " + trial + " segment " + s + " of " + sizes[s]);
                    assertEquals(Double.doubleToRawLongBits(inBlocks(x, offsets[s], sizes[s], SegmentJob.gradientRows(row) * row)),
                            Double.doubleToRawLongBits(got[s]), "blocks of whole rows, trial " + trial + " segment " + s);
                    if (first != null) assertEquals(Double.doubleToRawLongBits(first[s]), Double.doubleToRawLongBits(got[s]),
                            threads + " threads, trial " + trial + " segment " + s);
                }
                first = got;
            }
        }
    }

    @Test
    void squaresPastFloatsRangeAndNonFiniteValuesGiveTheExactFigure() {
        float[][] cases = {
                filled(1000, 3e-23f), // vanishing: every square under float's least subnormal
                filled(1000, 2e-20f), // squares subnormal in float, their sum far under the floor
                filled(1000, 1e20f),  // exploding: every square past float's largest
                filled(1000, 1e19f),  // squares fit, their float sums do not
                filled(1000, 1e18f),  // squares and sums fit: float-summed
                withOne(filled(1000, 1f), 5, 3e25f),
                withOne(filled(1000, 1f), 999, Float.POSITIVE_INFINITY),
                withOne(filled(1000, 1f), 17, Float.NaN),
                filled(1000, 0f),
                filled(1000, Float.MIN_VALUE),
                tinyFirst(1000, 64, 1e-30f, 1e19f), // a block its first values send to the double sum: large ones after
                tinyFirst(1000, 64, 1e-30f, 0.5f),
                tinyFirst(1000, 63, 1e-30f, 0.5f),  // one ordinary value among the first: summed in float
        };
        for (float[] x : cases) {
            double want = exact(x, 0, x.length);
            for (int threads = 1; threads <= 2; threads++) {
                double got = sums(threads, x, new int[] {0}, new int[] {x.length}, 1000)[0];
                String what = x[0] + " (×" + x.length + ", one of " + x[5] + "/" + x[17] + "/" + x[999] + ")";
                if (Double.isNaN(want)) assertTrue(Double.isNaN(got), what);
                else assertEquals(want, got, TOLERANCE * want, what);
            }
        }
    }

    /** n values, the first `tiny` of them t, the rest v. */
    private static float[] tinyFirst(int n, int tiny, float t, float v) {
        float[] x = filled(n, v);
        java.util.Arrays.fill(x, 0, tiny, t);
        return x;
    }

    /**
     * The recurrence measures each step's final gradient in its loop, each thread its own groups of rows: the same bits
     * as the pass over the gradients after, on 1–3 threads, for batches of whole groups of rows and not, and a step of
     * one group to forty. A group measured twice or skipped, or rows summed
     * across a group's edge, is caught.
     */
    @Test
    void theRecurrencesMeasureIsThePassesBitForBit() {
        // batch, hidden, seq: blocks of 8 rows of 128, 16 of 64 (13 rows: one block), 21 of 50, 32 of 33, 1 of 1,000
        int[][] shapes = {{20, 50, 6}, {45, 50, 3}, {32, 128, 5}, {20, 128, 3}, {1, 33, 4}, {13, 64, 3}, {40, 1000, 2}};
        SplittableRandom rng = new SplittableRandom(5);
        for (int[] sh : shapes) {
            int batch = sh[0], hid = sh[1], seq = sh[2], blk = batch * hid;
            float[] h = new float[(seq + 1) * blk], dOut = new float[seq * blk], w = new float[hid * hid];
            for (int i = 0; i < h.length; i++) h[i] = (float) Math.tanh(rng.nextGaussian());
            for (int i = 0; i < dOut.length; i++) dOut[i] = (float) rng.nextGaussian();
            for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextGaussian() / Math.sqrt(hid));
            int[] offsets = new int[seq], sizes = new int[seq];
            for (int t = 0; t < seq; t++) {
                offsets[t] = t * blk;
                sizes[t] = blk;
            }
            for (int threads = 1; threads <= 3; threads++) {
                try (CpuBackend be = new CpuBackend(threads)) {
                    Buf hb = up(be, h), dH = up(be, dOut), wb = up(be, w), dPre = be.alloc(seq * blk);
                    double[] inLoop = new double[seq + 1], pass = new double[seq];
                    boolean measured = be.rnnSequenceBackward(false, seq, batch, hid, wb, 0, hb, dH, 0, dPre, inLoop, 1);
                    be.timeGradientSums(dH, offsets, sizes, hid, pass);
                    be.collect();
                    String what = "B=" + batch + " H=" + hid + " on " + threads + " threads";
                    assertTrue(measured || !VectorSupport.ENABLED, what + ": measured in the loop");
                    if (!measured) continue;
                    assertEquals(0.0, inLoop[0], what + ": before stepOff");
                    for (int t = 0; t < seq; t++) {
                        assertEquals(Double.doubleToRawLongBits(pass[t]), Double.doubleToRawLongBits(inLoop[t + 1]),
                                what + " step " + t + ": " + inLoop[t + 1] + " in the loop, " + pass[t] + " after");
                    }
                }
            }
        }
    }

    /** The pass's figure for one segment: its blocks' float sums added in order from 0. */
    private static double inBlocks(float[] x, int off, int n, int block) {
        double s = 0;
        for (int start = off; start < off + n; start += block) {
            s += SegmentJob.blockSumSq(x, start, Math.min(off + n, start + block), true, VectorNorms.laneScratch());
        }
        return s;
    }

    private static Buf up(CpuBackend be, float[] x) {
        Buf b = be.alloc(x.length);
        be.upload(x, 0, b, 0, x.length);
        return b;
    }

    private static double[] sums(int threads, float[] x, int[] offsets, int[] sizes, int rowLength) {
        try (CpuBackend be = new CpuBackend(threads)) {
            Buf xb = be.alloc(x.length);
            be.upload(x, 0, xb, 0, x.length);
            double[] out = new double[offsets.length];
            be.timeGradientSums(xb, offsets, sizes, rowLength, out);
            be.collect();
            return out;
        }
    }

    private static double exact(float[] x, int off, int n) {
        double s = 0;
        for (int i = off; i < off + n; i++) s += (double) x[i] * x[i];
        return s;
    }

    private static float[] filled(int n, float v) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, v);
        return x;
    }

    private static float[] withOne(float[] x, int at, float v) {
        x[at] = v;
        return x;
    }
}
