package org.gradlab.run;

import org.gradlab.clip.ClipReport;
import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.ClipStrategy;
import org.gradlab.clip.GradientSegments;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.Backend;
import org.gradlab.model.Model;
import org.gradlab.optim.Optimizer;
import org.gradlab.task.Batch;
import org.gradlab.telemetry.StepStats;
import org.gradlab.telemetry.WeightTracker;

/**
 * One optimizer step with everything around it: forward + backward, clipping with its report, the
 * non-finite policy, the update, and (when telemetry is on) per-layer histograms, weight norms and update
 * ratios. With telemetry off and no clipping, the step is the bare engine step (the bench's baseline).
 */
public final class StepRunner {
    /** Thrown by the stop policy; the message says which step and what was found. */
    public static final class NonFiniteStop extends RuntimeException {
        public NonFiniteStop(String message) {
            super(message);
        }
    }

    private final Model model;
    private final Backend backend;
    private final Optimizer optimizer;
    private final GradientSegments segments;
    private final WeightTracker weights;
    private final int groups;
    private ClipStrategy clip;
    private NonFinitePolicy policy;
    private boolean telemetry = true;
    private long skipped;

    public StepRunner(Model model, Optimizer optimizer, ClipSpec clip, NonFinitePolicy policy) {
        this.model = model;
        this.backend = model.params().backend();
        this.optimizer = optimizer;
        this.segments = new GradientSegments(model.params());
        this.weights = new WeightTracker(model.params());
        this.groups = model.params().layout().groups().size();
        this.clip = ClipStrategy.create(clip);
        this.policy = policy;
        segments.setHistograms(true);
    }

    public Model model() { return model; }
    public Optimizer optimizer() { return optimizer; }
    public ClipStrategy clip() { return clip; }
    public NonFinitePolicy nonFinitePolicy() { return policy; }
    public long skippedSteps() { return skipped; }

    /** A fresh strategy from the next step on (adaptive history starts anew). */
    public void setClip(ClipSpec spec) {
        clip = ClipStrategy.create(spec);
    }

    public void setClipStrategy(ClipStrategy s) {
        clip = s;
    }

    public void setNonFinitePolicy(NonFinitePolicy p) {
        policy = p;
    }

    /** Histograms, weight norms and update ratios on or off (clip reports are always made). */
    public void setTelemetry(boolean on) {
        telemetry = on;
        segments.setHistograms(on);
    }

    /**
     * Runs step `step` on batch b. With telemetry off and clip spec none, skips every measuring pass and
     * returns stats with only the loss (the bare step).
     */
    public StepStats run(long step, Batch b) {
        return run(step, b, 1.0);
    }

    /** As {@link #run(long, Batch)}, with the gradient multiplied by gradFactor before clipping (a grad spike). */
    public StepStats run(long step, Batch b, double gradFactor) {
        long t0 = System.nanoTime();
        model.load(b.features(), b.tokens(), b.targets(), b.targetIds());
        model.queueForwardBackward();
        if (gradFactor != 1.0) segments.scaleAll((float) gradFactor);
        boolean bare = !telemetry && clip.spec().kind() == ClipSpec.Kind.NONE;
        // the loss comes back with the pre-clip statistics (or alone on the bare step): one copy on a GPU
        ClipStrategy.Pending clipping = bare ? null : clip.start(segments);
        if (bare) backend.collect();
        float loss = model.loss();
        boolean bad = !Float.isFinite(loss) || (clipping != null && clipping.nonFinite() > 0);
        boolean skip = false;
        if (bad) {
            switch (policy) {
                case PROPAGATE -> { }
                case SKIP -> {
                    skip = true;
                    skipped++;
                }
                case STOP -> throw new NonFiniteStop("step " + step + ": " + (Float.isFinite(loss) ? "" : "loss is " + loss + ", ")
                        + (clipping == null ? "" : clipping.nonFinite() + " non-finite gradient values; ") + "stopped by --nonfinite stop");
            }
        }
        double lr = optimizer.lr();
        if (telemetry) weights.beforeUpdate();
        if (!skip) optimizer.step();
        if (telemetry) weights.measureAfterUpdate(!skip);
        // the post-clip statistics and the weight norms: the step's second (and last) copy on a GPU
        backend.collect();
        ClipReport report = clipping == null ? null : clipping.finish();
        float[] wn = new float[groups], ur = new float[groups];
        int[] pre = null, post = null;
        if (telemetry) {
            weights.read(wn, ur);
            pre = toInts(segments.preClipHistogram());
            post = toInts(segments.postClipHistogram());
        }
        long now = System.nanoTime();
        return new StepStats(step, System.currentTimeMillis(), now - t0, loss, lr, report, skip, wn, ur, pre, post);
    }

    private static int[] toInts(long[] h) {
        int[] out = new int[h.length];
        for (int i = 0; i < h.length; i++) out[i] = (int) Math.min(Integer.MAX_VALUE, h[i]);
        return out;
    }
}
