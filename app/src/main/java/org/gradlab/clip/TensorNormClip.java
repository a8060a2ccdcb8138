package org.gradlab.clip;

/** {@code tensor-norm:C}: Keras clipnorm, each tensor on its own: g·C/max(‖g‖, C). */
final class TensorNormClip extends ClipStrategy {
    TensorNormClip(ClipSpec s) {
        super(s);
    }

    @Override
    protected Outcome clip(GradientSegments g, float preL2) {
        double c = spec().threshold();
        float[] f = g.factors();
        long parts = 0;
        for (int i = 0; i < g.tensors(); i++) {
            double n = Math.sqrt(g.sumSq[i]);
            boolean over = !(n <= c);
            f[i] = over ? (float) (c / Math.max(n, c)) : 1f;
            if (over) parts++;
        }
        if (parts > 0) g.applyFactorsLater();
        return new Outcome(preL2, Double.NaN, parts > 0, c, parts > 0 ? ClipAction.PER_TENSOR : ClipAction.NONE, parts);
    }
}
