package org.gradlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorMath#activate4} interleaves four vectors' exps; each lane must keep the one-vector methods' bits
 * (recorded runs fork and resume on those bits), on groups wholly in exp's range (the interleaved path) and on
 * groups with a lane past the clamp or NaN (each vector through the one-vector method), with strides between rows.
 */
class ActivateFourTest {
    private static final int L = VectorMath.S.length();

    @Test
    void everyExponentAndNaNKeepsTheOneVectorBits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        check(FloatPatterns.spread(4099), 4 * L, L);
    }

    @Test
    void inRangeGroupsAndRareOutliersKeepTheOneVectorBits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(9);
        float[] v = new float[200_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * 4);
            if (rng.nextInt(3000) == 0) v[i] = rng.nextBoolean() ? Float.NaN : (float) (rng.nextGaussian() * 1e3);
        }
        check(v, 4 * L, L);
        // rows of 50 with three vectors each, as a 50-unit RNN's tile: groups run down four rows
        check(v, L, 50);
    }

    /**
     * activate4 over x in blocks of `count` groups (a block's groups `step` apart, each group's vectors `stride`
     * apart, blocks 4·stride apart when stride spans a row, else one block) against VectorMath.sigmoid and tanh one
     * vector at a time.
     */
    private static void check(float[] x, int step, int stride) {
        boolean rows = stride != L;
        int count = rows ? stride / L : x.length / (4 * L), blockSize = rows ? 4 * stride : x.length;
        for (boolean sigmoid : new boolean[] {false, true}) {
            float[] got = x.clone(), want = x.clone();
            for (int base = 0; base + blockSize <= x.length; base += blockSize) {
                VectorMath.activate4(sigmoid, got, base, stride, count, step);
                for (int g = 0; g < count; g++) {
                    for (int q = 0; q < 4; q++) {
                        int o = base + g * step + q * stride;
                        FloatVector v = FloatVector.fromArray(VectorMath.S, want, o);
                        (sigmoid ? VectorMath.sigmoid(v) : VectorMath.tanh(v)).intoArray(want, o);
                    }
                }
            }
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                        (sigmoid ? "sigmoid(" : "tanh(") + x[i] + ") at " + i + ": " + want[i] + ", got " + got[i]);
            }
        }
    }
}
