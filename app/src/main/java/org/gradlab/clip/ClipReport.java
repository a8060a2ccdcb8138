package org.gradlab.clip;

/**
 * What clipping did on one step. Norms are L2 over all gradients unless said otherwise.
 *
 * @param preNorm       global L2 norm before clipping
 * @param strategyNorm  the norm the strategy judged (the p-norm of norm:C:p — what clip_grad_norm_ returns)
 * @param postNorm      global L2 norm after clipping
 * @param coefficient   the single scale applied to every gradient, or NaN when scales differ per tensor/unit/element
 * @param clipped       whether any gradient was reduced
 * @param threshold     the threshold in force this step (adaptive strategies change it); NaN for none
 * @param nonFinite     number of NaN/±inf gradient values before clipping
 * @param action        what was done
 * @param clippedParts  tensors, units or elements that were reduced (1 for a global scale below 1)
 * @param tensorPre     per-tensor L2 norms before clipping (layout order)
 * @param tensorPost    per-tensor L2 norms after clipping
 * @param layerPre      per-layer-group L2 norms before clipping
 * @param layerPost     per-layer-group L2 norms after clipping
 */
public record ClipReport(double preNorm, double strategyNorm, double postNorm, double coefficient, boolean clipped,
                         double threshold, long nonFinite, ClipAction action, long clippedParts, float[] tensorPre,
                         float[] tensorPost, float[] layerPre, float[] layerPost) {
}
