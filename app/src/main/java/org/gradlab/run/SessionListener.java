package org.gradlab.run;

import org.gradlab.telemetry.StepStats;

/**
 * A subscriber to a session's stream, called on the training thread in stream order (the recorder is one;
 * {@link StreamQueue} hands the items to another thread). Implementations must be quick: buffer, never
 * block on I/O. An exception thrown here ends the session as failed with that exception's message (a
 * recorder that cannot write stops the run rather than losing steps).
 */
public interface SessionListener {
    default void onStep(StepStats stats) {}

    default void onEvent(RunEvent event) {}

    default void onStatus(SessionItem.Status status) {}

    /** A periodic checkpoint (every N steps, if configured), and one when a run pauses for a rule. */
    default void onCheckpoint(Snapshot snapshot) {}

    /** The session ended (stopped, finished, or failed with `error`, null otherwise); the last call. */
    default void onEnd(String error) {}
}
