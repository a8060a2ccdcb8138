package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API halves of {@link CpuCells}' elementwise loops, a vector of units at a time, each lane the scalar
 * loop's operations in its order (so the same bits): C2 left those loops scalar, as the arrays may be one
 * (a step's gates are written over its input projection).
 */
final class VectorCells {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final FloatVector ONE = VectorMath.ONE, TINY = VectorMath.c(CpuCells.TINY_GRADIENT);

    private VectorCells() {}

    /** d[i] = a[i] + b[i] for i < n. */
    static int sum(int n, float[] a, int ao, float[] b, int bo, float[] d, int doff) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector.fromArray(S, a, ao + j).add(FloatVector.fromArray(S, b, bo + j)).intoArray(d, doff + j);
        }
        return j;
    }

    /**
     * dp[i] = dh[i]·(1 − y²), y = h[i], for i &lt; returned (a tanh RNN's backward): left scalar, this loop took
     * 50 of a small RNN's 235 µs backward (B=32, H=50, T=100), ~1 cycle a value. A value under
     * {@link CpuCells#TINY_GRADIENT} is written as 0, as the scalar loop writes it.
     */
    static int tanhGradient(int n, float[] h, int ho, float[] dh, int dho, float[] dp, int dpo) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector y = FloatVector.fromArray(S, h, ho + j);
            FloatVector v = FloatVector.fromArray(S, dh, dho + j).mul(ONE.sub(y.mul(y)));
            v.blend(VectorMath.ZERO, v.abs().lt(TINY)).intoArray(dp, dpo + j);
        }
        return j;
    }

    /** dp[i] = dh[i]·y·(1 − y), y = h[i], for i &lt; returned (a sigmoid RNN's backward); under TINY_GRADIENT, 0. */
    static int sigmoidGradient(int n, float[] h, int ho, float[] dh, int dho, float[] dp, int dpo) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector y = FloatVector.fromArray(S, h, ho + j);
            FloatVector v = FloatVector.fromArray(S, dh, dho + j).mul(y).mul(ONE.sub(y));
            v.blend(VectorMath.ZERO, v.abs().lt(TINY)).intoArray(dp, dpo + j);
        }
        return j;
    }

    /** An LSTM row's c = f·c_prev + i·g into c and h (h then becomes o·tanh(c) in two more passes). */
    static int lstmCell(int hd, float[] g, int gb, float[] cp, int cpb, float[] c, int cb, float[] h, int hb) {
        int j = 0;
        for (; j + L <= hd; j += L) {
            FloatVector f = FloatVector.fromArray(S, g, gb + hd + j), i = FloatVector.fromArray(S, g, gb + j);
            FloatVector gg = FloatVector.fromArray(S, g, gb + 2 * hd + j);
            FloatVector cv = f.mul(FloatVector.fromArray(S, cp, cpb + j)).add(i.mul(gg));
            cv.intoArray(c, cb + j);
            cv.intoArray(h, hb + j);
        }
        return j;
    }

    /** h[i] *= o[i] for i < n. */
    static int scale(int n, float[] h, int hb, float[] o, int ob) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector.fromArray(S, h, hb + j).mul(FloatVector.fromArray(S, o, ob + j)).intoArray(h, hb + j);
        }
        return j;
    }

    /** One LSTM row's backward, units [0, returned): see {@link CpuCells#lstmBackward}. */
    static int lstmBackward(int hd, float[] g, int gb, float[] cp, int cpb, float[] dh, int db, float[] dc, int dcb,
                            float[] dp, int pb, float[] tmp) {
        int j = 0;
        for (; j + L <= hd; j += L) {
            FloatVector ig = FloatVector.fromArray(S, g, gb + j), fg = FloatVector.fromArray(S, g, gb + hd + j);
            FloatVector gg = FloatVector.fromArray(S, g, gb + 2 * hd + j), og = FloatVector.fromArray(S, g, gb + 3 * hd + j);
            FloatVector tc = FloatVector.fromArray(S, tmp, j), dhv = FloatVector.fromArray(S, dh, db + j);
            FloatVector dcv = FloatVector.fromArray(S, dc, dcb + j).add(dhv.mul(og).mul(ONE.sub(tc.mul(tc))));
            // each written value under TINY_GRADIENT as 0, written out (a helper would pass a vector: VectorSupportTest)
            FloatVector v = dcv.mul(gg).mul(ig).mul(ONE.sub(ig));
            v.blend(VectorMath.ZERO, v.abs().lt(TINY)).intoArray(dp, pb + j);
            v = dcv.mul(FloatVector.fromArray(S, cp, cpb + j)).mul(fg).mul(ONE.sub(fg));
            v.blend(VectorMath.ZERO, v.abs().lt(TINY)).intoArray(dp, pb + hd + j);
            v = dcv.mul(ig).mul(ONE.sub(gg.mul(gg)));
            v.blend(VectorMath.ZERO, v.abs().lt(TINY)).intoArray(dp, pb + 2 * hd + j);
            v = dhv.mul(tc).mul(og).mul(ONE.sub(og));
            v.blend(VectorMath.ZERO, v.abs().lt(TINY)).intoArray(dp, pb + 3 * hd + j);
            v = dcv.mul(fg);
            v.blend(VectorMath.ZERO, v.abs().lt(TINY)).intoArray(dc, dcb + j);
        }
        return j;
    }

    /** A GRU row's candidate pre-activation x_n + r·h_n into g's third block. */
    static int gruCandidate(int hd, float[] xg, int xb, float[] g, int gb, float[] hg, int hb) {
        int j = 0;
        for (; j + L <= hd; j += L) {
            FloatVector.fromArray(S, xg, xb + 2 * hd + j)
                    .add(FloatVector.fromArray(S, g, gb + j).mul(FloatVector.fromArray(S, hg, hb + 2 * hd + j)))
                    .intoArray(g, gb + 2 * hd + j);
        }
        return j;
    }

    /** A GRU row's h = (1 − z)·n + z·h_prev. */
    static int gruOutput(int hd, float[] g, int gb, float[] hp, int hpb, float[] h, int ob) {
        int j = 0;
        for (; j + L <= hd; j += L) {
            FloatVector z = FloatVector.fromArray(S, g, gb + hd + j), n = FloatVector.fromArray(S, g, gb + 2 * hd + j);
            ONE.sub(z).mul(n).add(z.mul(FloatVector.fromArray(S, hp, hpb + j))).intoArray(h, ob + j);
        }
        return j;
    }

    /** One GRU row's backward, units [0, returned): see {@link CpuCells#gruBackward}. */
    static int gruBackward(int hd, float[] g, int gb, float[] hg, int hb, float[] hp, int hpb, float[] dh, int db,
                           float[] dx, int xb, float[] dhh, int hhb, float[] dprev, int pb) {
        int j = 0;
        for (; j + L <= hd; j += L) {
            FloatVector rg = FloatVector.fromArray(S, g, gb + j), z = FloatVector.fromArray(S, g, gb + hd + j);
            FloatVector n = FloatVector.fromArray(S, g, gb + 2 * hd + j), d = FloatVector.fromArray(S, dh, db + j);
            FloatVector dn = d.mul(ONE.sub(z)).mul(ONE.sub(n.mul(n)));
            FloatVector dz = d.mul(FloatVector.fromArray(S, hp, hpb + j).sub(n)).mul(z).mul(ONE.sub(z));
            FloatVector dr = dn.mul(FloatVector.fromArray(S, hg, hb + 2 * hd + j)).mul(rg).mul(ONE.sub(rg));
            // each written value under TINY_GRADIENT as 0, written out (a helper would pass a vector: VectorSupportTest)
            dz = dz.blend(VectorMath.ZERO, dz.abs().lt(TINY));
            dr = dr.blend(VectorMath.ZERO, dr.abs().lt(TINY));
            dn = dn.blend(VectorMath.ZERO, dn.abs().lt(TINY));
            dr.intoArray(dx, xb + j);
            dz.intoArray(dx, xb + hd + j);
            dn.intoArray(dx, xb + 2 * hd + j);
            dr.intoArray(dhh, hhb + j);
            dz.intoArray(dhh, hhb + hd + j);
            FloatVector v = dn.mul(rg);
            v.blend(VectorMath.ZERO, v.abs().lt(TINY)).intoArray(dhh, hhb + 2 * hd + j);
            v = FloatVector.fromArray(S, dprev, pb + j).add(d.mul(z));
            v.blend(VectorMath.ZERO, v.abs().lt(TINY)).intoArray(dprev, pb + j);
        }
        return j;
    }
}
