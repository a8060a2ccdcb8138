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
        RunManifest m = r.manifest();
        Path file = r.dir();
        String outside = outside(r, k);
        if (outside != null) throw new RunFileException(file, -1, outside);
        SessionConfig sc = m.session();
        if (sc == null) {
            throw new RunFileException(file.resolve(RunFiles.MANIFEST), -1, "this run was imported from " + m.imported().format()
                    + " logs; it has no training state to rebuild or fork");
        }
        Long ckpt = null;
        for (long c : r.checkpoints()) if (c >= m.firstStep() && c <= k) ckpt = c;
        Snapshot from = null;
        boolean fromParent = false;
        if (ckpt != null) {
            from = r.checkpoint(ckpt);
        } else if (m.firstStep() > 0) {
            if (m.parent() == null) throw new RunFileException(file.resolve(RunFiles.MANIFEST), -1, "a fork without a parent record");
            Path parentDir = file.resolve(m.parent().run()).normalize();
            from = stateAt(parentDir, m.firstStep(), be);
            fromParent = true;
        }
        try {
            return Rebuild.stateAt(be, sc, from, fromParent, r.events(), k, null, progress);
        } catch (IllegalArgumentException e) {
            throw new RunFileException(file.resolve(RunFiles.EVENTS), -1, e.getMessage());
        }
    }
}
