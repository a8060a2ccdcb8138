package org.gradlab.model;

import org.gradlab.engine.Backend;
import org.gradlab.engine.Buf;

/**
 * Pascanu, Mikolov and Bengio's vanishing-gradient regulariser Ω (ICML 2013, eq. 9) on one vanilla RNN layer, as
 * the authors' code (pascanur/trainingRNNs) computes it. For every step t and sequence b, with g = ∂E/∂h_t (the
 * whole gradient reaching h_t), a = g ⊙ act'(h_t) and v = a·W_hh (what reaches h_{t−1}):
 * <pre>
 *   Ω = Σ_t mean_b (‖v‖² / ‖g‖² − 1)² / Σ_t (share of the batch with ‖g‖² ≥ 1e-20)
 * </pre>
 * (terms with ‖g‖² below that bound count as 0, as there) and α·∂Ω/∂W_hh is added to W_hh's gradient before
 * clipping — with g and h_t held constant, as the authors' code differentiates it: only the explicit W_hh in v.
 * That gradient is Σ c·aᵀv with c = α·4(‖v‖²/‖g‖² − 1)/(‖g‖²·B·Σ_t share), one more GEMM over the T·B rows.
 * Ω rewards a step that keeps the gradient's norm as it travels back, where clipping only caps its growth.
 */
final class PascanuRegulariser {
    /** The authors' bound below which a gradient counts as vanished (their {@code state['bound']}). */
    static final double BOUND = 1e-20;

    private final double alpha;
    private final int seq, batch, hid;
    private final Buf v;
    private final int[] vStart, gStart, rowLen;
    private final double[] vSq, gSq;
    private final float[] coef;
    private double omega = Double.NaN;

    PascanuRegulariser(Backend be, double alpha, int seq, int batch, int hid, int dHOff) {
        this.alpha = alpha;
        this.seq = seq;
        this.batch = batch;
        this.hid = hid;
        int rows = seq * batch;
        v = be.alloc(rows * hid);
        vStart = new int[rows];
        gStart = new int[rows];
        rowLen = new int[rows];
        for (int r = 0; r < rows; r++) {
            vStart[r] = r * hid;
            gStart[r] = dHOff + r * hid;
            rowLen[r] = hid;
        }
        vSq = new double[rows];
        gSq = new double[rows];
        coef = new float[rows];
    }

    /**
     * Adds α·∂Ω/∂W_hh into grads[whhOff, …) from the finished backward pass: dPre holds a for all T·B rows
     * (time-major), dH the gradients g at the same rows from the layer's offset.
     */
    void addGradient(Backend be, Buf params, int whhOff, Buf dPre, Buf dH, Buf grads) {
        int rows = seq * batch;
        be.gemm(rows, hid, hid, dPre, 0, hid, 1, params, whhOff, hid, v, 0, hid, false);
        be.rowSumSquares(v, null, vStart, rowLen, vSq, null);
        be.rowSumSquares(dH, null, gStart, rowLen, gSq, null);
        be.collect();
        double shares = 0, sum = 0;
        for (int t = 0; t < seq; t++) {
            int valid = 0;
            for (int b = 0; b < batch; b++) {
                int r = t * batch + b;
                if (gSq[r] >= BOUND) {
                    valid++;
                    double d = vSq[r] / gSq[r] - 1;
                    sum += d * d / batch;
                }
            }
            shares += (double) valid / batch;
        }
        if (shares == 0) {
            omega = 0; // every gradient vanished: no term counts (the authors' code divides 0 by 0 here)
            return;
        }
        omega = sum / shares;
        for (int r = 0; r < rows; r++) {
            coef[r] = gSq[r] >= BOUND ? (float) (alpha * 4 * (vSq[r] / gSq[r] - 1) / (gSq[r] * batch * shares)) : 0f;
        }
        be.scaleRows(v, vStart, rowLen, coef);
        be.gemm(hid, hid, rows, dPre, 0, 1, hid, v, 0, hid, grads, whhOff, hid, true);
    }

    /** Ω at the last backward pass (NaN before the first). */
    double omega() {
        return omega;
    }
}
