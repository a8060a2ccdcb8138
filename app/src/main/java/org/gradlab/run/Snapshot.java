package org.gradlab.run;

/**
 * Everything that determines how a run continues from a step boundary: weights, optimizer state, the
 * clip strategy and its adaptive state, the base learning rate (the schedule, a function of the step, is in the
 * config) and the non-finite policy. The data cursor is
 * the step itself (batch k depends only on the seed and k), so a snapshot plus the run config reproduces
 * the continuation bit for bit.
 */
public record Snapshot(long step, float[] params, float[][] optimizerState, String clipSpec, double[] clipState,
                       double lr, String nonFinitePolicy) {}
