package org.gradlab.diagnose;

import org.gradlab.run.RunEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Robust spike detection on the pre-clip global norm: each step's log-norm against the median and MAD of the
 * steps before it (a rolling window), so a spike is judged by what was normal just before it and earlier
 * spikes cannot raise the bar. Neighbouring spike steps are one spike (the strongest). For each spike: the
 * layer whose norm rose most, the loss around it and how long it took to come back, whether NaN/inf came with
 * it, and whether an injected bad batch or a control change explains it.
 */
public final class Spikes {
    /** One detected spike; explainedBy is null when nothing recorded explains it. */
    public record Spike(long step, double preNorm, double score, double ratio, String layer, double lossBefore, double lossAfter,
                        Long recoverySteps, boolean nonFinite, String explainedBy, String explainedKind) {}

    public static final int WINDOW = 50, MIN_HISTORY = 20;
    /** A spike: at least this many robust deviations above the median, and this many times its value. */
    public static final double MIN_SCORE = 6, MIN_RATIO = 3;

    private Spikes() {}

    public static List<Spike> find(RunData d) {
        List<int[]> raw = new ArrayList<>(); // {index, score*1000}
        double[] scores = new double[d.size()], ratios = new double[d.size()];
        double[] window = new double[WINDOW];
        int filled = 0, pos = 0;
        for (int i = 0; i < d.size(); i++) {
            float p = d.pre[i];
            if (!(p > 0) || Float.isInfinite(p)) continue;
            double x = Math.log(p);
            if (filled >= MIN_HISTORY) {
                double[] w = Arrays.copyOf(window, filled);
                double med = median(w);
                for (int j = 0; j < w.length; j++) w[j] = Math.abs(w[j] - med);
                double mad = median(w);
                double score = (x - med) / Math.max(1.4826 * mad, 0.05);
                double ratio = Math.exp(x - med);
                if (score >= MIN_SCORE && ratio >= MIN_RATIO) {
                    scores[i] = score;
                    ratios[i] = ratio;
                    raw.add(new int[] {i});
                }
            }
            window[pos] = x;
            pos = (pos + 1) % WINDOW;
            filled = Math.min(WINDOW, filled + 1);
        }
        List<Spike> out = new ArrayList<>();
        int k = 0;
        while (k < raw.size()) {
            int best = raw.get(k)[0], last = best;
            int m = k + 1;
            while (m < raw.size() && d.steps[raw.get(m)[0]] - d.steps[last] <= 3) {
                last = raw.get(m)[0];
                if (scores[last] > scores[best]) best = last;
                m++;
            }
            out.add(describe(d, best, scores[best], ratios[best]));
            k = m;
        }
        return out;
    }

    private static Spike describe(RunData d, int i, double score, double ratio) {
        long step = d.steps[i];
        double before = meanLoss(d, i - 20, i - 1), after = meanLoss(d, i + 1, i + 20);
        boolean nf = false;
        for (int j = Math.max(0, i - 2); j <= Math.min(d.size() - 1, i + 2); j++) nf |= d.nonFinite(j);
        String[] why = explain(d, step);
        return new Spike(step, d.pre[i], score, ratio, risingLayer(d, i), before, after, recovery(d, i, before), nf, why[0], why[1]);
    }

    /** The layer whose pre-clip norm rose most against its own median over the window before. */
    private static String risingLayer(RunData d, int i) {
        if (d.layerPre[i] == null || d.layers.isEmpty()) return null;
        String best = null;
        double bestRatio = 0;
        for (int l = 0; l < d.layers.size(); l++) {
            List<Double> hist = new ArrayList<>();
            for (int j = Math.max(0, i - WINDOW); j < i; j++) {
                if (d.layerPre[j] != null && d.layerPre[j][l] > 0 && Float.isFinite(d.layerPre[j][l])) hist.add((double) d.layerPre[j][l]);
            }
            if (hist.isEmpty()) continue;
            double med = median(hist.stream().mapToDouble(Double::doubleValue).toArray());
            double r = d.layerPre[i][l] / med;
            if (r > bestRatio || Double.isInfinite(r)) {
                bestRatio = r;
                best = d.layers.get(l);
            }
        }
        return best;
    }

    private static double meanLoss(RunData d, int from, int to) {
        double s = 0;
        int n = 0;
        for (int j = Math.max(0, from); j <= Math.min(d.size() - 1, to); j++) {
            if (Float.isFinite(d.loss[j])) {
                s += d.loss[j];
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Steps until the mean loss of 10 steps is back within 2% of the level before (null: not within the run). */
    private static Long recovery(RunData d, int i, double before) {
        if (Double.isNaN(before)) return null;
        for (int j = i + 1; j + 9 < d.size() && j <= i + 2000; j++) {
            double m = meanLoss(d, j, j + 9);
            if (m <= before * 1.02 + 1e-6) return d.steps[j] - d.steps[i];
        }
        return null;
    }

    /** An injected spike at the step, or a clip/lr change just before it, from the run's events. */
    static String[] explain(RunData d, long step) {
        for (RunEvent e : d.events) {
            if (e.type() == RunEvent.Type.SPIKE && e.step() == step) {
                String kind = e.value().split(":").length > 1 ? e.value().split(":")[1] : "grad";
                return new String[] {"injected " + e.value().substring(e.value().indexOf(':') + 1) + " at step " + e.step(), kind};
            }
        }
        for (RunEvent e : d.events) {
            if ((e.type() == RunEvent.Type.LR || e.type() == RunEvent.Type.CLIP) && e.step() <= step && e.step() >= step - 10) {
                return new String[] {e.type().name().toLowerCase(Locale.ROOT) + " changed to " + e.value() + " at step " + e.step(),
                        e.type().name().toLowerCase(Locale.ROOT)};
            }
        }
        return new String[] {null, null};
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        int n = c.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    }
}
