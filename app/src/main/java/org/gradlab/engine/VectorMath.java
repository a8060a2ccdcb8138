package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp for float vectors from IEEE adds and multiplies only (Cephes expf: range reduction by ln 2 and a
 * degree-6 polynomial, ~1 ulp). Not {@code VectorOperators.EXP}: that is an SVML call once C2 compiles the
 * loop but a per-lane Math.exp before, and the two differ in the last bit — which broke bit-identical
 * reruns. Plain arithmetic gives the same bits in every JIT tier.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5·2^23: adding it rounds to an integer in the low bits
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    // Coefficients as vector constants rather than scalar operands: each scalar operand is a broadcast, whose
    // nodes count towards C2's inlining limit — past it a caller stops inlining exp and boxes every vector.
    static final FloatVector ONE = c(1f);
    private static final FloatVector LO = c(-87.3f), HI = c(88.3f), V_LOG2E = c(LOG2E), V_ROUND = c(ROUND),
            V_LN2_HI = c(LN2_HI), V_LN2_LO = c(LN2_LO), V_P0 = c(P0), V_P1 = c(P1), V_P2 = c(P2), V_P3 = c(P3),
            V_P4 = c(P4), V_P5 = c(P5);
    private static final IntVector V_EXP_BIAS = IntVector.broadcast(S.withLanes(int.class), ROUND_BITS - 127);

    private VectorMath() {}

    /** A vector of c in every lane. */
    static FloatVector c(float c) {
        return FloatVector.broadcast(S, c);
    }

    static FloatVector exp(FloatVector x) {
        // clamp by compare + blend: FloatVector.min/max are not intrinsified on JDK 17 (they fall back to Java per lane)
        x = x.blend(LO, x.lt(LO)).blend(HI, x.compare(VectorOperators.GT, HI));
        FloatVector t = x.mul(V_LOG2E).add(V_ROUND);
        FloatVector n = t.sub(V_ROUND);
        FloatVector r = x.sub(n.mul(V_LN2_HI)).sub(n.mul(V_LN2_LO));
        FloatVector r2 = r.mul(r);
        FloatVector p = r.mul(V_P0).add(V_P1).mul(r).add(V_P2).mul(r).add(V_P3).mul(r).add(V_P4).mul(r).add(V_P5);
        p = p.mul(r2).add(r).add(ONE);
        IntVector e = ((IntVector) t.reinterpretAsInts()).sub(V_EXP_BIAS).lanewise(VectorOperators.LSHL, 23);
        return p.mul(e.reinterpretAsFloats());
    }

    /** dst[i] = exp(src[i] − shift) for i < n; returns the sum (fixed reduction order: deterministic). */
    static float expShiftInto(float[] src, int so, int n, float shift, float[] dst, int dOff) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + S.length() <= n; i += S.length()) {
            FloatVector e = exp(FloatVector.fromArray(S, src, so + i).sub(shift));
            e.intoArray(dst, dOff + i);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(src[so + i] - shift);
            dst[dOff + i] = e;
            sum += e;
        }
        return sum;
    }
}
