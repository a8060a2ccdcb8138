package org.gradlab.diagnose;

import org.gradlab.run.RunEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The likely causes, ranked, each with its evidence in one sentence — the practitioner's table: spikes tied to
 * specific batches point at the data; spikes growing in frequency, or following a learning-rate change, at the
 * learning rate or its schedule; NaN/inf at numerics; norms that are out of scale from the start, a recurrent
 * matrix with a spectral radius above 1, or clipping that binds from the first steps, at conditioning. An
 * injected spike explains itself; a run without any of these needs nothing.
 */
public final class Causes {
    /** cause ∈ data, learning-rate, numerics, conditioning, injected, none; score in [0, 1]. */
    public record Cause(String cause, double score, String evidence) {}

    private Causes() {}

    /** ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ below which the first steps of a sequence get practically no gradient. */
    static final double VANISHED = 1e-4;

    /** Unexplained spikes from which "one bad batch" stops being the likely story. */
    static final int RECURRING = 5;

    public static List<Cause> rank(RunData d, List<Spikes.Spike> spikes, String regime, double clipRate, Trend trend, NonFinite nf,
                                   Conditioning c, BatchProbe.Verdict probe) {
        List<Cause> out = new ArrayList<>();
        List<Spikes.Spike> injectedGrad = spikes.stream().filter(s -> "grad".equals(s.explainedKind())).toList();
        List<Spikes.Spike> injectedData = spikes.stream().filter(s -> s.explainedKind() != null
                && List.of("tokens", "inputs", "targets").contains(s.explainedKind())).toList();
        if (!injectedGrad.isEmpty()) {
            Spikes.Spike s = injectedGrad.get(0);
            out.add(new Cause("injected", injectedGrad.size() == spikes.size() ? 0.95 : 0.7, String.format(Locale.ROOT,
                    "the spike at step %d (pre-clip norm %.4g, %.0f× the median before it) is explained by the recorded event: %s", s.step(), s.preNorm(),
                    s.ratio(), s.explainedBy())));
        }
        if (probe != null && probe.batchTied()) {
            out.add(new Cause("data", 0.95, "probe: " + probe.summary()));
        } else if (!injectedData.isEmpty()) {
            Spikes.Spike s = injectedData.get(0);
            out.add(new Cause("data", 0.9, String.format(Locale.ROOT, "the spike at step %d (%.0f× the median) comes with a corrupted batch: %s",
                    s.step(), s.ratio(), s.explainedBy())));
        } else if (spikes.stream().anyMatch(s -> s.explainedBy() == null)) {
            List<Spikes.Spike> unexplained = spikes.stream().filter(x -> x.explainedBy() == null).toList();
            Spikes.Spike s = unexplained.get(0);
            // a probe that found neither the batch nor the weights alone, or many spikes, weigh against "one bad batch"
            boolean probedNeither = probe != null && !probe.stateTied() && unexplained.stream().anyMatch(x -> x.step() == probe.step());
            boolean recurring = unexplained.size() >= RECURRING;
            out.add(new Cause("data", probedNeither ? 0.3 : recurring || trend.growing() ? 0.4 : 0.55, String.format(Locale.ROOT,
                    "%d spike(s) that nothing recorded explains (the first at step %d, %.0f× the median): %s; %s", unexplained.size(), s.step(),
                    s.ratio(), recurring ? "one bad batch explains one spike, not " + unexplained.size() : "one-off spikes are most often one bad batch",
                    probedNeither ? "the probe did not tie step " + probe.step() + " to its batch" : d.config != null
                    ? "probe it to tell: diagnose RUN --probe " + s.step() : "a GradLab run could be probed; a log cannot")));
            if (probedNeither || recurring) {
                out.add(new Cause("conditioning", probedNeither ? 0.7 : 0.6, String.format(Locale.ROOT, "%s: the loss surface has narrow walls "
                        + "(Pascanu et al.'s cliffs) that steps keep running into%s; clipping bounds the step a wall throws, a lower learning rate "
                        + "hits them less", probedNeither ? "the spike at step " + probe.step() + " needs this batch at exactly these weights — "
                        + "neither alone reproduces it" : unexplained.size() + " spikes spread over steps " + s.step() + "–"
                        + unexplained.get(unexplained.size() - 1).step(), s.layer() == null ? "" : " (the gradient rose most in " + s.layer() + ")")));
            }
        }
        if (probe != null && !probe.batchTied() && probe.stateTied()) {
            out.add(new Cause("conditioning", 0.8, "probe: " + probe.summary()));
        }
        List<Spikes.Spike> afterLr = spikes.stream().filter(s -> "lr".equals(s.explainedKind())).toList();
        if (!afterLr.isEmpty()) {
            out.add(new Cause("learning-rate", 0.85, "the spike at step " + afterLr.get(0).step() + " follows a learning-rate change: "
                    + afterLr.get(0).explainedBy()));
        } else if (trend.growing()) {
            out.add(new Cause("learning-rate", 0.7, trend.sentence()));
        }
        double growth = nf.growthBefore();
        boolean exploded = nf.steps() > 0 && growth > 1e3;
        if (nf.steps() > 0) {
            out.add(exploded ? new Cause("numerics", 0.4, nf.sentence() + ", after the norm had grown " + String.format(Locale.ROOT, "%.1e", growth)
                    + "-fold: an explosion that overflowed, not a precision problem")
                    : new Cause("numerics", nf.steps() * 10L > d.size() ? 0.9 : 0.75, nf.sentence()));
        }
        if (exploded && d.config != null) {
            out.add(new Cause("learning-rate", 0.6, String.format(Locale.ROOT, "at learning rate %.3g the updates fed the explosion; "
                    + "a lower rate (or clipping at the healthy norm) keeps the run out of it", d.config.run().optimizer().lr())));
        }
        boolean radiusAbove = c.radiusAboveOne();
        if ("binding-from-start".equals(regime) || "constant".equals(regime) || radiusAbove || c.layerNormRatio() > 1e3
                || exploded) {
            List<String> why = new ArrayList<>();
            if ("binding-from-start".equals(regime)) why.add("clipping binds on most steps from the start");
            if ("constant".equals(regime)) why.add(String.format(Locale.ROOT, "clipping fires on %.0f%% of steps: the threshold, not the "
                    + "gradient, sets every step's size", 100 * clipRate));
            for (Conditioning.Radius r : c.spectralRadius()) {
                if (r.rho() > 1) why.add(String.format(Locale.ROOT, "ρ(%s) = %.2f > 1 at initialisation", r.tensor(), r.rho()));
            }
            for (Conditioning.Radius r : c.radiusRecorded()) {
                if (r.rho() > 1) why.add(String.format(Locale.ROOT, "ρ(%s) = %.2f > 1 at step %d%s", r.tensor(), r.rho(), c.radiusStep(),
                        c.reachBackLast() > 1 ? String.format(Locale.ROOT, ": the gradient grows back through time (‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ "
                                + "= %.3g at the last step)", c.reachBackLast()) : ""));
            }
            if (c.layerNormRatio() > 1e3) why.add(String.format(Locale.ROOT, "layer norms at the start differ %.0f-fold", c.layerNormRatio()));
            if (exploded) {
                why.add(String.format(Locale.ROOT, "exploding gradients: the pre-clip norm grew %.1e-fold before the first NaN/inf at step %d",
                        growth, nf.firstStep()));
            }
            out.add(new Cause("conditioning", exploded ? 0.85 : "constant".equals(regime) && !radiusAbove ? 0.6 : 0.7, String.join("; ", why)));
        }
        if (c.reachBackLast() < VANISHED) {
            String share = c.reachBackLast() == 0 ? "none" : String.format(Locale.ROOT, "%.3g", c.reachBackLast());
            out.add(new Cause("conditioning", 0.75, "the gradient through time vanishes: " + share + " of the gradient at the sequence's "
                    + "last step reaches its first (‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ at the last step" + (c.reachBackLast() == 0 ? ": it underflowed to 0" : "")
                    + "), so nothing learns from the early steps; clipping cannot bring it back (it only shrinks gradients) — an "
                    + "initialisation with ρ(W_hh) near 1 (smart tanh), a gated cell (LSTM, GRU) or shorter sequences can"));
        }
        if (out.isEmpty() && !d.hasPre) {
            out.add(new Cause("unknown", 0, "the run recorded no gradient norms (no clipping and no telemetry), only its loss: spikes, "
                    + "explosions and conditioning cannot be read from it; record it with telemetry to diagnose it"));
        } else if (out.isEmpty()) {
            out.add(new Cause("none", 0.9, "unknown".equals(regime) ? "no spikes and no NaN/inf (what clipping did was not logged)"
                    : String.format(Locale.ROOT, "clipping %s (%.2f%% of steps), no spikes, no NaN/inf: nothing to fix", regimeWords(regime), 100 * clipRate)));
        }
        out.sort(Comparator.comparingDouble(Cause::score).reversed());
        // one line per cause: a second finding for the same cause joins the first's evidence
        java.util.Map<String, Cause> merged = new java.util.LinkedHashMap<>();
        for (Cause x : out) merged.merge(x.cause(), x, (a, b) -> new Cause(a.cause(), a.score(), a.evidence() + "; also: " + b.evidence()));
        return new ArrayList<>(merged.values());
    }

    static String regimeWords(String regime) {
        return switch (regime) {
            case "none" -> "never fired";
            case "insurance" -> "is insurance";
            case "unknown" -> "was not logged";
            default -> "is " + regime;
        };
    }

    /** Spike and clip frequency over the run: first half against second. */
    public record Trend(int spikesFirstHalf, int spikesSecondHalf, double clipRateFirstHalf, double clipRateSecondHalf, double normSlopePer1000) {
        public boolean growing() {
            return spikesSecondHalf >= 3 && spikesSecondHalf >= 2 * Math.max(1, spikesFirstHalf);
        }

        public String verdict() {
            if (spikesFirstHalf + spikesSecondHalf == 0) return "no spikes";
            if (growing()) return "growing";
            if (spikesFirstHalf >= 3 && spikesFirstHalf >= 2 * Math.max(1, spikesSecondHalf)) return "declining";
            return "steady";
        }

        String sentence() {
            return String.format(Locale.ROOT, "spikes grow in frequency: %d in the first half of the run, %d in the second (clip rate %.1f%% → %.1f%%)",
                    spikesFirstHalf, spikesSecondHalf, 100 * clipRateFirstHalf, 100 * clipRateSecondHalf);
        }

        static Trend of(RunData d, List<Spikes.Spike> spikes) {
            if (d.size() == 0) return new Trend(0, 0, Double.NaN, Double.NaN, Double.NaN);
            long mid = d.steps[d.size() / 2];
            int a = 0, b = 0;
            for (Spikes.Spike s : spikes) if (s.step() < mid) a++; else b++;
            int ca = 0, na = 0, cb = 0, nb = 0;
            double sx = 0, sy = 0, sxx = 0, sxy = 0;
            int m = 0;
            for (int i = 0; i < d.size(); i++) {
                if (Float.isNaN(d.pre[i])) continue;
                if (!d.hasClip) continue;
                if (d.steps[i] < mid) { na++; if (d.clipped[i]) ca++; } else { nb++; if (d.clipped[i]) cb++; }
                if (d.pre[i] > 0 && Float.isFinite(d.pre[i])) {
                    double x = d.steps[i] / 1000.0, y = Math.log10(d.pre[i]);
                    sx += x; sy += y; sxx += x * x; sxy += x * y; m++;
                }
            }
            double slope = m < 2 ? Double.NaN : (m * sxy - sx * sy) / (m * sxx - sx * sx);
            return new Trend(a, b, na == 0 ? Double.NaN : (double) ca / na, nb == 0 ? Double.NaN : (double) cb / nb, slope);
        }
    }

    /** NaN/inf by GradLab's one definition, and the norms that overflowed although every value was finite. */
    /** growthBefore: the largest finite pre-clip norm before the first non-finite step over the first one (NaN without one). */
    public record NonFinite(int steps, long firstStep, int overflowedNorms, double growthBefore) {
        String sentence() {
            return String.format(Locale.ROOT, "%d non-finite step(s), the first at step %d%s", steps, firstStep,
                    overflowedNorms > 0 ? "; " + overflowedNorms + " with a pre-clip norm that overflowed although every value was finite" : "");
        }

        static NonFinite of(RunData d) {
            int n = 0, over = 0, firstAt = -1;
            long first = -1;
            for (int i = 0; i < d.size(); i++) {
                if (!d.nonFinite(i)) continue;
                n++;
                if (first < 0) {
                    first = d.steps[i];
                    firstAt = i;
                }
                if (Float.isInfinite(d.pre[i]) && d.nonFiniteValues[i] == 0) over++;
            }
            double start = Double.NaN, max = 0;
            for (int i = 0; firstAt > 0 && i < firstAt; i++) {
                if (!(d.pre[i] > 0) || Float.isInfinite(d.pre[i])) continue;
                if (Double.isNaN(start)) start = d.pre[i];
                max = Math.max(max, d.pre[i]);
            }
            return new NonFinite(n, first, over, Double.isNaN(start) ? Double.NaN : max / start);
        }
    }

    /** Events that change training (for the text report). */
    static List<RunEvent> controlEvents(RunData d) {
        return d.events.stream().filter(e -> e.type() == RunEvent.Type.CLIP || e.type() == RunEvent.Type.LR || e.type() == RunEvent.Type.SPIKE).toList();
    }
}
