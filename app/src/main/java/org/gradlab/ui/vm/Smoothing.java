package org.gradlab.ui.vm;

/**
 * Loss smoothing computed as steps arrive, from past values only, so a smoothed point never changes once
 * drawn (TensorBoard's re-smoothing of history is a known complaint): a debiased EMA (TensorBoard's formula)
 * or a trailing moving average.
 */
public final class Smoothing {
    public enum Kind { EMA, MOVING_AVERAGE }

    private Kind kind = Kind.EMA;
    private double weight = 0.9;
    private int window = 50;
    private double ema, debias;
    private double[] ring = new double[50];
    private int pos, filled;
    private double sum;

    public Kind kind() { return kind; }
    public double weight() { return weight; }
    public int window() { return window; }

    /** New settings apply from the next step on; already smoothed points stay as they were. */
    public void configure(Kind k, double emaWeight, int maWindow) {
        if (!(emaWeight >= 0 && emaWeight < 1)) throw new IllegalArgumentException("EMA weight must be in [0, 1)");
        if (maWindow < 1) throw new IllegalArgumentException("moving-average window must be >= 1");
        kind = k;
        weight = emaWeight;
        if (maWindow != window) {
            window = maWindow;
            ring = new double[maWindow];
            pos = 0;
            filled = 0;
            sum = 0;
        }
    }

    /** Forgets all past values (before re-smoothing a whole recorded series). */
    public void reset() {
        ema = 0;
        debias = 0;
        java.util.Arrays.fill(ring, 0);
        pos = 0;
        filled = 0;
        sum = 0;
    }

    double add(float v) {
        if (!Float.isFinite(v)) return v;
        ema = weight * ema + (1 - weight) * v;
        debias = weight * debias + (1 - weight);
        if (filled == ring.length) sum -= ring[pos];
        ring[pos] = v;
        sum += v;
        pos = (pos + 1) % ring.length;
        filled = Math.min(ring.length, filled + 1);
        return kind == Kind.EMA ? ema / debias : sum / filled;
    }
}
