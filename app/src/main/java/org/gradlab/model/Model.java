package org.gradlab.model;

import org.gradlab.engine.ParamStore;

/**
 * A model built for a fixed batch shape: load a batch (batch-first arrays, as tasks produce them), then
 * forward, or forward + backward into the flat gradient buffer.
 */
public interface Model {
    ParamStore params();

    int batch();

    int seq();

    /**
     * Loads one batch. Exactly one of features ([B,T,I] floats) / tokens ([B,T] ids) is non-null, and exactly
     * one of targets (floats, [B,O] for last-step regression) / targetIds ([B] or [B,T] class ids).
     */
    void load(float[] features, int[] tokens, float[] targets, int[] targetIds);

    /** Queues the forward pass of the loaded batch; its loss is {@link #loss()} after the backend's collect(). */
    void queueForward();

    /** Loss of the loaded batch. */
    default float forward() {
        queueForward();
        params().backend().collect();
        return loss();
    }

    /**
     * Zeroes the gradients, then queues forward + backward; the loss is {@link #loss()} once the backend has
     * collected its results ({@link org.gradlab.engine.Backend#collect()}), so a GPU step needs no copy of its own
     * for it.
     */
    void queueForwardBackward();

    /** The loss of the last forward, valid after the backend's collect(). */
    float loss();

    /** Zeroes the gradients, then forward + backward; returns the loss. */
    default float forwardBackward() {
        queueForwardBackward();
        params().backend().collect();
        return loss();
    }

    /** The last forward's outputs, batch-first: [B, O] for a last-step head, [B, T, O] otherwise. */
    float[] outputs();

    /** Width O of one output row. */
    int outputWidth();

    /** How many ‖∂L/∂h_t‖ values a backward yields: T per recurrent layer (0 for models without a recurrence). */
    default int timeGradientCount() {
        return 0;
    }

    /**
     * Before a backward ({@link #queueForwardBackward}): that backward, and only that one, also yields Σ (∂L/∂h_t)²
     * over the batch and the hidden units, for each recurrent layer (bottom first) and t = 1…T, into sumSq
     * (layer-major, {@link #timeGradientCount} long), by the backend's next collect. ∂L/∂h_t is the whole gradient
     * reaching the layer's output at step t: from the layer above or the head at t, and back through the recurrence
     * from t+1. Asked before, so that a recurrence can measure each step while its gradient is in cache.
     */
    default void measureTimeGradients(double[] sumSq) {}
}
