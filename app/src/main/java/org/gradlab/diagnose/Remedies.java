package org.gradlab.diagnose;

import org.gradlab.clip.ClipSpec;
import org.gradlab.run.ForkVariant;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Spike;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The remedies worth trying for a diagnosis, as fork variants from just before the first problem (spike or
 * NaN/inf): the run as recorded, then what the likely cause calls for — skip or replace the batch for data,
 * a lower learning rate for the learning rate, a global-norm clip at the healthy mean norm (Pascanu's advice)
 * for numerics and conditioning, and a looser clip at twice that mean as insurance against a one-off spike.
 */
public final class Remedies {
    /** Where to fork, what the problem is, and the branches (the first one keeps the run as recorded). */
    public record Plan(long forkAt, long problemStep, String problem, List<ForkVariant> variants) {}

    private Remedies() {}

    public static Plan plan(Diagnosis d, SessionConfig sc, long firstStep) {
        long spike = d.spikes().isEmpty() ? Long.MAX_VALUE : d.spikes().get(0).step();
        long nan = d.nonFinite().steps() > 0 ? d.nonFinite().firstStep() : Long.MAX_VALUE;
        if (spike == Long.MAX_VALUE && nan == Long.MAX_VALUE) return null;
        long k = Math.min(spike, nan);
        String problem = k == spike ? "spike" : "first NaN/inf";
        long at = Math.max(firstStep, k - 10);
        String cause = d.causes().isEmpty() ? "none" : d.causes().get(0).cause();
        double mean = d.advice().meanNorm();
        double lr = sc.run().optimizer().lr();
        List<ForkVariant> v = new ArrayList<>();
        v.add(new ForkVariant(null, null, List.of()));
        ForkVariant tight = Double.isFinite(mean) && mean > 0 ? clip(round(mean)) : null, loose = Double.isFinite(mean) && mean > 0 ? clip(round(2 * mean)) : null;
        switch (cause) {
            case "data" -> {
                v.add(new ForkVariant(null, null, List.of(new Spike(k, Spike.Kind.SKIP, 0))));
                v.add(new ForkVariant(null, null, List.of(new Spike(k, Spike.Kind.REPLACE, 0))));
                if (loose != null) v.add(loose);
            }
            case "learning-rate" -> {
                v.add(new ForkVariant(null, lr / 3, List.of()));
                if (loose != null) v.add(loose);
            }
            case "numerics", "conditioning" -> {
                if (tight != null) v.add(tight);
                v.add(new ForkVariant(null, lr / 3, List.of()));
            }
            default -> { // injected, or nothing named: insurance against the one-off, and dropping the bad step
                if (loose != null) v.add(loose);
                v.add(new ForkVariant(null, null, List.of(new Spike(k, Spike.Kind.SKIP, 0))));
            }
        }
        return new Plan(at, k, problem, v);
    }

    private static ForkVariant clip(double threshold) {
        return new ForkVariant(ClipSpec.parse("norm:" + String.format(Locale.ROOT, "%.3g", threshold)), null, List.of());
    }

    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.3g", v));
    }
}
