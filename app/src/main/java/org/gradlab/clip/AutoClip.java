package org.gradlab.clip;

import java.util.Arrays;

/**
 * {@code autoclip:P[:H]}: AutoClip (Seetharaman et al. 2020). Append this step's pre-clip global L2 norm to
 * the history (the last H steps, or all), set the threshold to the P-th percentile of the history
 * (numpy's default linear interpolation) — the current step included — then clip_grad_norm_ with it.
 * A non-finite norm is not added to the history (it would poison every later percentile); the step is
 * then handled by the non-finite policy.
 */
final class AutoClip extends ClipStrategy {
    private final double percentile;
    private final int window;
    /** Norms in arrival order; a ring of `window` slots when windowed. */
    private double[] order = new double[64];
    private double[] sorted = new double[64];
    private int count;
    private long added;

    AutoClip(ClipSpec s) {
        super(s);
        percentile = s.threshold();
        window = (int) s.extra();
    }

    @Override
    protected Outcome clip(GradientSegments g, float preL2) {
        if (Float.isFinite(preL2)) add(preL2);
        float threshold = count == 0 ? Float.POSITIVE_INFINITY : (float) threshold();
        return torchNormClip(g, preL2, threshold);
    }

    /** numpy.percentile(history, P) with linear interpolation. */
    double threshold() {
        double rank = percentile / 100.0 * (count - 1);
        int lo = (int) Math.floor(rank), hi = Math.min(count - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    private void add(double v) {
        int slot;
        if (window > 0) {
            slot = (int) (added % window);
            if (count == window) {
                int at = Arrays.binarySearch(sorted, 0, count, order[slot]);
                System.arraycopy(sorted, at + 1, sorted, at, count - at - 1);
                count--;
            }
        } else {
            slot = (int) added;
        }
        if (slot >= order.length) order = Arrays.copyOf(order, Math.max(slot + 1, order.length * 2));
        order[slot] = v;
        if (count == sorted.length) sorted = Arrays.copyOf(sorted, count * 2);
        int at = Arrays.binarySearch(sorted, 0, count, v);
        if (at < 0) at = -at - 1;
        System.arraycopy(sorted, at, sorted, at + 1, count - at);
        sorted[at] = v;
        count++;
        added++;
    }

    /** The history, oldest first. */
    @Override
    public double[] saveState() {
        double[] s = new double[count];
        for (int i = 0; i < count; i++) {
            long k = added - count + i;
            s[i] = order[(int) (window > 0 ? k % window : k)];
        }
        return s;
    }

    @Override
    public void restoreState(double[] s) {
        count = 0;
        added = 0;
        for (double v : s) add(v);
    }
}
