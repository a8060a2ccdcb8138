package org.gradlab.clip;

import org.gradlab.engine.CpuBackend;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamStore;

/** A one-tensor gradient buffer whose L2 norm a test sets directly. */
final class ClipTestSupport {
    static final CpuBackend BE = new CpuBackend(1);
    final ParamStore store;
    final GradientSegments segments;

    ClipTestSupport(int n) {
        ParamLayout.Builder lb = new ParamLayout.Builder();
        lb.add("w", "layer", InitRule.constant(0), n);
        store = new ParamStore(BE, lb.build());
        segments = new GradientSegments(store);
    }

    /** Sets the gradient to a vector of the given L2 norm (all entries equal). */
    void setNorm(double norm) {
        int n = store.size();
        float[] g = new float[n];
        java.util.Arrays.fill(g, (float) (norm / Math.sqrt(n)));
        BE.upload(g, 0, store.grads(), 0, n);
    }

    double currentNorm() {
        float[] g = store.readGrads();
        double s = 0;
        for (float v : g) s += (double) v * v;
        return Math.sqrt(s);
    }
}
