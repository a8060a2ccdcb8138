package org.gradlab.clip;

/**
 * A clipping strategy: measures the gradients in one pass, clips them in place, measures again, and reports.
 * Adaptive strategies keep state (history, EMA) that forks and checkpoints save and restore.
 */
public abstract class ClipStrategy {
    /** What {@link #clip} decided, before the report adds the measured norms. */
    protected record Outcome(double strategyNorm, double coefficient, boolean clipped, double threshold,
                             ClipAction action, long parts) {}

    private final ClipSpec spec;

    protected ClipStrategy(ClipSpec spec) {
        this.spec = spec;
    }

    public final ClipSpec spec() {
        return spec;
    }

    public static ClipStrategy create(ClipSpec s) {
        return switch (s.kind()) {
            case NONE -> new NoClip(s);
            case NORM -> new GlobalNormClip(s);
            case TENSOR_NORM -> new TensorNormClip(s);
            case VALUE -> new ValueClip(s);
            case AGC -> new AdaptiveGradientClip(s, s.extra2() == 1);
            case AUTOCLIP -> new AutoClip(s);
            case ZCLIP -> new ZClip(s);
            case ADAGC -> new AdaGC(s);
        };
    }

    public static ClipStrategy parse(String spec) {
        return create(ClipSpec.parse(spec));
    }

    /** Clips the gradients of g's store in place and reports what happened. */
    public final ClipReport apply(GradientSegments g) {
        Pending p = start(g);
        g.backend().collect();
        return p.finish();
    }

    /**
     * Measures the gradients (one collect, which also brings back whatever the step queued before, such as
     * its loss), decides, clips in place and queues the post-clip measurement; {@link Pending#finish()} after
     * the backend's next collect makes the report. So on a GPU the post-clip statistics need no copy of their
     * own: in a training run they come back with the next step's (see StepRunner#queue).
     */
    public final Pending start(GradientSegments g) {
        g.measure(false);
        g.backend().collect();
        float[] tPre = g.tensorL2(), lPre = g.groupL2();
        float pre = g.totalNorm(2);
        long nonFinite = g.nonFiniteTotal();
        Outcome o = clip(g, pre);
        boolean scaleNow = g.takePendingScale();
        boolean unchanged = !scaleNow && o.action() == ClipAction.NONE;
        if (unchanged) g.postEqualsPre();
        else if (scaleNow) g.scaleAndMeasure();
        else g.measure(true);
        return new Pending(g, o, pre, tPre, lPre, nonFinite, unchanged);
    }

    /** A clip whose pre-clip side is known and whose post-clip statistics are queued on the backend. */
    public static final class Pending {
        private final GradientSegments g;
        private final Outcome o;
        private final float pre;
        private final float[] tPre, lPre;
        private final long nonFinite;
        private final boolean unchanged;

        private Pending(GradientSegments g, Outcome o, float pre, float[] tPre, float[] lPre, long nonFinite,
                        boolean unchanged) {
            this.g = g;
            this.o = o;
            this.pre = pre;
            this.tPre = tPre;
            this.lPre = lPre;
            this.nonFinite = nonFinite;
            this.unchanged = unchanged;
        }

        /** Non-finite gradient values found before clipping (known before the post-clip collect). */
        /** The pre-clip global L2 norm (known before the clip is decided). */
        public double preNorm() {
            return pre;
        }

        public long nonFinite() {
            return nonFinite;
        }

        /** The report, once the backend has collected the post-clip statistics. */
        public ClipReport finish() {
            float post = unchanged ? pre : g.totalNorm(2);
            float[] tPost = unchanged ? tPre : g.tensorL2(), lPost = unchanged ? lPre : g.groupL2();
            return new ClipReport(pre, o.strategyNorm(), post, o.coefficient(), o.clipped(), o.threshold(), nonFinite,
                    o.action(), o.parts(), tPre, tPost, lPre, lPost);
        }
    }

    /** Clips in place; g holds this step's pre-clip statistics; preL2 is the global L2 norm. */
    protected abstract Outcome clip(GradientSegments g, float preL2);

    /** Adaptive state for snapshots (empty for stateless strategies). */
    public double[] saveState() {
        return new double[0];
    }

    public void restoreState(double[] state) {}

    /**
     * PyTorch's clip_grad_norm_ once the total is known: coef = min(1, C/(total+1e-6)), always applied (fused
     * with the post-clip measurement; a coefficient of exactly 1 leaves every float as it is).
     */
    static Outcome torchNormClip(GradientSegments g, float total, float maxNorm) {
        float coef = maxNorm / (total + 1e-6f);
        float clamped = Math.min(coef, 1f);
        g.scaleAllLater(clamped);
        boolean clipped = !(clamped >= 1f);
        return new Outcome(total, clamped, clipped, maxNorm, clipped ? ClipAction.SCALED : ClipAction.NONE, clipped ? 1 : 0);
    }
}
