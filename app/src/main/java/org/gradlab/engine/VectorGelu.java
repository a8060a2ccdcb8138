package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Exact (erf) GELU and its derivative with the Vector API. erf uses Abramowitz & Stegun 7.1.26 (absolute
 * error ≤ 1.5e-7, i.e. fp32 rounding level) because its only transcendental is exp ({@link VectorMath#exp}).
 */
final class VectorGelu {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f,
            A4 = -1.453152027f, A5 = 1.061405429f;
    private static final float INV_SQRT2 = (float) Math.sqrt(0.5), INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    // vector constants, not scalar operands (see VectorMath): fewer nodes, so C2 inlines exp and erf into the loops
    private static final FloatVector ONE = VectorMath.ONE, HALF = VectorMath.c(0.5f), V_P = VectorMath.c(P),
            V_A1 = VectorMath.c(A1), V_A2 = VectorMath.c(A2), V_A3 = VectorMath.c(A3), V_A4 = VectorMath.c(A4),
            V_A5 = VectorMath.c(A5), V_INV_SQRT2 = VectorMath.c(INV_SQRT2), V_INV_SQRT_2PI = VectorMath.c(INV_SQRT_2PI),
            ZERO = FloatVector.zero(S);

    private VectorGelu() {}

    /**
     * erf(x/√2) for a vector, given z = x/√2, |z| and g = exp(−z²) — the backward reuses g as the normal
     * density (one exp per value: a second exp call pushed the backward loop past C2's inlining node limit,
     * and a call that is not inlined boxes every vector, 3× slower).
     */
    private static FloatVector erfHalf(FloatVector z, FloatVector az, FloatVector g) {
        FloatVector t = ONE.div(az.mul(V_P).add(ONE));
        FloatVector poly = t.mul(V_A5).add(V_A4).mul(t).add(V_A3).mul(t).add(V_A2).mul(t).add(V_A1).mul(t);
        FloatVector r = ONE.sub(poly.mul(g));
        return r.blend(r.neg(), z.lt(ZERO));
    }

    static void forward(int i0, int i1, float[] x, int xo, float[] out, int oo) {
        int i = i0;
        for (; i + S.length() <= i1; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector z = v.mul(V_INV_SQRT2), az = z.abs();
            FloatVector g = VectorMath.exp(az.mul(az).neg());
            v.mul(HALF).mul(erfHalf(z, az, g).add(ONE)).intoArray(out, oo + i);
        }
        if (i < i1) CpuTransformerKernels.geluForward(i, i1, x, xo, out, oo, false);
    }

    static void backward(int i0, int i1, float[] x, int xo, float[] dout, int doo, float[] dx, int dxo) {
        int i = i0;
        for (; i + S.length() <= i1; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector z = v.mul(V_INV_SQRT2), az = z.abs();
            FloatVector g = VectorMath.exp(az.mul(az).neg()); // exp(−x²/2)
            FloatVector cdf = erfHalf(z, az, g).add(ONE).mul(HALF);
            FloatVector pdf = g.mul(V_INV_SQRT_2PI);
            FloatVector.fromArray(S, dout, doo + i).mul(cdf.add(v.mul(pdf))).intoArray(dx, dxo + i);
        }
        if (i < i1) CpuTransformerKernels.geluBackward(i, i1, x, xo, dout, doo, dx, dxo, false);
    }
}
