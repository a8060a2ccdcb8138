package org.gradlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorNorms#sumSq} and {@link VectorNorms#sumSqDiff} keep one summation order wherever their loops take the
 * values from (their fast loop, or the one for an array's last values): four running sums of double lanes, the
 * values in turn, then (s0 + s2) + (s1 + s3) and the lanes first to last. Pinned bit for bit, as recorded runs keep
 * their gradient norms.
 */
class SumSqOrderTest {
    private static final int L = VectorGemm.L, D = DoubleVector.SPECIES_PREFERRED.length();

    @Test
    void sumsKeepTheirOrderToTheLastBit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(17);
        double[] lanes = VectorNorms.laneScratch();
        for (int trial = 0; trial < 400; trial++) {
            int vectors = 1 + rng.nextInt(40), i0 = L * rng.nextInt(3), i1 = i0 + vectors * L;
            int length = i1 + (trial % 2 == 0 ? 0 : rng.nextInt(2 * L)); // ending at i1: the last pairs take the other loop
            float[] x = new float[length], y = new float[length];
            for (int i = 0; i < length; i++) {
                x[i] = (float) (rng.nextGaussian() * Math.exp(rng.nextGaussian() * 3));
                y[i] = (float) (rng.nextGaussian() * Math.exp(rng.nextGaussian() * 3));
            }
            assertEquals(Double.doubleToRawLongBits(inOrder(x, null, i0, i1)), Double.doubleToRawLongBits(VectorNorms.sumSq(x, i0, i1, lanes)),
                    "sumSq [" + i0 + ", " + i1 + ") of " + length);
            assertEquals(Double.doubleToRawLongBits(inOrder(x, y, i0, i1)), Double.doubleToRawLongBits(VectorNorms.sumSqDiff(x, y, i0, i1, lanes)),
                    "sumSqDiff [" + i0 + ", " + i1 + ") of " + length);
        }
    }

    /** The order written out lane by lane: value i goes to sum (i − i0) mod 2L div D, lane (i − i0) mod D. */
    private static double inOrder(float[] x, float[] y, int i0, int i1) {
        double[][] s = new double[4][D];
        for (int i = i0; i < i1; i++) {
            int k = i - i0, sum = k % (2 * L) / D, lane = k % D;
            double d = y == null ? x[i] : (float) (x[i] - y[i]);
            s[sum][lane] = Math.fma(d, d, s[sum][lane]);
        }
        double total = 0;
        for (int q = 0; q < D; q++) total += (s[0][q] + s[2][q]) + (s[1][q] + s[3][q]);
        return total;
    }
}
