package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Column sums a vector of columns at a time keep each column's row-order chain: the scalar loop's bits. */
class VectorColumnsTest {
    @Test
    void vectorSumsEqualTheScalarLoopBitForBit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int m = 1 + rng.nextInt(trial % 10 == 0 ? 3000 : 40), n = 1 + rng.nextInt(trial % 3 == 0 ? 300 : 70), lda = n + rng.nextInt(4);
            int c0 = rng.nextInt(n), c1 = c0 + 1 + rng.nextInt(n - c0);
            float[] a = new float[2 + m * lda], want = new float[n + 1];
            for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextGaussian() * Math.exp(rng.nextGaussian() * 3));
            // columns outside the range hold NaN now and then: lanes read past c1 must not reach a sum
            if (trial % 4 == 1) {
                for (int i = 2; i < a.length; i++) if ((i - 2) % lda < c0 || (i - 2) % lda >= c1) a[i] = Float.NaN;
            }
            for (int i = 0; i < want.length; i++) want[i] = (float) rng.nextGaussian();
            float[] got = want.clone();
            CpuBackend.columnSumsCols(c0, c1, m, lda, a, 2, want, 1);
            VectorColumns.sums(c0, c1, m, lda, a, 2, got, 1);
            for (int j = 0; j < want.length; j++) {
                assertEquals(Float.floatToRawIntBits(want[j]), Float.floatToRawIntBits(got[j]),
                        "m=" + m + " n=" + n + " [" + c0 + ", " + c1 + ") column " + j);
            }
        }
    }
}
