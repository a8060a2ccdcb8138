package org.gradlab.task;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The power iteration's matrix-vector product takes rows four at a time; each row's sum must still be added in
 * column order (a recorded run's ρ is recomputed when it is resumed or forked), and ρ must be the spectral radius.
 */
class SpectralRadiusTest {
    @Test
    void productAddsEachRowInColumnOrder() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 50, 127, 128}) {
            double[] a = new double[n * n], x = new double[n], y = new double[n];
            // magnitudes over many orders, so a sum in another order lands on other bits
            for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian() * Math.pow(10, rng.nextInt(-6, 7));
            for (int j = 0; j < n; j++) x[j] = rng.nextGaussian();
            SpectralRadius.multiply(a, n, x, y);
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) s += a[i * n + j] * x[j];
                assertEquals(Double.doubleToRawLongBits(s), Double.doubleToRawLongBits(y[i]), "n=" + n + " row " + i);
            }
        }
    }

    @Test
    void radiusOfAKnownMatrix() {
        // block-diagonal: a rotation scaled by 0.9 (complex pair |λ| = 0.9) and a 0.5 — ρ = 0.9, which the
        // power iteration reaches through the averaged log growth although no single vector settles
        int n = 5;
        double c = Math.cos(0.7) * 0.9, s = Math.sin(0.7) * 0.9;
        double[] a = new double[n * n];
        a[0] = c; a[1] = -s; a[n] = s; a[n + 1] = c;
        a[2 * n + 2] = 0.5; a[3 * n + 3] = 0.3; a[4 * n + 4] = -0.2;
        assertEquals(0.9, SpectralRadius.estimate(a, n), 1e-6);
    }
}
