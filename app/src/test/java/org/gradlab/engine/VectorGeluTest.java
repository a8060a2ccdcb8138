package org.gradlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The vector GELU's erf takes z's sign by OR-ing in its sign bit, not by a compare and a blend; these tests hold
 * GELU forward and backward to the blend form lane for lane, bit for bit (recorded GPT runs fork and resume on
 * those bits), over floats of every exponent and sign, ±0, the values around 0 where erf's r is smallest, and
 * ordinary activations. The reference is the same operations per lane in scalar floats, with the vector exp's g.
 */
class VectorGeluTest {
    private static final int L = VectorMath.S.length();
    private static final float INV_SQRT2 = (float) Math.sqrt(0.5), INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    @Test
    void everyExponentAndSignGivesTheBlendFormsBits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        float[] edges = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-30f, -1e-30f,
                1e-7f, -1e-7f, 1f, -1f, 3f, -3f, 5.5f, -5.5f, 13f, -13f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE};
        check(edges);
        float[] spread = FloatPatterns.spread(4099), finite = new float[spread.length];
        int n = 0;
        for (float v : spread) if (Float.isFinite(v)) finite[n++] = v; // NaN is NaN either way (its sign bit aside)
        check(java.util.Arrays.copyOf(finite, n));
    }

    @Test
    void ordinaryActivationsGiveTheBlendFormsBits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(11);
        float[] v = new float[200_000];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * (i % 3 == 0 ? 1e-3 : 2));
        check(v);
    }

    @Test
    void aNaNInputGivesNaN() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        float[] x = new float[L], out = new float[L], dx = new float[L], ones = new float[L];
        java.util.Arrays.fill(x, 1f);
        java.util.Arrays.fill(ones, 1f);
        x[3] = Float.NaN;
        VectorActivations.geluForward(0, L, x, 0, out, 0);
        VectorActivations.geluBackward(0, L, x, 0, ones, 0, dx, 0);
        assertEquals(Float.NaN, out[3]);
        assertEquals(Float.NaN, dx[3]);
        assertEquals(0.8413447f, out[0], 1e-6f);
    }

    private static void check(float[] x) {
        int len = x.length / L * L + L;
        float[] in = java.util.Arrays.copyOf(x, len), out = new float[len], dx = new float[len], dout = new float[len];
        for (int i = 0; i < len; i++) dout[i] = 1f + (i % 7) * 0.25f;
        VectorActivations.geluForward(0, len, in, 0, out, 0);
        VectorActivations.geluBackward(0, len, in, 0, dout, 0, dx, 0);
        for (int i = 0; i < x.length; i++) {
            float v = in[i], z = v * INV_SQRT2, az = Math.abs(z);
            float g = lane(VectorMath.exp(FloatVector.broadcast(VectorMath.S, -(az * az))));
            float t = 1f / (az * 0.3275911f + 1f);
            float poly = ((((t * 1.061405429f + -1.453152027f) * t + 1.421413741f) * t + -0.284496736f) * t + 0.254829592f) * t;
            float r = 1f - poly * g;
            float erf = z < 0 ? -r : r;
            float fwd = v * 0.5f * (erf + 1f);
            float bwd = dout[i] * ((erf + 1f) * 0.5f + v * (g * INV_SQRT_2PI));
            assertEquals(Float.floatToRawIntBits(fwd), Float.floatToRawIntBits(out[i]), "gelu(" + v + ") = " + fwd + ", got " + out[i]);
            assertEquals(Float.floatToRawIntBits(bwd), Float.floatToRawIntBits(dx[i]), "gelu'(" + v + ") gives " + bwd + ", got " + dx[i]);
        }
    }

    private static float lane(FloatVector v) {
        return v.lane(0);
    }
}
