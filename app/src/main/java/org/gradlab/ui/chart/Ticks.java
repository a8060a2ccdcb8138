package org.gradlab.ui.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Axis ticks a person can read: 1, 2, 2.5 or 5 × 10^k apart, at multiples of that spacing, labelled with just
 * the digits that tell them apart (0.25, 0.50, … not 0.263, 0.525).
 */
public final class Ticks {
    private Ticks() {}

    /** The nice spacing that gives about `target` intervals over `range`. */
    public static double spacing(double range, int target) {
        if (!(range > 0) || Double.isInfinite(range)) return 1;
        double raw = range / target, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * mag;
    }

    /** The multiples of `spacing` within [lo, hi]. */
    public static List<Double> values(double lo, double hi, double spacing) {
        List<Double> out = new ArrayList<>();
        double eps = spacing * 1e-9;
        for (long k = (long) Math.ceil(lo / spacing - 1e-9); k * spacing <= hi + eps && out.size() < 100; k++) out.add(k * spacing);
        return out;
    }

    /** A whole-step spacing for a step axis (at least 1). */
    public static long stepSpacing(long range, int target) {
        return Math.max(1, Math.round(spacing(Math.max(1, range), target)));
    }

    /** The label of a tick at `v` on an axis ticked every `spacing`. */
    public static String label(double v, double spacing) {
        if (Math.abs(v) < spacing * 1e-6) return "0";
        double a = Math.abs(v);
        if (a >= 1e5 || spacing < 1e-3) {
            int digits = (int) Math.max(0, Math.min(4, Math.floor(Math.log10(a)) - Math.floor(Math.log10(spacing))));
            return String.format(Locale.ROOT, "%." + digits + "e", v);
        }
        int d = 0;
        while (d < 10 && Math.abs(spacing * Math.pow(10, d) - Math.rint(spacing * Math.pow(10, d))) > 1e-6) d++;
        return String.format(Locale.ROOT, "%." + d + "f", v);
    }

    /**
     * A linear y range around data [lo, hi], widened to whole tick spacings; data that never goes below zero
     * never gets an axis below zero.
     */
    public static double[] niceRange(double lo, double hi, int target) {
        if (hi == lo) {
            hi += Math.max(1e-6, Math.abs(hi) * 0.1);
            lo = lo >= 0 ? Math.max(0, lo - Math.max(1e-6, Math.abs(lo) * 0.1)) : lo - Math.max(1e-6, Math.abs(lo) * 0.1);
        }
        double s = spacing(hi - lo, target);
        double a = Math.floor(lo / s + 1e-9) * s, b = Math.ceil(hi / s - 1e-9) * s;
        if (lo >= 0) a = Math.max(0, a);
        return new double[] {a, b, s};
    }
}
