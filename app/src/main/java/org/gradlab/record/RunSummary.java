package org.gradlab.record;

/**
 * Key figures of a recorded run, from its index alone: final and minimum loss, clip rate, non-finite
 * steps, the largest pre-clip norm, the first step whose loss or gradient norm was non-finite (divergence),
 * and the first step whose loss reached a target.
 */
public record RunSummary(long firstStep, long endStep, float finalLoss, float minLoss, long minLossStep, double clipRate,
                         long nonFiniteSteps, float maxPreNorm, long divergedAt, long targetReachedAt) {
    public static RunSummary of(StepIndex ix, double lossTarget) {
        int n = ix.count();
        float fin = Float.NaN, min = Float.NaN, maxNorm = Float.NaN;
        long minAt = -1, diverged = -1, reached = -1, nonFinite = 0;
        double clipped = 0;
        for (int i = 0; i < n; i++) {
            float loss = ix.valueAt(i, Series.LOSS), pre = ix.valueAt(i, Series.PRE_NORM);
            long step = ix.stepAt(i);
            fin = loss;
            if (Float.isFinite(loss) && !(loss >= min)) {
                min = loss;
                minAt = step;
            }
            if (Float.isFinite(pre) && !(pre <= maxNorm)) maxNorm = pre;
            boolean bad = org.gradlab.telemetry.StepStats.isNonFinite(loss, pre, ix.valueAt(i, Series.NON_FINITE));
            if (bad) {
                nonFinite++;
                if (diverged < 0) diverged = step;
            }
            clipped += ix.valueAt(i, Series.CLIPPED);
            if (reached < 0 && loss <= lossTarget) reached = step;
        }
        return new RunSummary(ix.firstStep(), ix.nextStep(), fin, min, minAt, n == 0 ? 0 : clipped / n, nonFinite, maxNorm,
                diverged, reached);
    }
}
