package org.gradlab.clip;

/** {@code none}: gradients untouched; norms still reported. */
final class NoClip extends ClipStrategy {
    NoClip(ClipSpec s) {
        super(s);
    }

    @Override
    protected Outcome clip(GradientSegments g, float preL2) {
        return new Outcome(preL2, 1.0, false, Double.NaN, ClipAction.NONE, 0);
    }
}
