package org.gradlab.clip;

import org.gradlab.engine.Backend;
import org.gradlab.engine.Buf;
import org.gradlab.engine.HistogramBins;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamStore;
import org.gradlab.engine.ParamTensor;

import java.util.List;

/**
 * The segment table of a model's flat gradient buffer (one segment per tensor, each in a layer group) and
 * per-segment statistics from one fused pass. Norms follow PyTorch's fp32 arithmetic where it matters: a
 * tensor's squared norm above the float range is +inf (clip_grad_norm_ zeroes gradients of 1e20 that way).
 */
public final class GradientSegments {
    final ParamStore store;
    final int[] offsets, sizes, rows, group;
    final int groups;
    final boolean[] head;
    final double[] sumSq, sumAbs, maxAbs;
    final long[] nonFinite;
    private final float[] factors;
    private boolean histograms;
    private boolean pendingScale;
    private final long[] preHist, postHist;

    public GradientSegments(ParamStore store) {
        this.store = store;
        ParamLayout layout = store.layout();
        List<ParamTensor> ts = layout.tensors();
        int n = ts.size();
        offsets = new int[n];
        sizes = new int[n];
        rows = new int[n];
        group = new int[n];
        head = new boolean[n];
        for (int i = 0; i < n; i++) {
            ParamTensor t = ts.get(i);
            offsets[i] = t.offset();
            sizes[i] = t.size();
            rows[i] = t.rows();
            group[i] = layout.groupIndex(t.group());
            head[i] = t.group().equals("head");
        }
        groups = layout.groups().size();
        sumSq = new double[n];
        sumAbs = new double[n];
        maxAbs = new double[n];
        nonFinite = new long[n];
        factors = new float[n];
        preHist = new long[groups * HistogramBins.WIDTH];
        postHist = new long[groups * HistogramBins.WIDTH];
    }

    /** Whether measuring also fills the per-layer histograms (telemetry on). */
    public void setHistograms(boolean on) {
        histograms = on;
    }

    public boolean histograms() {
        return histograms;
    }

    /** Pre-clip histogram counts of the last step: `groups` rows of {@link HistogramBins#WIDTH}. */
    public long[] preClipHistogram() {
        return preHist;
    }

    /** Post-clip histogram counts of the last step. */
    public long[] postClipHistogram() {
        return postHist;
    }


    public ParamStore store() { return store; }
    public int tensors() { return offsets.length; }
    public int groups() { return groups; }
    Backend backend() { return store.backend(); }
    Buf grads() { return store.grads(); }

    /** One pass over the gradients: the per-tensor statistics and, when on, the pre- or post-clip histogram. */
    void measure(boolean postClip) {
        backend().segmentStats(grads(), offsets, sizes, null, sumSq, sumAbs, maxAbs, nonFinite, group,
                histograms ? (postClip ? postHist : preHist) : null);
    }

    /** Scales every tensor by factors() and measures the result, in one pass (the post-clip measurement). */
    void scaleAndMeasure() {
        backend().segmentStats(grads(), offsets, sizes, factors, sumSq, sumAbs, maxAbs, nonFinite, group,
                histograms ? postHist : null);
    }

    /** The gradients were not changed by clipping: the post-clip histogram is the pre-clip one. */
    void postEqualsPre() {
        if (histograms) System.arraycopy(preHist, 0, postHist, 0, preHist.length);
    }

    /** Tensor i's L2 norm as PyTorch's fp32 computes it. */
    float l2(int i) {
        return (float) Math.sqrt((float) sumSq[i]);
    }

    float l1(int i) {
        return (float) sumAbs[i];
    }

    float linf(int i) {
        return (float) maxAbs[i];
    }

    /** The total p-norm over all tensors: the p-norm of the per-tensor p-norms (clip_grad_norm_). */
    float totalNorm(double p) {
        if (p == Double.POSITIVE_INFINITY) {
            float m = 0;
            for (int i = 0; i < tensors(); i++) {
                float v = linf(i);
                if (Float.isNaN(v)) return Float.NaN;
                m = Math.max(m, v);
            }
            return m;
        }
        double s = 0;
        for (int i = 0; i < tensors(); i++) {
            float v = p == 1 ? l1(i) : l2(i);
            s += p == 1 ? v : (double) v * v;
        }
        return p == 1 ? (float) s : (float) Math.sqrt((float) s);
    }

    long nonFiniteTotal() {
        long s = 0;
        for (long v : nonFinite) s += v;
        return s;
    }

    float[] tensorL2() {
        float[] out = new float[tensors()];
        for (int i = 0; i < out.length; i++) out[i] = l2(i);
        return out;
    }

    float[] groupL2() {
        double[] s = new double[groups];
        for (int i = 0; i < tensors(); i++) s[group[i]] += sumSq[i];
        float[] out = new float[groups];
        for (int g = 0; g < groups; g++) out[g] = (float) Math.sqrt(s[g]);
        return out;
    }

    /** Multiplies every gradient by c now (one pass). */
    public void scaleAll(float c) {
        java.util.Arrays.fill(factors, c);
        backend().scaleSegments(grads(), offsets, sizes, factors);
    }

    /**
     * Multiplies every gradient by c in the pass that measures the post-clip state ({@link #scaleAndMeasure}).
     * A coefficient of exactly 1 changes no float (NaN and ±inf included), so nothing is scheduled then.
     */
    void scaleAllLater(float c) {
        java.util.Arrays.fill(factors, c);
        pendingScale = c != 1f;
    }

    /** Takes the scheduled scale (at most once). */
    boolean takePendingScale() {
        boolean p = pendingScale;
        pendingScale = false;
        return p;
    }

    /** Scratch for per-tensor factors, see {@link #applyFactors()}. */
    float[] factors() {
        return factors;
    }

    /** Schedules factors() for the post-clip measuring pass. */
    void applyFactorsLater() {
        pendingScale = true;
    }
}
