package org.gradlab.clip;

/** {@code value:V}: element-wise clamp to [−V, V] (clip_grad_value_, Keras clipvalue). NaN stays NaN. */
final class ValueClip extends ClipStrategy {
    ValueClip(ClipSpec s) {
        super(s);
    }

    @Override
    protected Outcome clip(GradientSegments g, float preL2) {
        float v = (float) spec().threshold();
        long parts = 0;
        for (int i = 0; i < g.tensors(); i++) if (g.maxAbs[i] > v) parts++;
        if (parts > 0) g.backend().clampValues(g.grads(), 0, g.store().size(), v);
        return new Outcome(preL2, Double.NaN, parts > 0, v, parts > 0 ? ClipAction.CLAMPED : ClipAction.NONE, parts);
    }
}
