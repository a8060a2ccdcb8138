package org.gradlab.diagnose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Alerts on a run as its steps arrive — for {@code gradlab watch} and the app's live runs: NaN/inf at once; a
 * spike (robust score against the steps before it, like {@link Spikes}); a sustained clip rate; a change of clip
 * regime (one that has held for two blocks of twice the window). Each condition alerts once and re-arms only when it
 * has cleared, so a run that stays bad says so once, and a single noisy step does not alert at all.
 */
public final class AlertMonitor {
    /** One alert: kind ∈ non-finite, spike, clip-rate, regime. */
    public record Alert(String run, long step, String kind, String message) {}

    /** What alerts: a spike's robust score and ratio, a clip rate over a window of steps. */
    public record Settings(double spikeScore, double spikeRatio, double clipRate, int window) {
        public static final Settings DEFAULT = new Settings(Spikes.MIN_SCORE, Spikes.MIN_RATIO, 0.5, 100);

        public Settings {
            if (!(spikeScore > 0) || !(spikeRatio > 1) || !(clipRate > 0 && clipRate <= 1) || window < 10) {
                throw new IllegalArgumentException("alert settings: spike score > 0, spike ratio > 1, clip rate in (0, 1], window >= 10");
            }
        }
    }

    private final String run;
    private final Settings settings;
    private final double[] norms = new double[Spikes.WINDOW];
    private int normCount, normPos;
    private final boolean[] clipWindow;
    private int clipCount, clipPos, clippedInWindow;
    private boolean nonFiniteArmed = true, clipArmed = true;
    private long finiteSince = -1, lastSpikeStep = -1_000_000;
    private int regimeSteps, regimeClipped;
    private String lastRegime, pendingRegime;
    // the summary
    private long steps, lastStep = -1, nonFiniteSteps;
    private double lastLoss = Double.NaN, maxPre = Double.NaN;

    public AlertMonitor(String run, Settings settings) {
        this.run = run;
        this.settings = settings;
        this.clipWindow = new boolean[settings.window()];
    }

    /**
     * One step's readings (NaN where not logged; clipped null where unknown; nonFinite by GradLab's one
     * definition). Returns the alerts it raises.
     */
    public List<Alert> add(long step, double loss, double pre, Boolean clipped, boolean nonFinite) {
        List<Alert> out = new ArrayList<>();
        steps++;
        lastStep = step;
        if (!Double.isNaN(loss)) lastLoss = loss;
        if (Double.isFinite(pre) && !(pre <= maxPre)) maxPre = pre;
        if (nonFinite) {
            nonFiniteSteps++;
            finiteSince = -1;
            if (nonFiniteArmed) {
                out.add(new Alert(run, step, "non-finite", String.format(Locale.ROOT, "NaN/inf at step %d (loss %s, pre-clip norm %s)", step, num(loss), num(pre))));
                nonFiniteArmed = false;
            }
        } else if (!nonFiniteArmed) {
            if (finiteSince < 0) finiteSince = step;
            if (step - finiteSince >= settings.window()) nonFiniteArmed = true;
        }
        if (pre > 0 && Double.isFinite(pre)) {
            double x = Math.log(pre);
            if (normCount >= Spikes.MIN_HISTORY) {
                double[] w = Arrays.copyOf(norms, normCount);
                double med = Spikes.median(w);
                for (int i = 0; i < w.length; i++) w[i] = Math.abs(w[i] - med);
                double score = (x - med) / Math.max(1.4826 * Spikes.median(w), 0.05), ratio = Math.exp(x - med);
                if (score >= settings.spikeScore() && ratio >= settings.spikeRatio()) {
                    // a burst alerts once: a spike within a window of the previous one (alerted or not) is part of it
                    // (a run that has just learned spikes every few dozen steps against its now tiny median)
                    if (step - lastSpikeStep > settings.window()) {
                        out.add(new Alert(run, step, "spike", String.format(Locale.ROOT, "spike at step %d: pre-clip norm %.4g, %.0f× the median of "
                                + "the steps before (score %.1f)", step, pre, ratio, score)));
                    }
                    lastSpikeStep = step;
                }
            }
            norms[normPos] = x;
            normPos = (normPos + 1) % norms.length;
            normCount = Math.min(norms.length, normCount + 1);
        }
        if (clipped != null) {
            if (clipCount == clipWindow.length && clipWindow[clipPos]) clippedInWindow--;
            clipWindow[clipPos] = clipped;
            if (clipped) clippedInWindow++;
            clipPos = (clipPos + 1) % clipWindow.length;
            clipCount = Math.min(clipWindow.length, clipCount + 1);
            double rate = (double) clippedInWindow / clipCount;
            if (clipCount == clipWindow.length) {
                if (clipArmed && rate > settings.clipRate()) {
                    out.add(new Alert(run, step, "clip-rate", String.format(Locale.ROOT, "clipping fired on %.0f%% of the last %d steps (at step %d): "
                            + "a sustained clip rate is a diagnosis, not insurance", 100 * rate, clipCount, step)));
                    clipArmed = false;
                } else if (!clipArmed && rate < settings.clipRate() / 2) {
                    clipArmed = true;
                }
            }
            regimeSteps++;
            if (clipped) regimeClipped++;
            if (regimeSteps == 2 * settings.window()) {
                // a change alerts once the new regime has held for two blocks in a row: a clip rate hovering at a
                // boundary (50% between frequent and binding) flipped the label every block and alerted each time
                String regime = ClipRegime.of((double) regimeClipped / regimeSteps);
                if (lastRegime == null || regime.equals(lastRegime)) {
                    if (lastRegime == null) lastRegime = regime;
                    pendingRegime = null;
                } else if (regime.equals(pendingRegime)) {
                    out.add(new Alert(run, step, "regime", String.format(Locale.ROOT, "clip regime changed from %s to %s, held over the last %d steps (at step %d)",
                            lastRegime, regime, 2 * regimeSteps, step)));
                    lastRegime = regime;
                    pendingRegime = null;
                } else {
                    pendingRegime = regime;
                }
                regimeSteps = 0;
                regimeClipped = 0;
            }
        }
        return out;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    public String run() { return run; }
    public long steps() { return steps; }
    public long lastStep() { return lastStep; }
    public double lastLoss() { return lastLoss; }
    public double maxPreNorm() { return maxPre; }
    public long nonFiniteSteps() { return nonFiniteSteps; }

    /** The current clip rate over the window (NaN before any clip information). */
    public double clipRate() {
        return clipCount == 0 ? Double.NaN : (double) clippedInWindow / clipCount;
    }
}
