package org.gradlab.record;

import org.gradlab.engine.Backend;
import org.gradlab.engine.Backends;
import org.gradlab.engine.DeviceChoice;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Snapshot;
import org.gradlab.run.Rebuild;

import java.nio.file.Path;

/**
 * Rebuilds the exact training state of a recorded run at any step boundary k: start from the latest
 * checkpoint at or before k (or the run's beginning: step 0 from the seed, or a fork's parent state), then
 * retrain to k with the recorded events applied by the session's own interpreter ({@link Rebuild}). On the
 * CPU backend this reproduces the recorded losses bit for bit.
 */
public final class Replay {
    private Replay() {}

    public static Snapshot stateAt(Path runDir, long k, Backend be) throws RunFileException {
        try (RunReader r = RunReader.open(runDir)) {
            return stateAt(r, k, be, null);
        }
    }

    /**
     * As {@link #stateAt(RunReader, long, Backend, Rebuild.Progress)} on a backend of its own (all cores) for
     * the device asked for: "cpu", "cuda" or "auto", or "recorded" for the kind the run was recorded on (the
     * only way to get its state bit for bit).
     */
    public static Snapshot stateAt(Path runDir, long k, String device, Rebuild.Progress progress) throws RunFileException {
        try (RunReader r = RunReader.open(runDir)) {
            String d = device;
            if (d.equals("recorded")) d = r.manifest().deviceKind() == null ? "cpu" : r.manifest().deviceKind();
            Backends.Opened o;
            try {
                o = Backends.open(DeviceChoice.parse(d), 0);
            } catch (Backends.Unavailable e) {
                throw new RunFileException(runDir, -1, e.getMessage());
            }
            try (Backend be = o.backend()) {
                return stateAt(r, k, be, progress);
            }
        }
    }

    /**
     * Why step k is not a state of this run (null when it is): states exist at every step boundary from the
     * first recorded step to one past the last — the state after the last step continues the run.
     */
    public static String outside(RunReader r, long k) {
        long first = r.manifest().firstStep(), end = r.endStep();
        if (k >= first && k <= end) return null;
        return end <= first ? "the run has no recorded steps to fork from"
                : "step " + k + " is outside the run: it recorded steps " + first + "–" + (end - 1) + ", so its state exists at steps "
                + first + "–" + end;
    }

    public static Snapshot stateAt(RunReader r, long k, Backend be, Rebuild.Progress progress) throws RunFileException {
        return stateAt(r, k, be, progress, note -> { }, new java.util.HashSet<>());
    }

    /**
     * The state at step k, with notes about what the rebuild had to work around (an unusable checkpoint, a
     * device other than the one that recorded the run). The fork's parent reference is checked — a GradLab
     * run with the same model, data and seed, branched where run.json says, no cycle — and every re-trained
     * step is checked against the recording (loss and pre-clip norm; bit for bit when the device recorded
     * in run.json computes as this one, whatever its thread count: {@link RunManifest#arithmetic}), so a wrong
     * parent or a damaged checkpoint is an error naming the first step that differs, never a silently wrong state.
     */
    public static Snapshot stateAt(RunReader r, long k, Backend be, Rebuild.Progress progress, java.util.function.Consumer<String> notes)
            throws RunFileException {
        return stateAt(r, k, be, progress, notes, new java.util.HashSet<>());
    }

    private static Snapshot stateAt(RunReader r, long k, Backend be, Rebuild.Progress progress, java.util.function.Consumer<String> notes,
                                    java.util.Set<Path> visiting) throws RunFileException {
        RunManifest m = r.manifest();
        Path file = r.dir();
        String outside = outside(r, k);
        if (outside != null) throw new RunFileException(file, -1, outside);
        SessionConfig sc = m.session();
        if (sc == null) {
            throw new RunFileException(file.resolve(RunFiles.MANIFEST), -1, "this run was imported from " + m.imported().format()
                    + " logs; it has no training state to rebuild or fork");
        }
        try {
            if (!visiting.add(file.toRealPath())) {
                throw new RunFileException(file.resolve(RunFiles.MANIFEST), -1, "its fork parents lead back to itself (a cycle)");
            }
        } catch (java.io.IOException e) {
            throw new RunFileException(file, -1, "cannot resolve: " + e.getMessage(), e);
        }
        Snapshot from = null;
        boolean fromParent = false;
        java.util.List<Long> usable = new java.util.ArrayList<>();
        for (long c : r.checkpoints()) if (c >= m.firstStep() && c <= k) usable.add(0, c);
        for (long c : usable) {
            try {
                from = r.checkpoint(c);
                break;
            } catch (RunFileException e) {
                notes.accept("the checkpoint at step " + c + " is unusable (" + e.getMessage() + "); rebuilding from an earlier one");
            }
        }
        if (from == null && m.firstStep() > 0) {
            from = parentState(r, be, notes, visiting);
            fromParent = true;
        }
        String recorded = m.device(), here = be.name();
        // a run recorded on two threads and rebuilt on one (the app rebuilds on every core; a small RNN trains on
        // one) is the same arithmetic, so its steps are checked bit for bit
        boolean exact = recorded != null && RunManifest.arithmetic(recorded).equals(RunManifest.arithmetic(here));
        if (!exact) {
            notes.accept(file + " was recorded on " + (recorded == null ? "an unrecorded device" : recorded) + " and is rebuilt on "
                    + here + ": the re-trained steps are checked to within rounding, not bit for bit");
        }
        StepIndex ix = r.index();
        Rebuild.Check check = st -> {
            int at = ix.positionOf(st.step());
            if (at < 0) return;
            float loss = ix.valueAt(at, Series.LOSS), pre = ix.valueAt(at, Series.PRE_NORM);
            String diff = differs(loss, st.loss(), exact) ? "loss " + loss + " recorded, " + st.loss() + " re-trained"
                    : st.clip() != null && differs(pre, (float) st.clip().preNorm(), exact)
                    ? "pre-clip norm " + pre + " recorded, " + (float) st.clip().preNorm() + " re-trained" : null;
            if (diff != null) {
                throw new IllegalStateException("the rebuilt state differs from the recording at step " + st.step() + " (" + diff
                        + "): a wrong fork parent, a damaged checkpoint or a changed engine");
            }
        };
        try {
            return Rebuild.stateAt(be, sc, from, fromParent, r.events(), k, check, progress);
        } catch (IllegalStateException e) {
            throw new RunFileException(file, -1, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new RunFileException(file.resolve(RunFiles.EVENTS), -1, e.getMessage());
        }
    }

    /** Same bits (or both NaN) when exact; else within 1e-3 relative — rounding differs between machines. */
    private static boolean differs(float recorded, float retrained, boolean exact) {
        if (Float.isNaN(recorded) && Float.isNaN(retrained)) return false;
        if (exact) return Float.floatToIntBits(recorded) != Float.floatToIntBits(retrained);
        if (Float.isInfinite(recorded) || Float.isInfinite(retrained)) return recorded != retrained;
        return !(Math.abs(recorded - retrained) <= 1e-3 * Math.max(Math.abs(recorded), Math.abs(retrained)) + 1e-6);
    }

    /** The state a fork branched from, through its parent reference — checked before it is followed. */
    private static Snapshot parentState(RunReader r, Backend be, java.util.function.Consumer<String> notes, java.util.Set<Path> visiting)
            throws RunFileException {
        RunManifest m = r.manifest();
        Path manifest = r.dir().resolve(RunFiles.MANIFEST);
        if (m.parent() == null) throw new RunFileException(manifest, -1, "it starts at step " + m.firstStep() + " but names no fork parent");
        if (m.parent().step() != m.firstStep()) {
            throw new RunFileException(manifest, -1, "it names its fork parent's step " + m.parent().step() + " but starts at step " + m.firstStep());
        }
        Path parentDir = r.dir().resolve(m.parent().run()).normalize();
        try (RunReader p = RunReader.open(parentDir)) {
            SessionConfig mine = m.session(), theirs = p.manifest().session();
            if (theirs == null || !sameRun(mine.run(), theirs.run())) {
                throw new RunFileException(manifest, -1, "its fork parent " + parentDir + " is not the same model, data and seed");
            }
            return stateAt(p, m.firstStep(), be, null, notes, visiting);
        } catch (RunFileException e) {
            if (e.getMessage().contains(manifest.toString())) throw e;
            throw new RunFileException(manifest, -1, "its fork parent cannot be rebuilt: " + e.getMessage());
        }
    }

    /** Whether two configs describe the same model on the same data from the same seed (a fork may change the rest). */
    private static boolean sameRun(org.gradlab.run.RunConfig a, org.gradlab.run.RunConfig b) {
        return a.model().equals(b.model()) && a.task().equals(b.task()) && a.hidden() == b.hidden() && a.layers() == b.layers()
                && a.embed() == b.embed() && a.dim() == b.dim() && a.heads() == b.heads() && a.batch() == b.batch() && a.seq() == b.seq()
                && a.init().equals(b.init()) && a.seed() == b.seed() && a.optimizer().kind() == b.optimizer().kind();
    }
}
