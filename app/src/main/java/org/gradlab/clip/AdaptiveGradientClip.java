package org.gradlab.clip;

import org.gradlab.engine.Backend;

/**
 * {@code agc:λ[:eps]}: optax adaptive_grad_clip / NFNets AGC, unit-wise. A unit is one row of a PyTorch
 * [out, in, …] weight (one output unit); a vector is one unit. When ‖G_i‖ > λ·max(‖W_i‖, eps), G_i is
 * scaled by that limit / max(‖G_i‖, 1e-6). Optionally leaves the final head alone, as NFNets does.
 */
final class AdaptiveGradientClip extends ClipStrategy {
    private final boolean excludeHead;
    /** The units of the clipped tensors as one row table, built for the segments `rowsOf`. */
    private GradientSegments rowsOf;
    private int[] rowStart, rowLen;
    private double[] wn, gn;
    private float[] scale;

    AdaptiveGradientClip(ClipSpec s, boolean excludeHead) {
        super(s);
        this.excludeHead = excludeHead;
    }

    @Override
    protected Outcome clip(GradientSegments g, float preL2) {
        double lambda = spec().threshold(), eps = spec().extra();
        Backend be = g.backend();
        if (rowsOf != g) buildRows(g);
        // every unit's weight and gradient norm in one pass and one copy, the scaling in one more pass
        be.rowSumSquares(g.store().params(), g.grads(), rowStart, rowLen, wn, gn);
        be.collect();
        long parts = 0;
        for (int r = 0; r < rowStart.length; r++) {
            double gNorm = Math.sqrt(gn[r]);
            double limit = lambda * Math.max(Math.sqrt(wn[r]), eps);
            if (gNorm > limit) {
                scale[r] = (float) (limit / Math.max(gNorm, 1e-6));
                parts++;
            } else {
                scale[r] = 1f;
            }
        }
        if (parts > 0) be.scaleRows(g.grads(), rowStart, rowLen, scale);
        return new Outcome(preL2, Double.NaN, parts > 0, lambda, parts > 0 ? ClipAction.UNIT_WISE : ClipAction.NONE, parts);
    }

    /** One row per unit: a row of a PyTorch [out, in, …] weight, or a whole vector. */
    private void buildRows(GradientSegments g) {
        int n = 0;
        for (int i = 0; i < g.tensors(); i++) if (!(excludeHead && g.head[i])) n += g.rows[i];
        rowStart = new int[n];
        rowLen = new int[n];
        int k = 0;
        for (int i = 0; i < g.tensors(); i++) {
            if (excludeHead && g.head[i]) continue;
            int cols = g.sizes[i] / g.rows[i];
            for (int r = 0; r < g.rows[i]; r++, k++) {
                rowStart[k] = g.offsets[i] + r * cols;
                rowLen[k] = cols;
            }
        }
        rowsOf = g;
        wn = new double[n];
        gn = new double[n];
        scale = new float[n];
    }
}
