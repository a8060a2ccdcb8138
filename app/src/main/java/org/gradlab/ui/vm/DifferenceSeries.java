package org.gradlab.ui.vm;

import org.gradlab.overview.SeriesStore;

/**
 * One run's series minus another's, step by step (a fork's branch − its parent), at every step both hold. Exact
 * while both series keep one value per step (up to {@link RunViewModel#CAPACITY} steps); past that the stores
 * hold min/max/last of several steps, no two runs' steps line up in them, and the difference is not shown
 * ({@link #exact} says so) rather than computed from values of different steps.
 */
public final class DifferenceSeries {
    private final RunViewModel branch, parent;
    private final RunViewModel.Scalar which;
    private SeriesStore cache = new SeriesStore(RunViewModel.CAPACITY);
    private long seen = Long.MIN_VALUE;
    private boolean exact = true;

    private final boolean smoothed;

    /**
     * The raw difference of a series, or (smoothed) the raw loss difference smoothed from its first step on with
     * the branch's smoothing — which, smoothing being linear, is the difference of the two runs' smoothed losses
     * had both been smoothed from the fork step: 0 at the fork, where both took the same step, and free of the
     * offset two smoothings started at different steps would show.
     */
    public DifferenceSeries(RunViewModel branch, RunViewModel parent, RunViewModel.Scalar which, boolean smoothed) {
        this.branch = branch;
        this.parent = parent;
        this.which = which;
        this.smoothed = smoothed;
    }

    /** The difference so far (recomputed when either run changed). */
    public SeriesStore get() {
        long v = branch.version() * 1_000_003L + parent.version();
        if (v == seen) return cache;
        seen = v;
        SeriesStore b = branch.series(which), p = parent.series(which), out = new SeriesStore(RunViewModel.CAPACITY);
        exact = b.isEmpty() || p.isEmpty() || (b.bucketWidth() == 1 && p.bucketWidth() == 1);
        Smoothing sm = null;
        if (smoothed) {
            sm = new Smoothing();
            Smoothing like = branch.smoothing();
            sm.configure(like.kind(), like.weight(), like.window());
        }
        if (exact && !b.isEmpty() && !p.isEmpty()) {
            for (int i = 0; i < b.buckets(); i++) {
                long k = b.bucketStart(i);
                float x = b.last(i), y = p.exactlyAt(k);
                if (!Float.isNaN(x) && !Float.isNaN(y)) out.append(k, sm == null ? x - y : (float) sm.add(x - y));
            }
        }
        cache = out;
        return cache;
    }

    /** False once a run is too long for a per-step difference (nothing is shown then). */
    public boolean exact() {
        get();
        return exact;
    }
}
