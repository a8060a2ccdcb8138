package org.gradlab.run;

/**
 * A control event with the step it took effect at (applied before that step's batch): clip or learning-rate
 * change, spike, pause/resume, fork, stop. {@code value} is the new setting in text form (a clip spec, a
 * learning rate, a spike), empty where there is none.
 */
public record RunEvent(long step, long wallMillis, Type type, String value) {
    public enum Type { START, PAUSE, RESUME, CLIP, LR, SPIKE, FORK, STOP, NONFINITE_STOP, ERROR }
}
