package org.gradlab.diagnose;

import java.util.ArrayList;
import java.util.List;

/** Runs every part of the analysis on a run's readings (and, when given, a batch probe's verdict). */
public final class Diagnose {
    private Diagnose() {}

    public static Diagnosis of(RunData d, BatchProbe.Verdict probe, List<String> evaluations) {
        List<Spikes.Spike> spikes = Spikes.find(d);
        int clipped = 0, known = 0;
        for (int i = 0; i < d.size(); i++) {
            if (!d.clipKnown(i)) continue;
            known++;
            if (d.clipped[i]) clipped++;
        }
        double rate = d.hasClip && known > 0 ? (double) clipped / known : Double.NaN;
        List<ClipRegime.Window> windows = d.hasClip ? ClipRegime.windows(d) : List.of();
        String regime = d.hasClip ? ClipRegime.overall(rate, windows) : "unknown";
        Causes.Trend trend = Causes.Trend.of(d, spikes);
        Causes.NonFinite nf = Causes.NonFinite.of(d);
        Conditioning cond = Conditioning.of(d);
        ThresholdAdvice advice = ThresholdAdvice.of(d, spikes);
        List<String> notes = new ArrayList<>(d.notes);
        if (!d.hasClip) notes.add("the logs do not say what clipping did (no post-clip norm, coefficient or threshold): the regime is not assessed");
        if (!d.hasPre) notes.add("no pre-clip gradient norm is logged: spikes, trends and threshold advice are not assessed");
        if (d.size() > 1 && d.steps[d.size() - 1] - d.steps[0] + 1 > d.size()) {
            notes.add(String.format("the log holds %d of the %d steps between its first and last: spikes between logged steps cannot be seen",
                    d.size(), d.steps[d.size() - 1] - d.steps[0] + 1));
        }
        String spec = d.config != null ? d.config.clip().toText() : !Double.isNaN(d.assumedThreshold) ? "norm:" + d.assumedThreshold + " (assumed)"
                : d.hasClip ? "logged" : null;
        return new Diagnosis(d.name, d.source, d.size(), d.size() == 0 ? 0 : d.steps[0], d.size() == 0 ? 0 : d.steps[d.size() - 1], spec, rate, regime,
                windows, ClipRegime.changes(windows), spikes, trend, nf, cond, advice,
                Causes.rank(d, spikes, regime, Double.isNaN(rate) ? 0 : rate, trend, nf, cond, probe), probe, evaluations, notes);
    }
}
