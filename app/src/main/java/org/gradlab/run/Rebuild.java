package org.gradlab.run;

import org.gradlab.engine.Backend;
import org.gradlab.telemetry.StepStats;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Retrains a recorded run from a known state to step k, applying its recorded events (clip and learning-rate
 * changes, spikes) at the steps they took effect through the same {@link CommandInterpreter} a live session
 * uses — so a rebuild cannot drift from what the session did. On the CPU backend this reproduces the recorded
 * steps bit for bit; a {@link Check} sees every re-trained step to prove it.
 */
public final class Rebuild {
    private Rebuild() {}

    /** Sees each re-trained step; throw to abandon the rebuild (e.g. when it differs from the recording). */
    public interface Check {
        void step(StepStats s);
    }

    /** How far a rebuild has got, for a progress bar: steps done of steps to do. */
    public interface Progress {
        void at(long done, long total);
    }

    /**
     * The state at step k of a run with config `sc`, continued from `from` (a checkpoint, or a fork's parent
     * state; null: step 0 from the seed). `events` are the run's recorded events; those at steps from
     * `from.step()` up to k-1 are applied before their step.
     */
    public static Snapshot stateAt(Backend be, SessionConfig sc, Snapshot from, boolean fromParent, List<RunEvent> events, long k,
                                   Check check, Progress progress) {
        Trainer t = new Trainer(be, sc.run(), sc.clip(), sc.nonFinite());
        t.runner().setTelemetry(false);
        if (from != null) {
            t.restore(from);
            if (fromParent) { // a fork: the parent's weights and optimizer, the branch's own clip and policy
                t.runner().setClip(sc.clip());
                t.runner().setNonFinitePolicy(sc.nonFinite());
            }
        }
        CommandInterpreter in = new CommandInterpreter(t, (type, value) -> { });
        long start = t.step();
        while (t.step() < k) {
            long s = t.step();
            for (RunEvent e : events) {
                if (e.step() != s) continue;
                Command<Long> c = Command.replayOf(e);
                if (c == null) continue;
                CompletableFuture<Long> done = new CompletableFuture<>();
                in.apply(c, done);
                try {
                    done.get();
                } catch (ExecutionException ex) {
                    throw new IllegalArgumentException("recorded event at step " + s + " (" + e.type().name().toLowerCase(java.util.Locale.ROOT)
                            + " " + e.value() + ") cannot be applied: " + ex.getCause().getMessage());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
            }
            StepStats st = t.trainStep(in.takeSpike(s, null));
            if (check != null) check.step(st);
            if (progress != null) progress.at(t.step() - start, k - start);
        }
        return t.snapshot();
    }
}
