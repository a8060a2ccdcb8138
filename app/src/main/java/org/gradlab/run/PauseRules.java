package org.gradlab.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When a session pauses by itself, so a teacher can stop time at the moment that matters:
 * <ul>
 *   <li>{@code nonfinite} — after the first step with a NaN/inf loss or gradient;</li>
 *   <li>{@code spike[:K[:W]]} — after a step whose pre-clip norm is above K× (default 10) the median of the W
 *       (default 100) steps before it (once 10 steps are known);</li>
 *   <li>{@code clip-rate[:X[:W]]} — after a step where more than a fraction X (default 0.5) of the last W (default
 *       100) steps were clipped (once W steps are known);</li>
 *   <li>{@code event} — before a step that has a scheduled event (an injected bad batch), so the run can be
 *       forked just before it.</li>
 * </ul>
 * Text form: the rules comma-separated, e.g. {@code nonfinite,spike:20}; {@code none} for no rule.
 */
public record PauseRules(boolean nonFinite, double spikeFactor, int spikeWindow, double clipRate, int clipRateWindow,
                         boolean beforeEvent) {
    public static final PauseRules NONE = new PauseRules(false, 0, 0, 0, 0, false);
    public static final String GRAMMAR = "nonfinite | spike[:K[:W]] | clip-rate[:X[:W]] | event, comma-separated (or none)";

    public PauseRules {
        if (spikeFactor != 0 && !(spikeFactor > 1 && Double.isFinite(spikeFactor))) {
            throw new IllegalArgumentException("spike rule: K must be a finite factor > 1, got " + spikeFactor);
        }
        if (spikeFactor != 0 && spikeWindow < 2) throw new IllegalArgumentException("spike rule: window W must be >= 2, got " + spikeWindow);
        if (clipRate != 0 && !(clipRate > 0 && clipRate < 1)) {
            throw new IllegalArgumentException("clip-rate rule: X must be a fraction in (0, 1), got " + clipRate);
        }
        if (clipRate != 0 && clipRateWindow < 1) throw new IllegalArgumentException("clip-rate rule: window W must be >= 1, got " + clipRateWindow);
    }

    public boolean any() {
        return nonFinite || spikeFactor > 0 || clipRate > 0 || beforeEvent;
    }

    /** Rules that look at finished steps (the others look ahead at scheduled events). */
    boolean watchesSteps() {
        return nonFinite || spikeFactor > 0 || clipRate > 0;
    }

    public PauseRules with(PauseRules more) {
        return new PauseRules(nonFinite || more.nonFinite, more.spikeFactor > 0 ? more.spikeFactor : spikeFactor,
                more.spikeFactor > 0 ? more.spikeWindow : spikeWindow, more.clipRate > 0 ? more.clipRate : clipRate,
                more.clipRate > 0 ? more.clipRateWindow : clipRateWindow, beforeEvent || more.beforeEvent);
    }

    public static PauseRules parse(String text) {
        PauseRules r = NONE;
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.equals("none")) return r;
        for (String part : t.split(",")) {
            String[] p = part.trim().split(":");
            try {
                r = r.with(switch (p[0]) {
                    case "nonfinite" -> { only(p, 1, part); yield new PauseRules(true, 0, 0, 0, 0, false); }
                    case "spike" -> { only(p, 3, part); yield new PauseRules(false, p.length > 1 ? Double.parseDouble(p[1]) : 10,
                            p.length > 2 ? Integer.parseInt(p[2]) : 100, 0, 0, false); }
                    case "clip-rate" -> { only(p, 3, part); yield new PauseRules(false, 0, 0, p.length > 1 ? Double.parseDouble(p[1]) : 0.5,
                            p.length > 2 ? Integer.parseInt(p[2]) : 100, false); }
                    case "event" -> { only(p, 1, part); yield new PauseRules(false, 0, 0, 0, 0, true); }
                    default -> throw new IllegalArgumentException("unknown pause rule '" + part.trim() + "'");
                });
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pause rule '" + part.trim() + "': not a number (" + GRAMMAR + ")");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (" + GRAMMAR + ")");
            }
        }
        return r;
    }

    private static void only(String[] p, int max, String part) {
        if (p.length > max) throw new IllegalArgumentException("pause rule '" + part.trim() + "' has too many fields");
    }

    public String toText() {
        List<String> out = new ArrayList<>();
        if (nonFinite) out.add("nonfinite");
        if (spikeFactor > 0) out.add("spike:" + num(spikeFactor) + ":" + spikeWindow);
        if (clipRate > 0) out.add("clip-rate:" + num(clipRate) + ":" + clipRateWindow);
        if (beforeEvent) out.add("event");
        return out.isEmpty() ? "none" : String.join(",", out);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
