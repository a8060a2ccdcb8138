package org.gradlab.diagnose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What threshold the recorded norms argue for: the mean pre-clip norm over a healthy stretch (after the first
 * tenth, away from spikes and NaN/inf), Pascanu et al.'s 0.5–10× that mean, percentiles, and for candidate
 * thresholds the would-clip rate — the fraction of steps with a known pre-clip norm above it, counted on the
 * recorded norms (so it can be read off an unclipped run too, and checked against the CSV).
 */
public record ThresholdAdvice(double meanNorm, long healthyFrom, long healthyTo, double[] pascanuRange, Map<String, Double> percentiles,
                              List<WouldClip> wouldClip) {
    public record WouldClip(String label, double threshold, double rate) {}

    public static ThresholdAdvice of(RunData d, List<Spikes.Spike> spikes) {
        int n = d.size();
        java.util.Set<Long> near = new java.util.HashSet<>();
        for (Spikes.Spike s : spikes) for (long k = s.step() - 5; k <= s.step() + 5; k++) near.add(k);
        // the healthy steps: finite, away from spikes, after the first tenth of them (the start is often atypical);
        // in a run that exploded, only the steps before its norm left the range it started in
        int end = n;
        double first = Double.NaN;
        for (int i = 0; i < n; i++) {
            if (!(d.pre[i] > 0) || Float.isInfinite(d.pre[i])) continue;
            if (Double.isNaN(first)) first = d.pre[i];
            else if (d.pre[i] > 1e3 * first) {
                for (int j = 0; j < i; j++) if (d.pre[j] > 10 * first) { end = j; break; }
                if (end == n) end = i;
                break;
            }
        }
        List<Integer> healthy = new ArrayList<>();
        for (int i = 0; i < end; i++) if (Float.isFinite(d.pre[i]) && !d.nonFinite(i) && !near.contains(d.steps[i])) healthy.add(i);
        healthy = healthy.subList(healthy.size() / 10, healthy.size());
        double sum = 0;
        for (int i : healthy) sum += d.pre[i];
        double mean = healthy.isEmpty() ? Double.NaN : sum / healthy.size();
        long hFrom = healthy.isEmpty() ? 0 : d.steps[healthy.get(0)], hTo = healthy.isEmpty() ? 0 : d.steps[healthy.get(healthy.size() - 1)];
        double[] finite = new double[n];
        int m = 0;
        for (int i = 0; i < n; i++) if (Float.isFinite(d.pre[i])) finite[m++] = d.pre[i];
        finite = Arrays.copyOf(finite, m);
        Arrays.sort(finite);
        Map<String, Double> pct = new LinkedHashMap<>();
        for (double q : new double[] {50, 90, 99, 99.9}) pct.put("p" + (q == Math.rint(q) ? Long.toString((long) q) : "99.9"), percentile(finite, q));
        pct.put("max", m == 0 ? Double.NaN : finite[m - 1]);
        List<WouldClip> w = new ArrayList<>();
        if (!Double.isNaN(mean)) {
            for (double f : new double[] {0.5, 1, 2, 5, 10}) w.add(new WouldClip(f + "× mean", f * mean, rate(d, f * mean)));
        }
        for (String p : List.of("p99", "p99.9")) if (!Double.isNaN(pct.get(p))) w.add(new WouldClip(p, pct.get(p), rate(d, pct.get(p))));
        double current = currentThreshold(d);
        // a threshold on the global norm (not element-wise or per tensor) can be read against the global norms
        boolean global = d.config == null || switch (d.config.clip().kind()) {
            case NORM, AUTOCLIP, ZCLIP -> true;
            default -> false;
        };
        if (!Double.isNaN(current) && global) w.add(new WouldClip("in force", current, rate(d, current)));
        return new ThresholdAdvice(mean, hFrom, hTo, new double[] {0.5 * mean, 10 * mean}, pct, w);
    }

    /** Steps whose recorded pre-clip norm is above the threshold, over the steps with a known pre-clip norm. */
    public static double rate(RunData d, double threshold) {
        int above = 0, known = 0;
        for (float p : d.pre) {
            if (Float.isNaN(p)) continue;
            known++;
            if (p > threshold) above++;
        }
        return known == 0 ? Double.NaN : (double) above / known;
    }

    /** The last finite threshold in force of a global-norm clip (NaN otherwise). */
    private static double currentThreshold(RunData d) {
        for (int i = d.size() - 1; i >= 0; i--) if (Float.isFinite(d.threshold[i])) return d.threshold[i];
        return Double.NaN;
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        double at = q / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(at), hi = (int) Math.ceil(at);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
    }
}
