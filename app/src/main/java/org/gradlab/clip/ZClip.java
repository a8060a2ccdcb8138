package org.gradlab.clip;

import java.util.Arrays;

/**
 * {@code zclip[:Z[:α]]}: ZClip (Kumar et al. 2025) as its reference code does it with defaults: warm-up of
 * 25 steps collecting global L2 norms while clip_grad_norm_(1.0) applies, then mean and population
 * variance; afterwards z = (g − μ)/(σ + 1e-6), and on z > Z the adaptive threshold μ + Z·σ/(z/Z); the
 * effective threshold is min(that or g, max_grad_norm = 1.0), applied only when g exceeds it; the EMA is
 * updated with the adaptive threshold on a spike, with g otherwise. A non-finite g leaves the statistics
 * alone (the reference would turn them NaN for good).
 */
final class ZClip extends ClipStrategy {
    static final int WARMUP = 25;
    static final double EPS = 1e-6, MAX_GRAD_NORM = 1.0;

    private final double z, alpha;
    private final double[] buffer = new double[WARMUP];
    private int buffered;
    private boolean initialized;
    private double mean, var;

    ZClip(ClipSpec s) {
        super(s);
        z = s.threshold();
        alpha = s.extra();
    }

    @Override
    protected Outcome clip(GradientSegments g, float preL2) {
        double total = preL2;
        if (!initialized) {
            if (Double.isFinite(total)) {
                buffer[buffered++] = total;
                if (buffered >= WARMUP) initialize();
            }
            return torchNormClip(g, preL2, (float) MAX_GRAD_NORM);
        }
        if (!Double.isFinite(total)) return torchNormClip(g, preL2, (float) MAX_GRAD_NORM);
        double std = Math.sqrt(var);
        double zScore = (total - mean) / (std + EPS);
        Double clipVal = null;
        if (zScore > z) clipVal = mean + z * std / (zScore / z);
        double effective = Math.min(clipVal != null ? clipVal : total, MAX_GRAD_NORM);
        double threshold = Math.min(clipVal != null ? clipVal : Double.POSITIVE_INFINITY, MAX_GRAD_NORM);
        Outcome o;
        if (total > effective) {
            float coef = (float) (effective / (total + 1e-6));
            g.scaleAllLater(coef);
            o = new Outcome(total, coef, true, threshold, ClipAction.SCALED, 1);
        } else {
            o = new Outcome(total, 1.0, false, threshold, ClipAction.NONE, 0);
        }
        double x = clipVal != null ? clipVal : total;
        mean = alpha * mean + (1 - alpha) * x;
        var = alpha * var + (1 - alpha) * (x - mean) * (x - mean);
        return o;
    }

    private void initialize() {
        double s = 0;
        for (int i = 0; i < buffered; i++) s += buffer[i];
        mean = s / buffered;
        double v = 0;
        for (int i = 0; i < buffered; i++) v += (buffer[i] - mean) * (buffer[i] - mean);
        var = v / buffered;
        initialized = true;
        buffered = 0;
    }

    double mean() { return mean; }
    double variance() { return var; }

    /** State: [initialized, mean, var, buffered norms…]. */
    @Override
    public double[] saveState() {
        double[] s = new double[3 + buffered];
        s[0] = initialized ? 1 : 0;
        s[1] = mean;
        s[2] = var;
        System.arraycopy(buffer, 0, s, 3, buffered);
        return s;
    }

    @Override
    public void restoreState(double[] s) {
        initialized = s[0] != 0;
        mean = s[1];
        var = s[2];
        buffered = s.length - 3;
        Arrays.fill(buffer, 0);
        System.arraycopy(s, 3, buffer, 0, buffered);
    }
}
