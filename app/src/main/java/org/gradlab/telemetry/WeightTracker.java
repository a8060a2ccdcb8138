package org.gradlab.telemetry;

import org.gradlab.engine.Backend;
import org.gradlab.engine.Buf;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamStore;
import org.gradlab.engine.ParamTensor;

/**
 * Per-layer weight norms and update/weight ratios: keeps a copy of the weights from before the optimizer
 * step (one device copy) and measures ‖w_after − w_before‖ per tensor in one pass after it.
 */
public final class WeightTracker {
    private final ParamStore store;
    private final Backend be;
    private final Buf before;
    private final int[] offsets, sizes, group;
    private final int groups;
    private final double[] sq, dsq;

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
    }

    /** Call just before the optimizer step. */
    public void beforeUpdate() {
        be.copy(store.params(), 0, before, 0, store.size());
    }

    /** Call after the step (or instead of it, when it was skipped): queues the per-tensor norms. */
    public void measureAfterUpdate(boolean updated) {
        if (updated) {
            be.segmentNormsAndDiff(store.params(), before, offsets, sizes, sq, dsq);
        } else {
            be.segmentNormsAndDiff(store.params(), null, offsets, sizes, sq, null);
            java.util.Arrays.fill(dsq, 0);
        }
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
