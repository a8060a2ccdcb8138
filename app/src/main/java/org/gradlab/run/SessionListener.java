package org.gradlab.run;

import org.gradlab.telemetry.StepStats;

/**
 * Receives every step and event on the training thread, in order (the recorder is one). Implementations
 * must be quick: buffer, never block on I/O.
 */
public interface SessionListener {
    void onStep(StepStats stats);

    void onEvent(RunEvent event);

    /** A periodic checkpoint (every N steps, if configured). */
    default void onCheckpoint(Snapshot snapshot) {}

    /** The session ended (stopped, finished, or failed with `error`, null otherwise). */
    default void onEnd(String error) {}
}
