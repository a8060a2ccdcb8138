package org.gradlab.diagnose;

import java.util.ArrayList;
import java.util.List;

/**
 * How often clipping fired, over the run and window by window, read the way practice reads it: none; insurance
 * (under 1% of steps — a safety net); frequent; binding (most steps); constant (every step — a step-size limit
 * nobody chose); binding from the start (most steps early on, then less).
 */
public final class ClipRegime {
    /** One window of steps and its clip rate. */
    public record Window(long from, long to, int steps, double rate, String regime) {}

    /** The regime change between two neighbouring windows. */
    public record Change(long step, String from, String to) {}

    private ClipRegime() {}

    public static String of(double rate) {
        if (Double.isNaN(rate)) return "unknown";
        if (rate == 0) return "none";
        if (rate < 0.01) return "insurance";
        if (rate < 0.5) return "frequent";
        if (rate < 0.95) return "binding";
        return "constant";
    }

    /**
     * About 20 windows of at least 200 steps each (fewer when the run is short): a window must be long enough
     * for one clipped step to read as insurance (0.5%), not as "frequent".
     */
    public static List<Window> windows(RunData d) {
        int n = d.size(), size = Math.max(200, (n + 19) / 20);
        List<Window> out = new ArrayList<>();
        for (int a = 0; a < n; a += size) {
            int b = Math.min(n, a + size), clipped = 0, known = 0;
            for (int i = a; i < b; i++) {
                if (!d.clipKnown(i)) continue;
                known++;
                if (d.clipped[i]) clipped++;
            }
            double rate = known == 0 ? Double.NaN : (double) clipped / known;
            out.add(new Window(d.steps[a], d.steps[b - 1], b - a, rate, of(rate)));
        }
        return out;
    }

    public static List<Change> changes(List<Window> w) {
        List<Change> out = new ArrayList<>();
        for (int i = 1; i < w.size(); i++) {
            if (!w.get(i).regime().equals(w.get(i - 1).regime())) out.add(new Change(w.get(i).from(), w.get(i - 1).regime(), w.get(i).regime()));
        }
        return out;
    }

    /** The run's regime: by its overall rate, or "binding-from-start" when the first window binds and the run does not. */
    public static String overall(double rate, List<Window> w) {
        String r = of(rate);
        if (!w.isEmpty() && w.get(0).rate() >= 0.5 && rate < 0.5 && w.size() > 1) return "binding-from-start";
        return r;
    }
}
