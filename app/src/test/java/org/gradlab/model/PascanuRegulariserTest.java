package org.gradlab.model;

import org.gradlab.engine.Buf;
import org.gradlab.engine.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pascanu et al.'s Ω: its value and its W_hh gradient against independent double-precision computations. */
class PascanuRegulariserTest {

    /**
     * Ω(W) with a and g held fixed, straight from the authors' definition: per step the batch mean of
     * (‖a·W‖²/‖g‖² − 1)², a term 0 where ‖g‖² is under the bound, over Σ_t (share of the batch above it).
     */
    static double omega(double[] w, float[] a, float[] g, int gOff, int seq, int batch, int hid) {
        double sum = 0, shares = 0;
        for (int t = 0; t < seq; t++) {
            int valid = 0;
            double mean = 0;
            for (int b = 0; b < batch; b++) {
                int r = t * batch + b;
                double gg = 0, vv = 0;
                for (int j = 0; j < hid; j++) gg += (double) g[gOff + r * hid + j] * g[gOff + r * hid + j];
                for (int j = 0; j < hid; j++) {
                    double v = 0;
                    for (int i = 0; i < hid; i++) v += a[r * hid + i] * w[i * hid + j];
                    vv += v * v;
                }
                if (gg >= PascanuRegulariser.BOUND) {
                    valid++;
                    mean += (vv / gg - 1) * (vv / gg - 1) / batch;
                }
            }
            sum += mean;
            shares += (double) valid / batch;
        }
        return sum / shares;
    }

    @Test
    void gradientIsAlphaTimesTheFiniteDifferencesOfOmegaWithTheGradientsHeldConstant() {
        int seq = 4, batch = 3, hid = 5, rows = seq * batch, whhOff = 11, gOff = 7;
        double alpha = 4;
        Random rnd = new Random(3);
        float[] w = new float[whhOff + hid * hid], a = new float[rows * hid], g = new float[gOff + rows * hid];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextGaussian() * 0.6);
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < g.length; i++) g[i] = (float) rnd.nextGaussian();
        for (int j = 0; j < hid; j++) g[gOff + 5 * hid + j] = 1e-12f; // one vanished gradient: ‖g‖² under the bound
        float[] g0 = new float[whhOff + hid * hid];
        for (int i = 0; i < g0.length; i++) g0[i] = i * 0.01f;
        try (CpuBackend be = new CpuBackend(2)) {
            Buf p = be.alloc(w.length), dPre = be.alloc(a.length), dH = be.alloc(g.length), grads = be.alloc(g0.length);
            be.upload(w, 0, p, 0, w.length);
            be.upload(a, 0, dPre, 0, a.length);
            be.upload(g, 0, dH, 0, g.length);
            be.upload(g0, 0, grads, 0, g0.length);
            PascanuRegulariser reg = new PascanuRegulariser(be, alpha, seq, batch, hid, gOff);
            assertTrue(Double.isNaN(reg.omega()), "no value before the first pass");
            reg.addGradient(be, p, whhOff, dPre, dH, grads);
            float[] got = new float[g0.length];
            be.download(grads, 0, got, 0, got.length);

            double[] wd = new double[hid * hid];
            for (int i = 0; i < wd.length; i++) wd[i] = w[whhOff + i];
            double value = omega(wd, a, g, gOff, seq, batch, hid);
            assertTrue(value > 0.1, "a test that can tell: Ω = " + value);
            assertEquals(value, reg.omega(), 1e-5 * value, "Ω's value");
            for (int i = 0; i < whhOff; i++) assertEquals(g0[i], got[i], "nothing outside W_hh's gradient changes");
            double h = 1e-4, worst = 0, scale = 0;
            for (int k = 0; k < hid * hid; k++) {
                double keep = wd[k];
                wd[k] = keep + h;
                double up = omega(wd, a, g, gOff, seq, batch, hid);
                wd[k] = keep - h;
                double down = omega(wd, a, g, gOff, seq, batch, hid);
                wd[k] = keep;
                double want = alpha * (up - down) / (2 * h), have = got[whhOff + k] - g0[whhOff + k];
                worst = Math.max(worst, Math.abs(want - have));
                scale = Math.max(scale, Math.abs(want));
            }
            assertTrue(scale > 0.1, "the gradient is not trivially small: " + scale);
            assertTrue(worst < 1e-4 * scale, "largest difference " + worst + " against gradients up to " + scale);
        }
    }

    /**
     * A one-layer tanh RNN with the regulariser: every gradient but W_hh's is the same, bit for bit, as without it,
     * and W_hh's grows by α·∂Ω/∂W_hh computed here in double from the RNN's own forward and backward pass (the
     * whole gradient g reaching each h_t, a = g ⊙ (1 − h_t²)).
     */
    @Test
    void aRegularisedRnnChangesOnlyTheRecurrentGradientByAlphaTimesOmegasGradient() {
        int in = 3, hid = 6, out = 2, batch = 4, seq = 7;
        double alpha = 4;
        Random rnd = new Random(5);
        float[] x = new float[batch * seq * in], y = new float[batch * out];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < y.length; i++) y[i] = (float) rnd.nextGaussian();
        float[] wih = gauss(rnd, hid * in, 0.5), whh = gauss(rnd, hid * hid, 0.5), bih = gauss(rnd, hid, 0.1),
                bhh = gauss(rnd, hid, 0.1), hw = gauss(rnd, out * hid, 0.5), hb = gauss(rnd, out, 0.1);
        float[][] grads = new float[2][];
        double[] omegas = new double[2];
        for (int k = 0; k < 2; k++) {
            try (CpuBackend be = new CpuBackend(2)) {
                SequenceModel m = new SequenceModel(be, new SequenceModelConfig(CellType.RNN_TANH, in, 0, 0, hid, 1, out, false,
                        LossKind.MSE, batch, seq));
                m.params().set("rnn.weight_ih_l0", wih);
                m.params().set("rnn.weight_hh_l0", whh);
                m.params().set("rnn.bias_ih_l0", bih);
                m.params().set("rnn.bias_hh_l0", bhh);
                m.params().set("head.weight", hw);
                m.params().set("head.bias", hb);
                if (k == 1) m.regularise(alpha);
                m.load(x, null, y, null);
                m.forwardBackward();
                grads[k] = m.params().readGrads();
                omegas[k] = m.omega();
            }
        }
        assertTrue(Double.isNaN(omegas[0]), "no Ω without the regulariser");
        int whhOff = 0, n = hid * hid;
        while (whhOff < grads[0].length && !(grads[0][whhOff] != grads[1][whhOff])) whhOff++;
        // W_hh follows W_ih in the layout: everything before and after it is untouched
        assertEquals(hid * in, whhOff, "the first changed gradient is W_hh's");
        float[] before = grads[0].clone(), after = grads[1].clone();
        for (int i = 0; i < n; i++) before[whhOff + i] = after[whhOff + i] = 0;
        assertArrayEquals(before, after, "only W_hh's gradient changes");

        // the reference: forward and backward in double, then α·∂Ω/∂W_hh with g and h held constant
        double[][][] h = new double[seq + 1][batch][hid], g = new double[seq + 1][batch][hid];
        for (int t = 0; t < seq; t++) {
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < hid; i++) {
                    double s = bih[i] + bhh[i];
                    for (int j = 0; j < in; j++) s += wih[i * in + j] * x[(b * seq + t) * in + j];
                    for (int j = 0; j < hid; j++) s += whh[i * hid + j] * h[t][b][j];
                    h[t + 1][b][i] = Math.tanh(s);
                }
            }
        }
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                double o2 = hb[o];
                for (int j = 0; j < hid; j++) o2 += hw[o * hid + j] * h[seq][b][j];
                double d = 2 * (o2 - y[b * out + o]) / (batch * out);
                for (int j = 0; j < hid; j++) g[seq][b][j] += d * hw[o * hid + j];
            }
        }
        float[] a = new float[seq * batch * hid], gf = new float[seq * batch * hid];
        for (int t = seq; t >= 1; t--) {
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < hid; i++) {
                    double ai = g[t][b][i] * (1 - h[t][b][i] * h[t][b][i]);
                    a[((t - 1) * batch + b) * hid + i] = (float) ai;
                    gf[((t - 1) * batch + b) * hid + i] = (float) g[t][b][i];
                    for (int j = 0; j < hid; j++) g[t - 1][b][j] += ai * whh[i * hid + j];
                }
            }
        }
        double[] wd = new double[n];
        for (int i = 0; i < n; i++) wd[i] = whh[i];
        double value = omega(wd, a, gf, 0, seq, batch, hid);
        assertEquals(value, omegas[1], 1e-4 * value, "Ω's value");
        double eps = 1e-4, worst = 0, scale = 0;
        for (int k = 0; k < n; k++) {
            double keep = wd[k];
            wd[k] = keep + eps;
            double up = omega(wd, a, gf, 0, seq, batch, hid);
            wd[k] = keep - eps;
            double down = omega(wd, a, gf, 0, seq, batch, hid);
            wd[k] = keep;
            double want = alpha * (up - down) / (2 * eps), have = grads[1][whhOff + k] - grads[0][whhOff + k];
            worst = Math.max(worst, Math.abs(want - have));
            scale = Math.max(scale, Math.abs(want));
        }
        assertNotEquals(0.0, scale);
        assertTrue(worst < 1e-3 * scale, "largest difference " + worst + " against " + scale);
    }

    private static float[] gauss(Random r, int n, double sd) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) (r.nextGaussian() * sd);
        return out;
    }
}
