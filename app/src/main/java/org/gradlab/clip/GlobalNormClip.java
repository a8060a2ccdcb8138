package org.gradlab.clip;

/** {@code norm:C[:p]}: torch.nn.utils.clip_grad_norm_(params, C, norm_type=p), coefficient always applied. */
final class GlobalNormClip extends ClipStrategy {
    GlobalNormClip(ClipSpec s) {
        super(s);
    }

    @Override
    protected Outcome clip(GradientSegments g, float preL2) {
        double p = spec().extra();
        float total = p == 2 ? preL2 : g.totalNorm(p);
        return torchNormClip(g, total, (float) spec().threshold());
    }
}
