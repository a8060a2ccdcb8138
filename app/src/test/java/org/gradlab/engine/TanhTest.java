package org.gradlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * tanh is one rational function, evaluated with the same fused multiply-adds in a vector's lanes and in the scalar
 * formula: every lane must give the scalar bits (a row's narrow last columns go through whichever is at hand, and
 * recorded runs fork and resume on those bits), and the function must stay within a few ulps of the true tanh.
 */
class TanhTest {
    private static final int L = VectorMath.S.length();

    @Test
    void everyLaneGivesTheScalarBits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        float[] edges = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-30f, -1e-30f, 1e-8f, 9f, -9f,
                9.1f, -9.1f, Math.nextDown(9.1f), 20f, -20f, 0.5f, -0.5f};
        check(edges);
        check(FloatPatterns.spread(4099)); // all exponents and signs, NaN payloads included
    }

    @Test
    void withinFiveUlpsOfTheTrueTanh() {
        SplittableRandom rng = new SplittableRandom(5);
        double worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            // every binade from 2^-40 to 16, both signs
            float x = (float) ((rng.nextBoolean() ? 1 : -1) * Math.scalb(1 + rng.nextDouble(), rng.nextInt(-40, 4)));
            double want = Math.tanh(x);
            float got = Activations.tanh(x);
            double ulps = Math.abs(got - want) / Math.ulp((float) want);
            worst = Math.max(worst, ulps);
        }
        assertTrue(worst <= 5, "worst error " + worst + " ulps");
        assertTrue(worst >= 1, "a rational approximation rounds off somewhere: " + worst + " ulps"); // the sweep reaches
        assertEquals(1f, Activations.tanh(9.1f));
        assertEquals(-1f, Activations.tanh(-1e30f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Activations.tanh(-0f)));
        assertEquals(1e-30f, Activations.tanh(1e-30f));
        assertTrue(Float.isNaN(Activations.tanh(Float.NaN)));
    }

    /** VectorMath.tanh over x a vector at a time (the last one padded) against the scalar formula. */
    private static void check(float[] x) {
        float[] v = java.util.Arrays.copyOf(x, (x.length + L - 1) / L * L);
        for (int i = 0; i < v.length; i += L) VectorMath.tanh(FloatVector.fromArray(VectorMath.S, v, i)).intoArray(v, i);
        for (int i = 0; i < x.length; i++) {
            float want = Activations.tanh(x[i]);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(v[i]), "tanh(" + x[i] + ") = " + want + ", got " + v[i]);
        }
    }
}
