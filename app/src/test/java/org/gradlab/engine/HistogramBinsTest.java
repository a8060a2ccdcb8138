package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A float's bin from its exponent bits (branch-free on the sign and the clamps) against the bins' definition. */
class HistogramBinsTest {
    /** The definition: bin k covers binary exponents MIN_EXP + 2k and + 2k + 1, clamped to the range. */
    private static int defined(float v) {
        if (Float.isNaN(v)) return HistogramBins.NAN;
        if (v == Float.POSITIVE_INFINITY) return HistogramBins.POS_INF;
        if (v == Float.NEGATIVE_INFINITY) return HistogramBins.NEG_INF;
        if (v == 0f) return HistogramBins.ZERO;
        int k = Math.floorDiv(Math.getExponent(v) - HistogramBins.MIN_EXP, HistogramBins.OCTAVES_PER_BIN);
        k = Math.max(0, Math.min(HistogramBins.SIDE - 1, k));
        return v > 0 ? HistogramBins.SIDE + k : HistogramBins.SIDE - 1 - k;
    }

    @Test
    void everyKindOfFloatLandsInItsDefinedBin() {
        float[] special = {0f, -0f, Float.NaN, Float.intBitsToFloat(0xFFC00001), Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
                Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};
        for (float v : special) assertEquals(defined(v), HistogramBins.index(v), "v=" + v);
        boolean[] seen = new boolean[HistogramBins.WIDTH];
        // every power of two and its neighbours, both signs: the bins' edges
        for (int e = -149; e <= 127; e++) {
            float p = (float) Math.scalb(1.0, e);
            for (float v : new float[] {p, Math.nextDown(p), Math.nextUp(p)}) {
                for (float s : new float[] {v, -v}) {
                    int i = HistogramBins.index(s);
                    assertEquals(defined(s), i, "v=" + s);
                    seen[i] = true;
                }
            }
        }
        SplittableRandom rng = new SplittableRandom(8);
        for (int n = 0; n < 200_000; n++) {
            float v = Float.intBitsToFloat(rng.nextInt());
            assertEquals(defined(v), HistogramBins.index(v), "bits " + Integer.toHexString(Float.floatToRawIntBits(v)));
        }
        for (int i = 0; i < 2 * HistogramBins.SIDE; i++) assertTrue(seen[i], "bin " + i + " never reached");
    }
}
