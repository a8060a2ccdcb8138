package org.gradlab.record;

import org.gradlab.clip.ClipSpec;
import org.gradlab.engine.Backend;
import org.gradlab.run.RunEvent;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Snapshot;
import org.gradlab.run.Spike;
import org.gradlab.run.Trainer;

import java.nio.file.Path;
import java.util.List;

/**
 * Rebuilds the exact training state of a recorded run at any step boundary k: start from the latest
 * checkpoint at or before k (or the run's beginning: step 0 from the seed, or a fork's parent state), then
 * retrain to k applying the recorded events (clip and learning-rate changes, spikes) at the steps they took
 * effect. On the CPU backend this reproduces the recorded losses bit for bit.
 */
public final class Replay {
    private Replay() {}

    public static Snapshot stateAt(Path runDir, long k, Backend be) throws RunFileException {
        try (RunReader r = RunReader.open(runDir)) {
            return stateAt(r, k, be);
        }
    }

    public static Snapshot stateAt(RunReader r, long k, Backend be) throws RunFileException {
        RunManifest m = r.manifest();
        Path file = r.dir();
        if (k < m.firstStep() || k > r.endStep()) {
            throw new RunFileException(file, -1, "step " + k + " is outside the recorded steps " + m.firstStep() + "–" + r.endStep());
        }
        SessionConfig sc = m.session();
        if (sc == null) {
            throw new RunFileException(file.resolve(RunFiles.MANIFEST), -1, "this run was imported from " + m.imported().format()
                    + " logs; it has no training state to rebuild or fork");
        }
        Trainer t = new Trainer(be, sc.run(), sc.clip(), sc.nonFinite());
        t.runner().setTelemetry(false);
        Long ckpt = null;
        for (long c : r.checkpoints()) if (c >= m.firstStep() && c <= k) ckpt = c;
        if (ckpt != null) {
            t.restore(r.checkpoint(ckpt));
        } else if (m.firstStep() > 0) {
            if (m.parent() == null) throw new RunFileException(file.resolve(RunFiles.MANIFEST), -1, "a fork without a parent record");
            Path parentDir = file.resolve(m.parent().run()).normalize();
            Snapshot p = stateAt(parentDir, m.firstStep(), be);
            t.restore(p);
            t.runner().setClip(sc.clip());
            t.runner().setNonFinitePolicy(sc.nonFinite());
        }
        List<RunEvent> events = r.events();
        while (t.step() < k) {
            long s = t.step();
            Spike spike = null;
            for (RunEvent e : events) {
                if (e.step() != s) continue;
                switch (e.type()) {
                    case CLIP -> t.runner().setClip(ClipSpec.parse(e.value()));
                    case LR -> t.optimizer().setLr(Double.parseDouble(e.value()));
                    case SPIKE -> spike = Spike.parse(e.value());
                    default -> { }
                }
            }
            t.trainStep(spike);
        }
        return t.snapshot();
    }
}
