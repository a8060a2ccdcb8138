package org.gradlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorMatVec} against the scalar row loop it stands in for (each row's sum in j order, a multiply then an
 * add), bit for bit, for every n from 1 to 70 and 128 — the four-vector blocks, the single vectors and the rows past
 * them — with values across many magnitudes, so that any other order or a fused multiply-add shows.
 */
class VectorMatVecTest {
    @Test
    void everyRowIsTheScalarRowSumToTheBit() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int n = 1; n <= 130; n = n < 70 ? n + 1 : n + 58) {
            double[] a = new double[n * n], at = new double[n * n], x = new double[n], want = new double[n], got = new double[n];
            for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian() * Math.exp(4 * rng.nextGaussian());
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) at[j * n + i] = a[i * n + j];
            for (int j = 0; j < n; j++) x[j] = rng.nextGaussian() * Math.exp(4 * rng.nextGaussian());
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) s += a[i * n + j] * x[j];
                want[i] = s;
            }
            VectorMatVec.multiply(at, n, x, got);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), "n = " + n + ", row " + i);
            }
        }
    }
}
