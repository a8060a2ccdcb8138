package org.gradlab.run;

import org.gradlab.telemetry.StepStats;

/**
 * One item of a session's ordered stream: a finished step, a control event (recorded in the run's events),
 * or the session's status after it changed. Every consumer — recorder, view-models, CLI progress, alerts —
 * sees the same items in the same order, each with its step.
 */
public sealed interface SessionItem {
    /** The step this item belongs to: a step's own index; for events and status, the next step to run. */
    long step();

    record StepDone(StepStats stats) implements SessionItem {
        @Override
        public long step() {
            return stats.step();
        }
    }

    record Event(RunEvent event) implements SessionItem {
        @Override
        public long step() {
            return event.step();
        }
    }

    /**
     * What a view shows about a session, published whenever any of it changes: its state, the clip spec and
     * learning rate in force, the speed limit (steps/s, +inf when none), the pause rules in force (their text
     * form), and a detail line (why it paused, why it failed; empty otherwise).
     */
    record Status(long step, SessionState state, String clip, double lr, double speed, String rules, String detail)
            implements SessionItem {}
}
