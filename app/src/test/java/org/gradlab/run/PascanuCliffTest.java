package org.gradlab.run;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cliff's loss, gradient and descent against direct computations, and the lesson it draws. */
class PascanuCliffTest {
    /** The recurrence unrolled the plainest way, in its own code. */
    static double direct(double w, double b) {
        double x = 0.5;
        for (int t = 0; t < 50; t++) x = w / (1 + Math.exp(-x)) + b;
        double s = 1 / (1 + Math.exp(-x));
        return (s - 0.7) * (s - 0.7);
    }

    @Test
    void lossAndGradientMatchADirectComputationAndFiniteDifferences() {
        double[][] points = {{1, 0}, {3.6, -1.9}, {4.5, -2.5}, {5, -3}, {2.5, -0.5}, {6, -1}};
        for (double[] p : points) {
            PascanuCliff.Point at = PascanuCliff.at(p[0], p[1]);
            assertEquals(direct(p[0], p[1]), at.loss(), 1e-15, "loss at " + p[0] + ", " + p[1]);
            double h = 1e-6;
            double gw = (direct(p[0] + h, p[1]) - direct(p[0] - h, p[1])) / (2 * h), gb = (direct(p[0], p[1] + h) - direct(p[0], p[1] - h)) / (2 * h);
            assertEquals(gw, at.gw(), 1e-6 * Math.max(1, Math.abs(gw)), "dE/dw at " + p[0] + ", " + p[1]);
            assertEquals(gb, at.gb(), 1e-6 * Math.max(1, Math.abs(gb)), "dE/db at " + p[0] + ", " + p[1]);
        }
        double[] grid = PascanuCliff.surface(2.5, 6, -3.5, 0, 5, 4);
        assertEquals(direct(2.5, 0), grid[0], 1e-15, "top-left is (w0, b1)");
        assertEquals(direct(6, -3.5), grid[grid.length - 1], 1e-15, "bottom-right is (w1, b0)");
        assertEquals(direct(2.5 + 3.5 * 2 / 4.0, 0 - 3.5 / 3.0), grid[1 * 5 + 2], 1e-15, "row 1, column 2");
    }

    @Test
    void aTrajectoryIsGradientDescentStepByStepAndClippingBoundsEachStep() {
        List<PascanuCliff.Point> plain = PascanuCliff.descend(3.6, -1.9, 2.0, Double.NaN, 10);
        List<PascanuCliff.Point> clipped = PascanuCliff.descend(3.6, -1.9, 2.0, 0.1, 10);
        assertEquals(11, plain.size());
        double w = 3.6, b = -1.9, h = 1e-7;
        for (int i = 0; i < 3; i++) { // the first steps re-done by hand, with finite-difference gradients
            double gw = (direct(w + h, b) - direct(w - h, b)) / (2 * h), gb = (direct(w, b + h) - direct(w, b - h)) / (2 * h);
            w -= 2.0 * gw;
            b -= 2.0 * gb;
            assertEquals(w, plain.get(i + 1).w(), 1e-5, "w after step " + (i + 1));
            assertEquals(b, plain.get(i + 1).b(), 1e-5, "b after step " + (i + 1));
        }
        for (int i = 1; i < clipped.size(); i++) {
            double step = Math.hypot(clipped.get(i).w() - clipped.get(i - 1).w(), clipped.get(i).b() - clipped.get(i - 1).b());
            assertTrue(step <= 2.0 * 0.1 + 1e-12, "a clipped step is at most lr × threshold: " + step);
        }
        // the lesson of Fig. 6: at the wall the plain step is thrown far off; the clipped one stays and goes lower
        double plainJump = Math.hypot(plain.get(1).w() - 3.6, plain.get(1).b() + 1.9);
        assertTrue(plain.get(0).gradNorm() > 0.5, "a steep wall: |g| = " + plain.get(0).gradNorm());
        assertTrue(plainJump > 1.0, "the unclipped step leaves the wall's neighbourhood: " + plainJump);
        assertEquals(0.827, plain.get(0).gradNorm(), 0.001, "the README's |gradient| at the default start");
        assertEquals(1.65, plainJump, 0.01, "the README's first plain step");
        double bestPlain = plain.stream().mapToDouble(PascanuCliff.Point::loss).min().orElseThrow();
        double bestClipped = clipped.stream().mapToDouble(PascanuCliff.Point::loss).min().orElseThrow();
        assertTrue(bestClipped < bestPlain / 10, "clipped descent finds the valley (" + bestClipped + ") the thrown one misses (" + bestPlain + ")");
    }
}
