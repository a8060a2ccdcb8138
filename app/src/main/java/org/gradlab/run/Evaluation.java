package org.gradlab.run;

/**
 * A model scored on fresh sequences (never seen in training): the fraction it gets wrong by the task's
 * criterion, and its mean loss on them.
 */
public record Evaluation(long step, int sequences, double errorRate, double meanLoss, String criterion) {
    /** Pascanu et al.'s bar: under 1% wrong. */
    public boolean solved() {
        return errorRate < 0.01;
    }
}
