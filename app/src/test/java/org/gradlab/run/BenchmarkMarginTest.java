package org.gradlab.run;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ± bench prints beside telemetry's cost: 1.96 standard errors of the rounds' paired differences. */
class BenchmarkMarginTest {
    @Test
    void marginIsTheStandardErrorOfThePairedDifferences() {
        // differences +0.1, −0.1, +0.1, −0.1 ms on a 1 ms step: sd 0.11547, SE 0.057735, × 1.96 = 11.3%
        double[] full = {1.1, 0.9, 1.1, 0.9}, clipped = {1, 1, 1, 1};
        assertEquals(100 * 1.96 * Math.sqrt(0.04 / 3 / 4), Benchmark.marginPercent(full, clipped), 1e-9);
    }

    @Test
    void driftSharedByBothArmsOfARoundCancels() {
        // the machine slows 3× over the sitting, but every round's full step costs exactly 0.05 ms more
        int n = 100;
        double[] full = new double[n], clipped = new double[n];
        for (int i = 0; i < n; i++) {
            clipped[i] = 1 + 2.0 * i / n;
            full[i] = clipped[i] + 0.05;
        }
        assertEquals(0, Benchmark.marginPercent(full, clipped), 1e-9);
        assertTrue(Double.isNaN(Benchmark.marginPercent(new double[] {1}, new double[] {1})), "one round has no spread");
    }
}
