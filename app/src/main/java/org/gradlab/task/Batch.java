package org.gradlab.task;

/**
 * One batch, batch-first: features [B,T,I] or tokens [B,T]; targets [B,O] (regression) or targetIds ([B] for
 * a class per sequence, [B,T] for next-token prediction). Unused arrays are null. Arrays are reused from
 * batch to batch by the task that fills them.
 */
public record Batch(int batch, int seq, float[] features, int[] tokens, float[] targets, int[] targetIds) {}
