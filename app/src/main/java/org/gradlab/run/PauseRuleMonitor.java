package org.gradlab.run;

import org.gradlab.telemetry.StepStats;

import java.util.Arrays;

/**
 * Watches finished steps for the rules of {@link PauseRules} that look back: the first non-finite step, a
 * pre-clip norm far above its recent median, a clip rate above a fraction over a window. Runs on the training
 * thread; cheap enough for every step (a sort of at most W floats when the spike rule is on).
 */
final class PauseRuleMonitor {
    private PauseRules rules = PauseRules.NONE;
    private double[] norms = new double[0];
    private boolean[] clipped = new boolean[0];
    private int normCount, normPos, clipCount, clipPos, clippedInWindow;
    private boolean sawNonFinite;

    void setRules(PauseRules r) {
        rules = r;
        norms = new double[Math.max(0, r.spikeWindow())];
        clipped = new boolean[Math.max(0, r.clipRateWindow())];
        normCount = normPos = clipCount = clipPos = clippedInWindow = 0;
    }

    PauseRules rules() {
        return rules;
    }

    /** The reason to pause after this step, or null. */
    String check(StepStats s) {
        String reason = null;
        boolean bad = s.nonFinite();
        if (rules.nonFinite() && bad && !sawNonFinite) reason = "first non-finite step: " + s.step();
        if (bad) sawNonFinite = true;
        if (s.clip() == null) return reason;
        double pre = s.clip().preNorm();
        if (rules.spikeFactor() > 0 && Double.isFinite(pre)) {
            if (normCount >= Math.min(10, norms.length)) {
                double median = median();
                if (pre > rules.spikeFactor() * median && reason == null) {
                    reason = String.format(java.util.Locale.ROOT, "spike at step %d: pre-clip norm %.4g is %.1f× the median %.4g of the last %d steps",
                            s.step(), pre, pre / median, median, normCount);
                }
            }
            norms[normPos] = pre;
            normPos = (normPos + 1) % norms.length;
            normCount = Math.min(norms.length, normCount + 1);
        }
        if (rules.clipRate() > 0) {
            if (clipCount == clipped.length && clipped[clipPos]) clippedInWindow--;
            clipped[clipPos] = s.clip().clipped();
            if (s.clip().clipped()) clippedInWindow++;
            clipPos = (clipPos + 1) % clipped.length;
            clipCount = Math.min(clipped.length, clipCount + 1);
            double rate = (double) clippedInWindow / clipCount;
            if (clipCount == clipped.length && rate > rules.clipRate() && reason == null) {
                reason = String.format(java.util.Locale.ROOT, "clip rate %.0f%% over the last %d steps at step %d (rule: above %.0f%%)",
                        100 * rate, clipCount, s.step(), 100 * rules.clipRate());
                clipCount = 0; // judge a fresh window after resuming, or it fires again at once
                clippedInWindow = 0;
                Arrays.fill(clipped, false);
            }
        }
        return reason;
    }

    private double median() {
        double[] c = Arrays.copyOf(norms, normCount);
        Arrays.sort(c);
        return normCount % 2 == 1 ? c[normCount / 2] : 0.5 * (c[normCount / 2 - 1] + c[normCount / 2]);
    }
}
