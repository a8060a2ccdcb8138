package org.gradlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorMath#exp} computes its lanes unclamped and replaces those past the clamp's ends afterwards; these
 * tests hold it to the clamp-first form lane for lane, bit for bit (recorded runs fork and resume on those bits):
 * floats of every exponent and sign, NaN payloads, the ends and their neighbours, and vectors whose lanes are all
 * in range (the path without the replacement) or mixed.
 */
class VectorExpTest {
    private static final int L = VectorMath.S.length();

    @Test
    void everyExponentEdgeAndNaNGivesTheClampFirstBits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        float[] edges = {0f, -0f, Float.NaN, Float.intBitsToFloat(0xffc00001), Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE,
                -87.3f, 88.3f, 87.3f, -88.3f, Math.nextDown(-87.3f), Math.nextUp(-87.3f), Math.nextDown(88.3f),
                Math.nextUp(88.3f), Math.nextUp(87.3f), Math.nextDown(87.3f), 1e30f, -1e30f, 200f, -200f, 1f, -1f};
        check(edges);
        check(FloatPatterns.spread(4099)); // all exponents and signs, NaN payloads included
    }

    @Test
    void inRangeVectorsAndRareOutliersGiveTheClampFirstBits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(5);
        float[] v = new float[400_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * 20);
            if (rng.nextInt(500) == 0) v[i] = (float) (rng.nextGaussian() * 1e3);
        }
        check(v);
    }

    private static void check(float[] x) {
        float[] padded = java.util.Arrays.copyOf(x, (x.length + L - 1) / L * L), got = new float[padded.length];
        for (int i = 0; i < padded.length; i += L) VectorMath.exp(FloatVector.fromArray(VectorMath.S, padded, i)).intoArray(got, i);
        for (int i = 0; i < x.length; i++) {
            float want = clampFirst(x[i]);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]), "exp(" + x[i] + ") = " + want + ", got " + got[i]);
        }
    }

    /** The form VectorMath.exp had: clamp to [−87.3, 88.3], then Cephes expf's reduction and polynomial, per lane. */
    private static float clampFirst(float x) {
        if (x < -87.3f) x = -87.3f;
        if (x > 88.3f) x = 88.3f;
        float round = 12582912f;
        float t = x * 1.44269504088896341f + round;
        float n = t - round;
        float r = x - n * 0.693359375f - n * -2.12194440e-4f;
        float r2 = r * r;
        float p = ((((r * 1.9875691500e-4f + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r
                + 1.6666665459e-1f) * r + 5.0000001201e-1f;
        p = p * r2 + r + 1f;
        int e = (Float.floatToRawIntBits(t) - (Float.floatToRawIntBits(round) - 127)) << 23;
        return p * Float.intBitsToFloat(e);
    }
}
