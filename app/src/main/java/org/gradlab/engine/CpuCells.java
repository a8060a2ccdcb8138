package org.gradlab.engine;

/**
 * Recurrent cell steps over `batch` contiguous rows (time-major storage, see the Backend contract); the gated
 * cells' elementwise loops run a vector of units at a time where the Vector API is on ({@link VectorCells}).
 * Each method handles rows [r0, r1) so the backend can split a step across threads. The forward steps may be
 * given g at xg's place ({@link Backend#cellGatesOverInput}): every write of g comes after the reads of xg at
 * the same index.
 */
final class CpuCells {
    private CpuCells() {}

    static void rnnTanhForward(int r0, int r1, int hd, float[] xg, int xo, float[] hg, int ho, float[] h, int oo) {
        for (int r = r0; r < r1; r++) {
            int base = r * hd;
            for (int j = 0; j < hd; j++) h[oo + base + j] = xg[xo + base + j] + hg[ho + base + j];
            Activations.tanh(h, oo + base, hd);
        }
    }

    /**
     * A single-gate RNN's backward takes dPre = dH ⊙ act'(h) under 2^-100 (~8e-31) as 0. A vanishing gradient falls
     * past that within tens of steps back, and then into float's subnormal range, where every multiply-add that reads
     * or makes a subnormal waits on a microcode assist: the 50-unit recurrence's backward product ran 100x slower with
     * values at 1e-36 (kernel5x4FM, four tiles: 0.92 µs → 103 µs), and a Pascanu-size training run spent whole
     * stretches at 161-430 steps/s instead of ~1,800. Such a term moves no weight: with lr ≤ 1 its share of a step
     * is under half a unit in the last place of any weight above 2^-76 (Adam's ε of 1e-8 shrinks it further); and
     * dPre·W from a dPre of at least 2^-100 stays a normal float for any |W| above 2^-26.
     */
    static final float TINY_GRADIENT = 0x1p-100f;

    /** v, or 0 where it lies under {@link #TINY_GRADIENT} in magnitude (NaN stays NaN). */
    private static float vanished(float v) {
        return Math.abs(v) < TINY_GRADIENT ? 0f : v;
    }

    static void rnnTanhBackward(int r0, int r1, int hd, float[] h, int ho, float[] dh, int dho, float[] dp, int dpo) {
        int i0 = r0 * hd, n = (r1 - r0) * hd;
        for (int i = i0 + (VectorSupport.ENABLED ? VectorCells.tanhGradient(n, h, ho + i0, dh, dho + i0, dp, dpo + i0) : 0);
             i < r1 * hd; i++) {
            float y = h[ho + i];
            dp[dpo + i] = vanished(dh[dho + i] * (1f - y * y));
        }
    }

    static void rnnSigmoidForward(int r0, int r1, int hd, float[] xg, int xo, float[] hg, int ho, float[] h, int oo) {
        for (int i = r0 * hd; i < r1 * hd; i++) h[oo + i] = 1f / (1f + (float) Math.exp(-(xg[xo + i] + hg[ho + i])));
    }

    static void rnnSigmoidBackward(int r0, int r1, int hd, float[] h, int ho, float[] dh, int dho, float[] dp, int dpo) {
        int i0 = r0 * hd, n = (r1 - r0) * hd;
        for (int i = i0 + (VectorSupport.ENABLED ? VectorCells.sigmoidGradient(n, h, ho + i0, dh, dho + i0, dp, dpo + i0) : 0);
             i < r1 * hd; i++) {
            float y = h[ho + i];
            dp[dpo + i] = vanished(dh[dho + i] * y * (1f - y));
        }
    }

    static void lstmForward(int r0, int r1, int hd, float[] xg, int xo, float[] hg, int ho, float[] cp, int cpo,
                            float[] g, int go, float[] c, int co, float[] h, int oo) {
        int g4 = 4 * hd;
        for (int r = r0; r < r1; r++) {
            int gb = go + r * g4, xb = xo + r * g4, hb = ho + r * g4;
            for (int j = VectorSupport.ENABLED ? VectorCells.sum(g4, xg, xb, hg, hb, g, gb) : 0; j < g4; j++) {
                g[gb + j] = xg[xb + j] + hg[hb + j];
            }
            Activations.sigmoid(g, gb, 2 * hd);          // i, f
            Activations.tanh(g, gb + 2 * hd, hd);        // g
            Activations.sigmoid(g, gb + 3 * hd, hd);     // o
            int cb = co + r * hd, cpb = cpo + r * hd, hb2 = oo + r * hd;
            for (int j = VectorSupport.ENABLED ? VectorCells.lstmCell(hd, g, gb, cp, cpb, c, cb, h, hb2) : 0; j < hd; j++) {
                float cv = g[gb + hd + j] * cp[cpb + j] + g[gb + j] * g[gb + 2 * hd + j];
                c[cb + j] = cv;
                h[hb2 + j] = cv;
            }
            Activations.tanh(h, hb2, hd);
            for (int j = VectorSupport.ENABLED ? VectorCells.scale(hd, h, hb2, g, gb + 3 * hd) : 0; j < hd; j++) {
                h[hb2 + j] *= g[gb + 3 * hd + j];
            }
        }
    }

    /**
     * h holds o·tanh(c); tanh(c) is recomputed here instead of stored (one exp per element). The gate gradients and
     * the cell gradient carried back are 0 under {@link #TINY_GRADIENT}, as a single-gate RNN's: on the adding task at
     * T = 200 (H 50, batch 20), where the cell gradient shrinks by the forget gate each step back, training ran at
     * 6 steps/s with them kept, against 39 at T = 100.
     */
    static void lstmBackward(int r0, int r1, int hd, float[] g, int go, float[] c, int co, float[] cp, int cpo,
                             float[] dh, int dho, float[] dc, int dco, float[] dp, int dpo, float[] tmp) {
        int g4 = 4 * hd;
        for (int r = r0; r < r1; r++) {
            int gb = go + r * g4, cb = co + r * hd, cpb = cpo + r * hd, db = dho + r * hd, dcb = dco + r * hd;
            int pb = dpo + r * g4;
            System.arraycopy(c, cb, tmp, 0, hd);
            Activations.tanh(tmp, 0, hd);
            int j0 = VectorSupport.ENABLED ? VectorCells.lstmBackward(hd, g, gb, cp, cpb, dh, db, dc, dcb, dp, pb, tmp) : 0;
            for (int j = j0; j < hd; j++) {
                float ig = g[gb + j], fg = g[gb + hd + j], gg = g[gb + 2 * hd + j], og = g[gb + 3 * hd + j];
                float tc = tmp[j];
                float dhv = dh[db + j];
                float dcv = dc[dcb + j] + dhv * og * (1f - tc * tc);
                dp[pb + j] = vanished(dcv * gg * ig * (1f - ig));
                dp[pb + hd + j] = vanished(dcv * cp[cpb + j] * fg * (1f - fg));
                dp[pb + 2 * hd + j] = vanished(dcv * ig * (1f - gg * gg));
                dp[pb + 3 * hd + j] = vanished(dhv * tc * og * (1f - og));
                dc[dcb + j] = vanished(dcv * fg);
            }
        }
    }

    static void gruForward(int r0, int r1, int hd, float[] xg, int xo, float[] hg, int ho, float[] hp, int hpo,
                           float[] g, int go, float[] h, int oo) {
        int g3 = 3 * hd;
        for (int r = r0; r < r1; r++) {
            int gb = go + r * g3, xb = xo + r * g3, hb = ho + r * g3;
            for (int j = VectorSupport.ENABLED ? VectorCells.sum(2 * hd, xg, xb, hg, hb, g, gb) : 0; j < 2 * hd; j++) {
                g[gb + j] = xg[xb + j] + hg[hb + j];
            }
            Activations.sigmoid(g, gb, 2 * hd);
            for (int j = VectorSupport.ENABLED ? VectorCells.gruCandidate(hd, xg, xb, g, gb, hg, hb) : 0; j < hd; j++) {
                g[gb + 2 * hd + j] = xg[xb + 2 * hd + j] + g[gb + j] * hg[hb + 2 * hd + j];
            }
            Activations.tanh(g, gb + 2 * hd, hd);
            int hpb = hpo + r * hd, ob = oo + r * hd;
            for (int j = VectorSupport.ENABLED ? VectorCells.gruOutput(hd, g, gb, hp, hpb, h, ob) : 0; j < hd; j++) {
                float z = g[gb + hd + j], n = g[gb + 2 * hd + j];
                h[ob + j] = (1f - z) * n + z * hp[hpb + j];
            }
        }
    }

    /** The gate gradients and dh_{t−1} are 0 under {@link #TINY_GRADIENT}, as in {@link #lstmBackward}. */
    static void gruBackward(int r0, int r1, int hd, float[] g, int go, float[] hg, int ho, float[] hp, int hpo,
                            float[] dh, int dho, float[] dx, int dxo, float[] dhh, int dhho, float[] dprev, int dpo) {
        int g3 = 3 * hd;
        for (int r = r0; r < r1; r++) {
            int gb = go + r * g3, hb = ho + r * g3, xb = dxo + r * g3, hhb = dhho + r * g3;
            int hpb = hpo + r * hd, db = dho + r * hd, pb = dpo + r * hd;
            int j0 = VectorSupport.ENABLED
                    ? VectorCells.gruBackward(hd, g, gb, hg, hb, hp, hpb, dh, db, dx, xb, dhh, hhb, dprev, pb) : 0;
            for (int j = j0; j < hd; j++) {
                float rg = g[gb + j], z = g[gb + hd + j], n = g[gb + 2 * hd + j];
                float d = dh[db + j];
                float dn = d * (1f - z) * (1f - n * n);
                float dz = vanished(d * (hp[hpb + j] - n) * z * (1f - z));
                float dr = vanished(dn * hg[hb + 2 * hd + j] * rg * (1f - rg));
                dn = vanished(dn);
                dx[xb + j] = dr;
                dx[xb + hd + j] = dz;
                dx[xb + 2 * hd + j] = dn;
                dhh[hhb + j] = dr;
                dhh[hhb + hd + j] = dz;
                dhh[hhb + 2 * hd + j] = vanished(dn * rg);
                dprev[pb + j] = vanished(dprev[pb + j] + d * z);
            }
        }
    }
}
