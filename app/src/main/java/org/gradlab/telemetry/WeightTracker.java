package org.gradlab.telemetry;

import org.gradlab.engine.Backend;
import org.gradlab.engine.Buf;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamStore;
import org.gradlab.engine.ParamTensor;

/**
 * Per-layer weight norms and update/weight ratios: the optimizer measures ‖w_after‖ and ‖w_after − w_before‖ per
 * tensor as it updates them (a backend may keep a copy of the weights from before the step in `before`).
 */
public final class WeightTracker {
    private final ParamStore store;
    private final Backend be;
    private final Buf before;
    private final int[] offsets, sizes, group;
    private final int groups;
    private final double[] sq, dsq;
    private final Backend.UpdateMeasure measure;

    public WeightTracker(ParamStore store) {
        this.store = store;
        this.be = store.backend();
        this.before = be.alloc(store.size());
        ParamLayout layout = store.layout();
        int n = layout.tensors().size();
        offsets = new int[n];
        sizes = new int[n];
        group = new int[n];
        for (int i = 0; i < n; i++) {
            ParamTensor t = layout.tensors().get(i);
            offsets[i] = t.offset();
            sizes[i] = t.size();
            group[i] = layout.groupIndex(t.group());
        }
        groups = layout.groups().size();
        sq = new double[n];
        dsq = new double[n];
        measure = new Backend.UpdateMeasure(before, offsets, sizes, sq, dsq);
    }

    /**
     * What the optimizer measures as it updates the weights (hand it to {@code Optimizer.step}): each tensor's norm
     * after the update and the norm of its change, read by {@link #read} after the backend's collect().
     */
    public Backend.UpdateMeasure measure() {
        return measure;
    }

    /** Instead of an update (a skipped step): the weights' norms, and no change. */
    public void measureUnchanged() {
        be.segmentNormsAndDiff(store.params(), null, offsets, sizes, sq, null);
        java.util.Arrays.fill(dsq, 0);
    }

    /** Per-layer norms and ratios of the last measurement, after the backend's collect(). */
    public void read(float[] weightNorms, float[] updateRatios) {
        double[] w = new double[groups], d = new double[groups];
        for (int i = 0; i < offsets.length; i++) {
            w[group[i]] += sq[i];
            d[group[i]] += dsq[i];
        }
        for (int g = 0; g < groups; g++) {
            double wn = Math.sqrt(w[g]);
            weightNorms[g] = (float) wn;
            updateRatios[g] = (float) (wn > 0 ? Math.sqrt(d[g]) / wn : 0);
        }
    }
}
