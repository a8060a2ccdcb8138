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

    private VectorGelu() {}

    /** Φ(x)·2 − 1 = erf(x/√2) for a vector. */
    private static FloatVector erfHalf(FloatVector x) {
        FloatVector z = x.mul(INV_SQRT2);
        FloatVector az = z.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(az.mul(P).add(1f));
        FloatVector poly = t.mul(A5).add(A4).mul(t).add(A3).mul(t).add(A2).mul(t).add(A1).mul(t);
        FloatVector e = VectorMath.exp(az.mul(az).neg());
        FloatVector r = FloatVector.broadcast(S, 1f).sub(poly.mul(e));
        return r.blend(r.neg(), z.lt(0f));
    }

    static void forward(int i0, int i1, float[] x, int xo, float[] out, int oo) {
        int i = i0;
        for (; i + S.length() <= i1; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(0.5f).mul(erfHalf(v).add(1f)).intoArray(out, oo + i);
        }
        if (i < i1) CpuTransformerKernels.geluForward(i, i1, x, xo, out, oo, false);
    }

    static void backward(int i0, int i1, float[] x, int xo, float[] dout, int doo, float[] dx, int dxo) {
        int i = i0;
        for (; i + S.length() <= i1; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector cdf = erfHalf(v).add(1f).mul(0.5f);
            FloatVector pdf = VectorMath.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
            FloatVector.fromArray(S, dout, doo + i).mul(cdf.add(v.mul(pdf))).intoArray(dx, dxo + i);
        }
        if (i < i1) CpuTransformerKernels.geluBackward(i, i1, x, xo, dout, doo, dx, dxo, false);
    }
}
