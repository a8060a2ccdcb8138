package org.gradlab.task;

/** What a task feeds a model and expects back. */
public record TaskShape(Kind kind, int inputSize, int vocab, int outputs) {
    public enum Kind {
        /** Float features in, one regression output per sequence (MSE). */
        REGRESSION,
        /** Float features in, one class per sequence (cross-entropy on the last step). */
        CLASSIFICATION,
        /** Tokens in, next token at every step (cross-entropy). */
        LANGUAGE_MODEL
    }
}
