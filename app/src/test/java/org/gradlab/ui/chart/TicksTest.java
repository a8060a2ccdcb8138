package org.gradlab.ui.chart;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TicksTest {
    @Test
    void labelsAreRoundedAndDistinctAndTheAxisCoversTheData() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 2000; trial++) {
            double scale = Math.pow(10, r.nextInt(-6, 9)), lo = (r.nextDouble() - 0.3) * scale, hi = lo + r.nextDouble() * scale + 1e-9 * scale;
            double[] range = Ticks.niceRange(lo, hi, 4);
            assertTrue(range[0] <= lo && range[1] >= hi, "covers the data: " + lo + ".." + hi + " in " + range[0] + ".." + range[1]);
            if (lo >= 0) assertTrue(range[0] >= 0, "non-negative data, no axis below zero: " + lo + " -> " + range[0]);
            double s = Ticks.spacing(range[1] - range[0], 4);
            List<Double> ticks = Ticks.values(range[0], range[1], s);
            assertTrue(ticks.size() >= 2 && ticks.size() <= 11, ticks.size() + " ticks over " + range[0] + ".." + range[1]);
            HashSet<String> labels = new HashSet<>();
            for (double t : ticks) {
                String l = Ticks.label(t, s);
                assertTrue(labels.add(l), "distinct: " + l + " twice in " + ticks);
                double m = Math.abs(s / Math.pow(10, Math.floor(Math.log10(s))));
                assertTrue(m == 1 || m == 2 || m == 2.5 || m == 5 || Math.abs(m - Math.rint(m)) < 1e-9, "nice spacing " + s);
            }
        }
    }

    @Test
    void examples() {
        assertEquals(0.25, Ticks.spacing(1.0, 4), 1e-12);
        assertEquals("0.25", Ticks.label(0.25, 0.25));
        assertEquals("0.50", Ticks.label(0.5, 0.25));
        assertEquals("0", Ticks.label(1e-17, 0.25));
        assertEquals("1.5", Ticks.label(1.5, 0.5));
        assertEquals(250, Ticks.stepSpacing(999, 4));
        double[] loss = Ticks.niceRange(1.62, 4.26, 4);
        assertEquals(1.0, loss[0], 1e-12);
        assertEquals(5.0, loss[1], 1e-12);
        double[] nonNegative = Ticks.niceRange(0.001, 294, 4);
        assertEquals(0, nonNegative[0]);
    }
}
