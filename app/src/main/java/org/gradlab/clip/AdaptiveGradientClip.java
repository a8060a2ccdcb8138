package org.gradlab.clip;

import org.gradlab.engine.Backend;

/**
 * {@code agc:λ[:eps]}: optax adaptive_grad_clip / NFNets AGC, unit-wise. A unit is one row of a PyTorch
 * [out, in, …] weight (one output unit); a vector is one unit. When ‖G_i‖ > λ·max(‖W_i‖, eps), G_i is
 * scaled by that limit / max(‖G_i‖, 1e-6). Optionally leaves the final head alone, as NFNets does.
 */
final class AdaptiveGradientClip extends ClipStrategy {
    private final boolean excludeHead;
    private double[][] wn = new double[0][], gn = new double[0][];
    private float[] scale = new float[0];

    AdaptiveGradientClip(ClipSpec s, boolean excludeHead) {
        super(s);
        this.excludeHead = excludeHead;
    }

    @Override
    protected Outcome clip(GradientSegments g, float preL2) {
        double lambda = spec().threshold(), eps = spec().extra();
        Backend be = g.backend();
        int n = g.tensors();
        if (wn.length != n) {
            wn = new double[n][];
            gn = new double[n][];
            for (int i = 0; i < n; i++) {
                wn[i] = new double[g.rows[i]];
                gn[i] = new double[g.rows[i]];
            }
        }
        // every row norm first, then one collect: no copy per tensor on a GPU
        for (int i = 0; i < n; i++) {
            if (excludeHead && g.head[i]) continue;
            int rows = g.rows[i], cols = g.sizes[i] / rows;
            be.rowSumSquares(g.store().params(), g.offsets[i], rows, cols, wn[i], 0);
            be.rowSumSquares(g.grads(), g.offsets[i], rows, cols, gn[i], 0);
        }
        be.collect();
        long parts = 0;
        for (int i = 0; i < n; i++) {
            if (excludeHead && g.head[i]) continue;
            int rows = g.rows[i], cols = g.sizes[i] / rows;
            if (scale.length < rows) scale = new float[rows];
            int clippedRows = 0;
            for (int r = 0; r < rows; r++) {
                double gNorm = Math.sqrt(gn[i][r]);
                double limit = lambda * Math.max(Math.sqrt(wn[i][r]), eps);
                if (gNorm > limit) {
                    scale[r] = (float) (limit / Math.max(gNorm, 1e-6));
                    clippedRows++;
                } else {
                    scale[r] = 1f;
                }
            }
            if (clippedRows > 0) be.scaleRows(g.grads(), g.offsets[i], rows, cols, scale, 0);
            parts += clippedRows;
        }
        return new Outcome(preL2, Double.NaN, parts > 0, lambda, parts > 0 ? ClipAction.UNIT_WISE : ClipAction.NONE, parts);
    }
}
