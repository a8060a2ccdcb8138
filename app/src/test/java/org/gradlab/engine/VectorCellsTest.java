package org.gradlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The gated cells' vector loops against the scalar loops they replace (written out here as the specification,
 * around the same activation calls: each lane the same operations in the same order), bit for bit, on hidden
 * sizes with and without a scalar tail — recorded runs replay on either path.
 */
class VectorCellsTest {
    private static final int[] HIDDENS = {1, 15, 16, 17, 33, 48, 100};
    /**
     * Gradients of ordinary size, and of ~1e-30, where the gated cells' written gradients fall on both sides of
     * 2^-100 (~7.9e-31) and those under it must be 0 in the vector lanes and the scalar tail alike.
     */
    private static final double[] GRADIENT_SCALES = {1, 3e-30};

    @Test
    void lstmStepsEqualTheScalarLoops() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(7);
        for (int hd : HIDDENS) {
            int rows = 3, g4 = 4 * hd;
            float[] xg = rand(rng, rows * g4, 3), hg = rand(rng, rows * g4, 3), cp = rand(rng, rows * hd, 2);
            float[] g = new float[rows * g4], c = new float[rows * hd], h = new float[rows * hd];
            CpuCells.lstmForward(0, rows, hd, xg, 0, hg, 0, cp, 0, g, 0, c, 0, h, 0);
            // the scalar loops around the same activation calls (same offsets, so the same lanes in vectors)
            float[] gw = new float[rows * g4], cw = new float[rows * hd], hw = new float[rows * hd];
            for (int r = 0; r < rows; r++) {
                int gb = r * g4, cb = r * hd;
                for (int j = 0; j < g4; j++) gw[gb + j] = xg[gb + j] + hg[gb + j];
                Activations.sigmoid(gw, gb, 2 * hd);
                Activations.tanh(gw, gb + 2 * hd, hd);
                Activations.sigmoid(gw, gb + 3 * hd, hd);
                for (int j = 0; j < hd; j++) {
                    float cv = gw[gb + hd + j] * cp[cb + j] + gw[gb + j] * gw[gb + 2 * hd + j];
                    cw[cb + j] = cv;
                    hw[cb + j] = cv;
                }
                Activations.tanh(hw, cb, hd);
                for (int j = 0; j < hd; j++) hw[cb + j] *= gw[gb + 3 * hd + j];
            }
            for (int k = 0; k < gw.length; k++) same(gw[k], g[k], "LSTM gates", hd, k);
            for (int k = 0; k < cw.length; k++) same(cw[k], c[k], "LSTM c", hd, k);
            for (int k = 0; k < hw.length; k++) same(hw[k], h[k], "LSTM h", hd, k);
            for (double gs : GRADIENT_SCALES) {
                float[] dh = rand(rng, rows * hd, gs), dc = rand(rng, rows * hd, gs), tmp = new float[hd], dp = new float[rows * g4];
                float[] want = new float[rows * g4], dcWant = dc.clone();
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(c, r * hd, tmp, 0, hd);
                    Activations.tanh(tmp, 0, hd);
                    for (int j = 0; j < hd; j++) {
                        int gb = r * g4, at = r * hd + j;
                        float ig = g[gb + j], fg = g[gb + hd + j], gg = g[gb + 2 * hd + j], og = g[gb + 3 * hd + j], tc = tmp[j];
                        float dhv = dh[at], dcv = dcWant[at] + dhv * og * (1f - tc * tc);
                        want[gb + j] = vanished(dcv * gg * ig * (1f - ig));
                        want[gb + hd + j] = vanished(dcv * cp[at] * fg * (1f - fg));
                        want[gb + 2 * hd + j] = vanished(dcv * ig * (1f - gg * gg));
                        want[gb + 3 * hd + j] = vanished(dhv * tc * og * (1f - og));
                        dcWant[at] = vanished(dcv * fg);
                    }
                }
                CpuCells.lstmBackward(0, rows, hd, g, 0, c, 0, cp, 0, dh, 0, dc, 0, dp, 0, tmp);
                for (int k = 0; k < want.length; k++) same(want[k], dp[k], "LSTM dPre", hd, k);
                for (int k = 0; k < dc.length; k++) same(dcWant[k], dc[k], "LSTM dc", hd, k);
            }
        }
    }

    @Test
    void gruStepsEqualTheScalarLoops() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(8);
        for (int hd : HIDDENS) {
            int rows = 3, g3 = 3 * hd;
            float[] xg = rand(rng, rows * g3, 3), hg = rand(rng, rows * g3, 3), hp = rand(rng, rows * hd, 1);
            float[] g = new float[rows * g3], h = new float[rows * hd];
            CpuCells.gruForward(0, rows, hd, xg, 0, hg, 0, hp, 0, g, 0, h, 0);
            float[] gw = new float[rows * g3], hw = new float[rows * hd];
            for (int r = 0; r < rows; r++) {
                int gb = r * g3, ob = r * hd;
                for (int j = 0; j < 2 * hd; j++) gw[gb + j] = xg[gb + j] + hg[gb + j];
                Activations.sigmoid(gw, gb, 2 * hd);
                for (int j = 0; j < hd; j++) gw[gb + 2 * hd + j] = xg[gb + 2 * hd + j] + gw[gb + j] * hg[gb + 2 * hd + j];
                Activations.tanh(gw, gb + 2 * hd, hd);
                for (int j = 0; j < hd; j++) {
                    float z = gw[gb + hd + j], n = gw[gb + 2 * hd + j];
                    hw[ob + j] = (1f - z) * n + z * hp[ob + j];
                }
            }
            for (int k = 0; k < gw.length; k++) same(gw[k], g[k], "GRU gates", hd, k);
            for (int k = 0; k < hw.length; k++) same(hw[k], h[k], "GRU h", hd, k);
            for (double gs : GRADIENT_SCALES) {
                float[] dh = rand(rng, rows * hd, gs), dprev = rand(rng, rows * hd, gs), dx = new float[rows * g3], dhh = new float[rows * g3];
                float[] wantX = new float[rows * g3], wantH = new float[rows * g3], wantPrev = dprev.clone();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < hd; j++) {
                        int gb = r * g3, at = r * hd + j;
                        float rg = g[gb + j], z = g[gb + hd + j], n = g[gb + 2 * hd + j], d = dh[at];
                        float dn = d * (1f - z) * (1f - n * n), dz = vanished(d * (hp[at] - n) * z * (1f - z));
                        float dr = vanished(dn * hg[gb + 2 * hd + j] * rg * (1f - rg));
                        dn = vanished(dn);
                        wantX[gb + j] = dr; wantX[gb + hd + j] = dz; wantX[gb + 2 * hd + j] = dn;
                        wantH[gb + j] = dr; wantH[gb + hd + j] = dz; wantH[gb + 2 * hd + j] = vanished(dn * rg);
                        wantPrev[at] = vanished(wantPrev[at] + d * z);
                    }
                }
                CpuCells.gruBackward(0, rows, hd, g, 0, hg, 0, hp, 0, dh, 0, dx, 0, dhh, 0, dprev, 0);
                for (int k = 0; k < wantX.length; k++) same(wantX[k], dx[k], "GRU dPreX", hd, k);
                for (int k = 0; k < wantH.length; k++) same(wantH[k], dhh[k], "GRU dPreH", hd, k);
                for (int k = 0; k < wantPrev.length; k++) same(wantPrev[k], dprev[k], "GRU dh_prev", hd, k);
            }
        }
    }

    @Test
    void singleGateBackwardEqualsTheScalarFormula() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(9);
        for (int hd : HIDDENS) {
            int rows = 5, r0 = 1, r1 = 4, ho = 3, dho = 7, dpo = 2; // rows [1, 4), offsets off the vector grid
            float[] h = rand(rng, ho + rows * hd, 1), dh = rand(rng, dho + rows * hd, 2);
            float[] dpT = new float[dpo + rows * hd], dpS = new float[dpo + rows * hd];
            CpuCells.rnnTanhBackward(r0, r1, hd, h, ho, dh, dho, dpT, dpo);
            CpuCells.rnnSigmoidBackward(r0, r1, hd, h, ho, dh, dho, dpS, dpo);
            for (int i = 0; i < rows * hd; i++) {
                boolean in = i >= r0 * hd && i < r1 * hd;
                float y = h[ho + i], d = dh[dho + i];
                same(in ? vanished(d * (1f - y * y)) : 0f, dpT[dpo + i], "tanh dPre", hd, i);
                same(in ? vanished(d * y * (1f - y)) : 0f, dpS[dpo + i], "sigmoid dPre", hd, i);
            }
        }
    }

    /**
     * A gradient under 2^-100 is taken as 0 by both halves of the loop (vector lanes and the scalar tail), 2^-100 and
     * above are kept, NaN stays NaN — where a vanished gradient would otherwise reach float's subnormal range and
     * every multiply-add on it would wait on a microcode assist.
     */
    @Test
    void singleGateBackwardTakesVanishedGradientsAsZero() {
        float[] grads = {0x1p-99f, 0x1p-100f, -0x1p-100f, 0x1.fffffep-101f, -0x1p-101f, 1e-40f, -Float.MIN_VALUE, 1e-36f,
                Float.NaN, 1f, -3e-20f};
        float[] want = {0x1p-99f, 0x1p-100f, -0x1p-100f, 0f, 0f, 0f, 0f, 0f, Float.NaN, 1f, -3e-20f};
        for (int hd : HIDDENS) {
            int rows = 3, n = rows * hd;
            // y = 0: tanh' = 1 exactly; y = 0.5: the sigmoid's y·(1 − y) = 1/4 exactly, so dh = 4·g gives g
            float[] h0 = new float[n], hHalf = new float[n], dhT = new float[n], dhS = new float[n];
            java.util.Arrays.fill(hHalf, 0.5f);
            for (int i = 0; i < n; i++) {
                dhT[i] = grads[i % grads.length];
                dhS[i] = 4 * grads[i % grads.length];
            }
            float[] dpT = new float[n], dpS = new float[n];
            java.util.Arrays.fill(dpT, 7f);
            java.util.Arrays.fill(dpS, 7f);
            CpuCells.rnnTanhBackward(0, rows, hd, h0, 0, dhT, 0, dpT, 0);
            CpuCells.rnnSigmoidBackward(0, rows, hd, hHalf, 0, dhS, 0, dpS, 0);
            for (int i = 0; i < n; i++) {
                same(want[i % want.length], dpT[i], "tanh dPre of " + dhT[i], hd, i);
                same(want[i % want.length], dpS[i], "sigmoid dPre of " + grads[i % grads.length], hd, i);
            }
        }
    }

    /** The cells' rule, written out: a value under 2^-100 in magnitude is 0. */
    private static float vanished(float v) {
        return Math.abs(v) < 0x1p-100f ? 0f : v;
    }

    private static void same(float want, float got, String what, int hd, int at) {
        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), what + " H=" + hd + " at " + at + ": " + want + " vs " + got);
    }

    private static float[] rand(SplittableRandom rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        return a;
    }
}
