package org.gradlab.run;

import org.gradlab.clip.ClipSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one fork branch changes, as a remedy to try: the clip spec (null: the one in force at the fork), the
 * learning rate, the schedule, Pascanu's regulariser weight (null: the parent's) and batches to skip or replace.
 * Text form: comma-separated {@code key=value} — {@code clip=norm:1}, {@code lr=3e-4}, {@code omega=4},
 * {@code skip=400}, {@code replace=400} — or a bare clip spec ({@code norm:1}) for the common case.
 */
public record ForkVariant(ClipSpec clip, Double lr, List<Spike> edits, org.gradlab.optim.LrSchedule schedule, Double omega) {
    public static final String GRAMMAR = "a clip spec, or comma-separated clip=SPEC, lr=X, schedule=SPEC, omega=ALPHA, skip=STEP, replace=STEP";

    public ForkVariant(ClipSpec clip, Double lr, List<Spike> edits) {
        this(clip, lr, edits, null, null);
    }

    public ForkVariant {
        edits = List.copyOf(edits);
        if (lr != null && (!(lr > 0) || !Double.isFinite(lr))) throw new IllegalArgumentException("lr must be finite and > 0, got " + lr);
        if (omega != null && (!(omega >= 0) || !Double.isFinite(omega))) throw new IllegalArgumentException("omega must be finite and >= 0, got " + omega);
    }

    /** A variant; clipWhenAbsent is the clip a variant that names none keeps (the parent's at the fork). */
    public static ForkVariant parse(String text, ClipSpec clipWhenAbsent) {
        String t = text.trim();
        if (!t.contains("=")) return new ForkVariant(ClipSpec.parse(t), null, List.of());
        ClipSpec clip = clipWhenAbsent;
        Double lr = null;
        org.gradlab.optim.LrSchedule schedule = null;
        Double omega = null;
        List<Spike> edits = new ArrayList<>();
        for (String part : t.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) throw new IllegalArgumentException("variant '" + text + "': '" + part.trim() + "' is not key=value (" + GRAMMAR + ")");
            String v = kv[1].trim();
            try {
                switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
                    case "clip" -> clip = ClipSpec.parse(v);
                    case "lr" -> lr = Double.parseDouble(v);
                    case "schedule" -> schedule = org.gradlab.optim.LrSchedule.parse(v);
                    case "omega" -> omega = Double.parseDouble(v);
                    case "skip" -> edits.add(new Spike(Long.parseLong(v), Spike.Kind.SKIP, 0));
                    case "replace" -> edits.add(new Spike(Long.parseLong(v), Spike.Kind.REPLACE, 0));
                    default -> throw new IllegalArgumentException("variant '" + text + "': unknown key '" + kv[0].trim() + "' (" + GRAMMAR + ")");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("variant '" + text + "': '" + v + "' is not a number");
            }
        }
        return new ForkVariant(clip, lr, edits, schedule, omega);
    }

    /**
     * The branch's session config: the base with this clip (or `clipInForce`), and the parent's later spikes
     * except where an edit replaces them.
     */
    public SessionConfig apply(SessionConfig base, ClipSpec clipInForce, long at, long steps) {
        List<Spike> spikes = new ArrayList<>();
        for (Spike s : base.spikes()) {
            if (s.step() >= at && edits.stream().noneMatch(e -> e.step() == s.step())) spikes.add(s);
        }
        for (Spike e : edits) if (e.step() >= at) spikes.add(e);
        RunConfig run = schedule == null ? base.run() : base.run().withOptimizer(base.run().optimizer().withSchedule(schedule));
        if (omega != null) run = run.withOmega(omega);
        return new SessionConfig(run, clip != null ? clip : clipInForce, base.nonFinite(), at + steps, spikes, base.checkpointEvery(),
                base.telemetry(), base.radiusEvery());
    }

    /** A short name for the branch's folder and label: "norm:1", "norm:1 lr=3e-4 skip=400". */
    public String label() {
        StringBuilder sb = new StringBuilder(clip == null ? "same clip" : clip.toText());
        if (lr != null) sb.append(" lr=").append(lr);
        if (schedule != null) sb.append(" schedule=").append(schedule.toText());
        if (omega != null) sb.append(" omega=").append(RunSettings.num(omega));
        for (Spike e : edits) sb.append(' ').append(e.kind().name().toLowerCase(Locale.ROOT)).append('=').append(e.step());
        return sb.toString();
    }
}
