package org.gradlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The tail columns' tanh a double vector at a time gives {@link Activations#tanh(float)}'s bits for every float: it
 * takes the vector exp's value only where the whole bracket around it rounds to one float, so these tests check the
 * bracket on floats of every exponent and on the edges, and that the vector path, not the fallback, does the work.
 */
class NarrowTanhTest {
    @Test
    void everyExponentAndEdgeGivesTheScalarBits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        float[] edges = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-30f, -1e-30f, 1e-8f, 9f, -9f,
                354.8f, 354.9f, 355f, -354.9f, -372f, -373f, -400f, 20f, -20f, 0.5f, -0.5f};
        check(edges);
        check(FloatPatterns.spread(4099)); // all exponents and signs, NaN payloads included
    }

    @Test
    void preActivationsTakeTheVectorPath() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(3);
        float[] v = new float[200_000];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * Math.exp(rng.nextGaussian() * 2));
        int scalar = check(v);
        assertTrue(scalar < v.length / 200, scalar + " of " + v.length + " values left to Math.exp"); // 271 here
    }

    /**
     * Runs tanhNarrow over v in calls of 1 to 40 values (every lane count of a last vector) against the scalar tanh,
     * every other call with a vector of other floats past the values (the recurrence's scratch has them: whole groups
     * are then read and written in place), which must come back as they were.
     */
    private static int check(float[] v) {
        double[] lanes = new double[VectorActivations.narrowLanes()];
        SplittableRandom rng = new SplittableRandom(v.length);
        int scalar = 0;
        for (int i = 0; i < v.length; ) {
            int n = Math.min(v.length - i, 1 + rng.nextInt(40));
            int slack = rng.nextBoolean() ? 16 : 0;
            float[] got = java.util.Arrays.copyOfRange(v, i, i + n + slack); // zeros past v's end
            for (int q = n; q < n + slack; q++) got[q] = q % 3 == 0 ? Float.NaN : q * 1e3f;
            float[] past = java.util.Arrays.copyOfRange(got, n, n + slack);
            scalar += VectorActivations.tanhNarrow(got, n, lanes);
            for (int q = 0; q < slack; q++) {
                assertEquals(Float.floatToRawIntBits(past[q]), Float.floatToRawIntBits(got[n + q]), "float past the values");
            }
            for (int q = 0; q < n; q++) {
                float want = Activations.tanh(v[i + q]);
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[q]),
                        "tanh(" + v[i + q] + ") = " + want + ", got " + got[q]);
            }
            i += n;
        }
        return scalar;
    }
}
