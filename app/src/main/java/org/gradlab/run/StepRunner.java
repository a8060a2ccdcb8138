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

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

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
    private final RadiusTracker radii;
    private int radiusEvery = DEFAULT_RADIUS_EVERY;
    /** Steps between spectral-radius measurements unless a session says otherwise. */
    public static final int DEFAULT_RADIUS_EVERY = 50;
    private long skipped;
    private String stop;
    /** Queued steps whose stats wait for their statistics to come back, and stats completed but not taken. */
    private int waiting;
    private final ArrayDeque<StepStats> finished = new ArrayDeque<>();

    public StepRunner(Model model, Optimizer optimizer, ClipSpec clip, NonFinitePolicy policy) {
        this.model = model;
        this.backend = model.params().backend();
        this.optimizer = optimizer;
        this.segments = new GradientSegments(model.params());
        this.weights = new WeightTracker(model.params());
        this.groups = model.params().layout().groups().size();
        this.clip = ClipStrategy.create(clip);
        this.policy = policy;
        this.radii = new RadiusTracker(model.params().layout());
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

    /** Measure the recurrent matrices' spectral radii every n steps (0: never); steps 0, n, 2n… carry them. */
    public void setRadiusEvery(int n) {
        if (n < 0) throw new IllegalArgumentException("spectral radius interval must be >= 0");
        radiusEvery = n;
    }

    /**
     * Runs step `step` on batch b and returns its stats. With telemetry off and clip spec none, skips every
     * measuring pass and returns stats with only the loss (the bare step).
     */
    public StepStats run(long step, Batch b) {
        return run(step, b, 1.0);
    }

    /** As {@link #run(long, Batch)}, with the gradient multiplied by gradFactor before clipping (a grad spike). */
    public StepStats run(long step, Batch b, double gradFactor) {
        return run(step, b, gradFactor, false);
    }

    /** As {@link #run(long, Batch, double)}; with skipUpdate the step is measured and recorded but updates nothing. */
    public StepStats run(long step, Batch b, double gradFactor, boolean skipUpdate) {
        if (waiting > 0 || !finished.isEmpty()) throw new IllegalStateException("queued steps' stats not taken: call drain() first");
        queue(step, b, gradFactor, skipUpdate);
        StepStats s = drain().get(0);
        String stopped = takeStop();
        if (stopped != null) throw new NonFiniteStop(stopped);
        return s;
    }

    /**
     * Runs step `step` as {@link #run(long, Batch, double)} does, but leaves its stats to be completed when
     * the last of its statistics come back: at once on a CPU backend, and on a GPU with the next step's
     * first copy (its loss and pre-clip statistics), so that a run of steps makes one copy to the host per
     * step instead of two. Take the stats with {@link #completed()} or {@link #drain()}.
     */
    public void queue(long step, Batch b, double gradFactor) {
        queue(step, b, gradFactor, false);
    }

    public void queue(long step, Batch b, double gradFactor, boolean skipUpdate) {
        long t0 = System.nanoTime();
        optimizer.at(step);
        model.load(b.features(), b.tokens(), b.targets(), b.targetIds());
        int nTime = telemetry ? model.timeGradientCount() : 0;
        double[] timeSq = nTime > 0 ? new double[nTime] : null;
        if (timeSq != null) model.measureTimeGradients(timeSq);
        model.queueForwardBackward();
        if (gradFactor != 1.0) segments.scaleAll((float) gradFactor);
        boolean bare = !telemetry && clip.spec().kind() == ClipSpec.Kind.NONE;
        // the loss comes back with the pre-clip statistics (or alone on the bare step): one copy on a GPU,
        // which also completes the previous step's stats
        ClipStrategy.Pending clipping = bare ? null : clip.start(segments);
        if (bare) backend.collect();
        float loss = model.loss();
        boolean bad = clipping == null ? !Float.isFinite(loss) : StepStats.isNonFinite(loss, clipping.preNorm(), clipping.nonFinite());
        boolean skip = false;
        if (skipUpdate) { // a remedy chosen for this batch: measured and recorded, no update
            skip = true;
            skipped++;
        } else if (bad) {
            switch (policy) {
                case PROPAGATE -> { }
                case SKIP -> {
                    skip = true;
                    skipped++;
                }
                case STOP -> {
                    // the step is recorded (without its update) and the run stops after it
                    skip = true;
                    skipped++;
                    stop = "step " + step + ": " + (Float.isFinite(loss) ? "" : "loss is " + loss + ", ")
                            + (clipping == null ? "" : clipping.nonFinite() + " non-finite gradient values"
                            + (clipping.nonFinite() == 0 ? " (the pre-clip norm overflowed to " + clipping.preNorm() + ")" : "") + "; ")
                            + "stopped by --nonfinite stop";
                }
            }
        }
        double lr = optimizer.lr();
        boolean measured = telemetry;
        // the pre-clip histogram is overwritten by the next step's copy: keep this step's now
        int[] pre = measured ? toInts(segments.preClipHistogram()) : null;
        if (!skip) optimizer.step(measured ? weights.measure() : null);
        else if (measured) weights.measureUnchanged();
        float[] rho = measured && radii.any() && radiusEvery > 0 && step % radiusEvery == 0
                ? radii.measure(model.params().readParams()) : null;
        long nanos = System.nanoTime() - t0, wall = System.currentTimeMillis();
        boolean wasSkipped = skip;
        waiting++;
        // the post-clip statistics and the weight norms: read when they are back (the readers of the post-clip
        // statistics and weight norms run before this, and the next step's pre-clip readers after it)
        backend.whenCollected(() -> {
            waiting--;
            ClipReport report = clipping == null ? null : clipping.finish();
            float[] wn = new float[groups], ur = new float[groups];
            if (measured) weights.read(wn, ur);
            int[] post = measured ? toInts(segments.postClipHistogram()) : null;
            finished.add(new StepStats(step, wall, nanos, loss, lr, report, wasSkipped, wn, ur, pre, post,
                    timeNorms(timeSq, gradFactor), rho));
        });
    }

    /**
     * After a step that the stop policy stopped: the message, once (then null). The step itself was completed
     * without its update, so it is recorded like any other.
     */
    public String takeStop() {
        String s = stop;
        stop = null;
        return s;
    }

    /**
     * The pre-clip global L2 norm the gradient of batch b would have at the current weights (with the gradient
     * multiplied by gradFactor), without clipping or updating anything — a probe, not a step.
     */
    public double gradientNorm(Batch b, double gradFactor) {
        if (waiting > 0 || !finished.isEmpty()) throw new IllegalStateException("queued steps' stats not taken: call drain() first");
        model.load(b.features(), b.tokens(), b.targets(), b.targetIds());
        model.queueForwardBackward();
        if (gradFactor != 1.0) segments.scaleAll((float) gradFactor);
        ClipStrategy.Pending measured = ClipStrategy.create(ClipSpec.parse("none")).start(segments);
        backend.collect();
        double norm = measured.preNorm();
        measured.finish();
        return norm;
    }

    /** Stats of the queued steps completed so far, oldest first (each is handed out once). */
    public List<StepStats> completed() {
        List<StepStats> out = new ArrayList<>(finished);
        finished.clear();
        return out;
    }

    /** Completes every queued step (one copy on a GPU if one is still waiting) and hands out their stats. */
    public List<StepStats> drain() {
        if (waiting > 0) backend.collect();
        return completed();
    }

    /** ‖∂L/∂h_t‖ from the sums of squares; an injected spike multiplies the loss, so these too. */
    private static float[] timeNorms(double[] sumSq, double gradFactor) {
        if (sumSq == null) return null;
        float[] out = new float[sumSq.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (Math.sqrt(sumSq[i]) * Math.abs(gradFactor));
        return out;
    }

    private static int[] toInts(long[] h) {
        int[] out = new int[h.length];
        for (int i = 0; i < h.length; i++) out[i] = (int) Math.min(Integer.MAX_VALUE, h[i]);
        return out;
    }
}
