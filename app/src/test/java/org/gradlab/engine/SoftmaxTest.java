package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The softmax row passes: vector halves give the plain loops' bits; a causal row is a true softmax, zero past n. */
class SoftmaxTest {
    private static float[] row(SplittableRandom rng, int len) {
        float[] x = new float[len];
        for (int j = 0; j < len; j++) x[j] = (float) (rng.nextGaussian() * 4);
        return x;
    }

    @Test
    void vectorPassesGiveThePlainLoopsBits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(7);
        for (int n = 0; n <= 70; n++) {
            float[] x = row(rng, n + 3);
            if (n > 5) { x[2] = Float.NaN; x[4] = -0f; x[5] = 0f; }
            if (n > 40) x[33] = Float.POSITIVE_INFINITY;
            float[] v = x.clone(), p = x.clone();
            float vm = VectorMath.scaleAndMax(v, 1, n, 0.17f), pm = Float.NEGATIVE_INFINITY;
            for (int j = 1; j <= n; j++) { p[j] *= 0.17f; if (p[j] > pm) pm = p[j]; }
            assertEquals(pm, vm, 0f, "max, n=" + n);
            float plainMax = Float.NEGATIVE_INFINITY;
            for (int j = 1; j <= n; j++) if (x[j] > plainMax) plainMax = x[j];
            assertEquals(plainMax, VectorMath.max(x, 1, n), 0f, "max alone, n=" + n);
            assertEquals(java.util.Arrays.toString(p), java.util.Arrays.toString(v), "scaled, n=" + n);
            VectorMath.scale(v, 2, n, 1.3f);
            for (int j = 2; j < 2 + n; j++) p[j] *= 1.3f;
            assertEquals(java.util.Arrays.toString(p), java.util.Arrays.toString(v), "scale, n=" + n);
            float[] att = row(rng, n + 1), dv = row(rng, n + 1), dp = dv.clone();
            VectorMath.softmaxGradient(att, 1, dv, 0, n, 0.31f, 0.125f);
            for (int j = 0; j < n; j++) dp[j] = att[1 + j] * (dp[j] - 0.31f) * 0.125f;
            assertEquals(java.util.Arrays.toString(dp), java.util.Arrays.toString(dv), "gradient, n=" + n);
        }
    }

    /**
     * The cross-entropy's rows take their max and scale a vector at a time: the loss and the gradient keep the bits of
     * the loop that took Math.max and scaled element by element, for 1-70 classes; a row with a NaN is NaN throughout
     * either way.
     */
    @Test
    void crossEntropyKeepsTheElementLoopsBits() {
        SplittableRandom rng = new SplittableRandom(13);
        for (int classes = 1; classes <= 70; classes++) {
            int rows = 5;
            float[] x = row(rng, rows * classes + 1), d = new float[rows * classes + 2], want = d.clone();
            int[] t = new int[rows];
            for (int r = 0; r < rows; r++) t[r] = rng.nextInt(classes);
            if (classes > 3) x[1 + 2 * classes + 1] = Float.NaN; // row 2
            double got = CpuLosses.crossEntropy(0, rows, rows, classes, x, 1, t, 0, d, 2, new float[classes]);
            double ref = 0;
            for (int r = 0; r < rows; r++) {
                int b = 1 + r * classes, eo = 2 + r * classes;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < classes; j++) max = Math.max(max, x[b + j]);
                float sum = Softmax.expShiftInto(x, b, classes, max, want, eo);
                ref += Math.log(sum) + max - x[b + t[r]];
                float scale = (1f / rows) / sum;
                for (int j = 0; j < classes; j++) want[eo + j] *= scale;
                want[eo + t[r]] -= 1f / rows;
            }
            assertEquals(Double.doubleToRawLongBits(ref), Double.doubleToRawLongBits(got), "loss, " + classes + " classes");
            assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(d), "gradient, " + classes + " classes");
            if (classes > 3) for (int j = 0; j < classes; j++) assertTrue(Float.isNaN(d[2 + 2 * classes + j]), "NaN row");
        }
    }

    @Test
    void aCausalRowIsTheSoftmaxOfItsFirstNAndZeroAfter() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int len : new int[] {64, 70, 5}) {
            for (int n = 1; n <= len; n++) {
                float[] x = row(rng, len + 2), in = x.clone();
                Softmax.causalRow(x, 1, n, len, 0.25f);
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 1; j <= n; j++) max = Math.max(max, in[j] * 0.25f);
                for (int j = 1; j <= n; j++) sum += Math.exp(in[j] * 0.25f - max);
                for (int j = 1; j <= n; j++) {
                    double want = Math.exp(in[j] * 0.25f - max) / sum;
                    assertEquals(want, x[j], 2e-6 * Math.max(want, 1e-3), "len " + len + " n " + n + " j " + j);
                }
                for (int j = n + 1; j <= len; j++) assertEquals(0f, x[j], 0f, "past n: len " + len + " n " + n);
                assertEquals(in[0], x[0], 0f, "before the row");
                assertEquals(in[len + 1], x[len + 1], 0f, "after the row");
                assertTrue(x[n] > 0f);
            }
        }
    }
}
