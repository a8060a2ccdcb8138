package org.gradlab.diagnose;

import org.gradlab.run.RecurrentSpectrum;
import org.gradlab.run.RunConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * How the run was conditioned at its start: the per-layer pre-clip norms of its first step and how far apart
 * they are, how the global norm moved from the first tenth of the run to the last, and — for a tanh RNN — the
 * spectral radius of each recurrent matrix at initialisation (above 1, gradients through time can explode;
 * well below, vanish).
 */
public record Conditioning(List<String> layers, float[] layerNormsAtStart, double layerNormRatio, double normFirstTenth,
                           double normLastTenth, List<Radius> spectralRadius, List<Radius> radiusRecorded, long radiusStep,
                           double reachBackFirst, double reachBackLast) {
    public record Radius(String tensor, double rho) {}

    /** ρ at initialisation or, measured while training, at its last measurement: above 1 the gradient through time can grow. */
    public boolean radiusAboveOne() {
        return spectralRadius.stream().anyMatch(r -> r.rho() > 1) || radiusRecorded.stream().anyMatch(r -> r.rho() > 1);
    }

    public static Conditioning of(RunData d) {
        float[] first = null;
        for (int i = 0; i < d.size() && first == null; i++) first = d.layerPre[i];
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        if (first != null) {
            for (float v : first) {
                if (v > 0 && Float.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        int tenth = Math.max(1, d.size() / 10);
        List<Radius> recorded = new ArrayList<>();
        long at = -1;
        for (int i = d.size() - 1; i >= 0 && at < 0; i--) {
            if (d.radii[i] == null || d.radii[i].length != d.radiusNames.size()) continue;
            at = d.steps[i];
            for (int m = 0; m < d.radii[i].length; m++) recorded.add(new Radius(d.radiusNames.get(m), d.radii[i][m]));
        }
        double reachFirst = Double.NaN, reachLast = Double.NaN;
        for (int i = 0; i < d.size() && Double.isNaN(reachFirst); i++) reachFirst = d.reachBack[i];
        for (int i = d.size() - 1; i >= 0 && Double.isNaN(reachLast); i--) reachLast = d.reachBack[i];
        return new Conditioning(d.layers, first, hi > 0 && lo < Double.POSITIVE_INFINITY ? hi / lo : Double.NaN, meanPre(d, 0, tenth),
                meanPre(d, d.size() - tenth, d.size()), radii(d.config == null ? null : d.config.run()), recorded, at, reachFirst, reachLast);
    }

    private static double meanPre(RunData d, int from, int to) {
        double s = 0;
        int n = 0;
        for (int i = Math.max(0, from); i < Math.min(d.size(), to); i++) {
            if (Float.isFinite(d.pre[i])) {
                s += Math.log(Math.max(d.pre[i], 1e-30));
                n++;
            }
        }
        return n == 0 ? Double.NaN : Math.exp(s / n); // geometric mean: one spike does not make the tenth
    }

    /** ρ(W_hh) of each layer of a tanh RNN as initialised from the run's seed (empty for other models). */
    static List<Radius> radii(RunConfig c) {
        List<Radius> out = new ArrayList<>();
        if (c != null) RecurrentSpectrum.atInit(c).forEach((name, rho) -> out.add(new Radius(name, rho)));
        return out;
    }
}
