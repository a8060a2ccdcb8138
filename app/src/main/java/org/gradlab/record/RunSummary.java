package org.gradlab.record;

/**
 * Key figures of a recorded run, from its index alone: final and minimum loss, clip rate, non-finite
 * steps, the largest pre-clip norm, the first step whose loss or gradient norm was non-finite (divergence),
 * the first step whose loss reached a target, and the mean loss and clip rate over the last steps (a window,
 * so a summary is not one noisy batch).
 */
public record RunSummary(long firstStep, long endStep, float finalLoss, float minLoss, long minLossStep, double clipRate,
                         long nonFiniteSteps, float maxPreNorm, long divergedAt, long targetReachedAt, double windowLoss, double windowClipRate,
                         int window) {
    /** Steps the windowed figures average over: one raw loss is one noisy batch. */
    public static final int WINDOW = 100;

    /** The mean finite loss over the recorded steps in [from, to] (NaN when there is none). */
    public static double meanLoss(StepIndex ix, long from, long to) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < ix.count(); i++) {
            long k = ix.stepAt(i);
            if (k < from || k > to) continue;
            float loss = ix.valueAt(i, Series.LOSS);
            if (Float.isFinite(loss)) {
                s += loss;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

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
        int w = Math.min(WINDOW, n), finiteLosses = 0;
        double lossSum = 0, clippedInWindow = 0;
        for (int i = n - w; i < n; i++) {
            float loss = ix.valueAt(i, Series.LOSS);
            if (Float.isFinite(loss)) {
                lossSum += loss;
                finiteLosses++;
            }
            clippedInWindow += ix.valueAt(i, Series.CLIPPED);
        }
        return new RunSummary(ix.firstStep(), ix.nextStep(), fin, min, minAt, n == 0 ? 0 : clipped / n, nonFinite, maxNorm,
                diverged, reached, finiteLosses == 0 ? Double.NaN : lossSum / finiteLosses, w == 0 ? Double.NaN : clippedInWindow / w, w);
    }
}
