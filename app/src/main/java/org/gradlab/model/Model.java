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

    /** Loss of the loaded batch. */
    float forward();

    /** Zeroes the gradients, then forward + backward; returns the loss. */
    float forwardBackward();

    /** The last forward's outputs, batch-first: [B, O] for a last-step head, [B, T, O] otherwise. */
    float[] outputs();

    /** Width O of one output row. */
    int outputWidth();
}
