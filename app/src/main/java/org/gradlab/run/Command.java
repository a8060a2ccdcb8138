package org.gradlab.run;

import org.gradlab.clip.ClipSpec;

import java.util.concurrent.CompletableFuture;

/** What the UI and CLI may ask of a running session; applied between two steps, in order. */
public sealed interface Command {
    record Pause() implements Command {}

    record Resume() implements Command {}

    /** Runs n steps, then pauses. */
    record Step(int n) implements Command {}

    record Stop() implements Command {}

    record SetClip(ClipSpec spec) implements Command {}

    record SetLr(double lr) implements Command {
        public SetLr {
            if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
        }
    }

    /** Injects a spike of the given kind at the next step (the spike's own step is ignored). */
    record InjectSpike(Spike.Kind kind, double factor) implements Command {}

    /** Completes with a snapshot at the current step boundary (for forks); recorded as a FORK event. */
    record TakeSnapshot(CompletableFuture<Snapshot> result, String note) implements Command {}
}
