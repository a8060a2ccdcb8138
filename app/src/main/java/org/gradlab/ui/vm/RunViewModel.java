package org.gradlab.ui.vm;

import org.gradlab.overview.HistogramTimeline;
import org.gradlab.overview.LayerOverview;
import org.gradlab.overview.SeriesStore;
import org.gradlab.overview.ThroughTime;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.SimpleLongProperty;
import org.gradlab.clip.ClipReport;
import org.gradlab.run.RunEvent;
import org.gradlab.telemetry.StepStats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Everything the charts of one run draw — live or replayed — fed only from {@link StepStats} and
 * {@link RunEvent}s (never the trainer's internals): decimated scalar series, per-layer norms, the histogram
 * timeline, events as markers, and the cursor step. Updated on the FX thread.
 */
public final class RunViewModel {
    public enum Scalar { LOSS, LOSS_SMOOTH, PRE_NORM, POST_NORM, COEFFICIENT, THRESHOLD, CLIP_RATE, LR, NON_FINITE }

    public static final int CAPACITY = LayerOverview.CAPACITY;
    /** Steps kept one per bucket besides the buckets (at least half of it), so a live zoom on recent steps is exact. */
    public static final int RECENT = 8192;

    private final String name;
    private final List<String> layers;
    private final SeriesStore[] scalars = new SeriesStore[Scalar.values().length];
    private final int recent;
    private SeriesStore smoothed;
    private LayerOverview perLayer;
    private final List<RunEvent> events = new ArrayList<>();
    private final ReadOnlyLongWrapper lastStep = new ReadOnlyLongWrapper(this, "lastStep", -1);
    private final LongProperty cursor = new SimpleLongProperty(this, "cursor", -1);
    private final Smoothing smoothing = new Smoothing();
    private final ClipRate clipRate = new ClipRate(100);
    private long nonFiniteSteps;
    private long steps;
    private long version;

    public RunViewModel(String name, List<String> layers) {
        this(name, layers, RECENT);
    }

    /** recent: steps kept one per bucket besides the buckets (0: none, as a replay, which reads a zoomed window's records). */
    public RunViewModel(String name, List<String> layers, int recent) {
        this(name, layers, recent, LayerOverview.HISTOGRAM_COLUMNS);
    }

    /** A view-model for a window of up to {@link #CAPACITY} steps read from records: one step per bucket and column. */
    public static RunViewModel window(String name, List<String> layers) {
        return new RunViewModel(name, layers, 0, CAPACITY);
    }

    private RunViewModel(String name, List<String> layers, int recent, int histogramColumns) {
        this.name = name;
        this.layers = List.copyOf(layers);
        this.recent = recent;
        for (int i = 0; i < scalars.length; i++) scalars[i] = new SeriesStore(CAPACITY, recent);
        smoothed = new SeriesStore(CAPACITY, recent);
        perLayer = new LayerOverview(layers.size(), recent, histogramColumns);
    }

    public String name() { return name; }
    public List<String> layers() { return layers; }
    public SeriesStore series(Scalar s) { return s == Scalar.LOSS_SMOOTH ? smoothed : scalars[s.ordinal()]; }

    /**
     * Recomputes the smoothed loss of a recorded run from its raw values with the current settings (a replay
     * has all of history; a live run applies new settings from the next step on and never rewrites).
     */
    public void resmooth(long[] steps, float[] loss) {
        resmooth(steps, loss, 0);
    }

    /**
     * As {@link #resmooth(long[], float[])}, keeping only positions from `from` on: the values before it feed the
     * smoother (a zoomed window's smoothed loss depends on all history before it) but are not stored.
     */
    public void resmooth(long[] steps, float[] loss, int from) {
        SeriesStore s = new SeriesStore(CAPACITY, recent);
        smoothing.reset();
        for (int i = 0; i < steps.length; i++) {
            double v = smoothing.add(loss[i]);
            if (i >= from) s.append(steps[i], (float) v);
        }
        smoothed = s;
        smoothedFromHistory = true;
        version++;
    }

    /** Whether this model's smoothed loss was derived from the run's whole history (a replay's detail window). */
    private boolean smoothedFromHistory;
    /**
     * Draws zoomed windows that d covers from d's finer stores (a replay's detail read); the smoothed loss only
     * where d's was derived from all history before its window (smoothing depends on it). Null detaches.
     */
    public void attachDetail(RunViewModel d) {
        for (Scalar s : Scalar.values()) {
            if (s != Scalar.LOSS_SMOOTH) series(s).setDetail(d == null ? null : d.series(s));
        }
        smoothed.setDetail(d == null || !d.smoothedFromHistory ? null : d.smoothed);
        perLayer.setDetail(d == null ? null : d.perLayer);
        version++;
    }

    /** A recurrent run's gradient through time and spectral radii: null for other runs. */
    public ThroughTime through() { return perLayer.through(); }

    /** Makes this a recurrent run's model (before the first step): its records carry what `shape` says. */
    public void enableThroughTime(org.gradlab.record.RunManifest.Recurrent shape) {
        if (shape != null) perLayer.enableThroughTime(shape.layers(), shape.steps(), shape.matrices());
    }

    /** A step's gradient through time and spectral radii (either null when not measured); ignored for other runs. */
    public void appendThroughTime(long k, float[] timeGrads, float[] radii) {
        if (perLayer.appendThroughTime(k, timeGrads, radii)) version++;
    }
    public SeriesStore layerPre(int l) { return perLayer.pre(l); }
    public SeriesStore layerPost(int l) { return perLayer.post(l); }
    public SeriesStore weightNorm(int l) { return perLayer.weight(l); }
    public SeriesStore updateRatio(int l) { return perLayer.ratio(l); }
    public HistogramTimeline histograms() { return perLayer.histograms(); }

    /**
     * Takes a recorded run's per-layer overview as its summary file holds it (before the index's scalars are
     * appended with {@link #appendRow} and null per-layer readings); it must have this model's layers.
     */
    public void adoptPerLayer(LayerOverview o) {
        if (o.layers() != layers.size()) throw new IllegalArgumentException(o.layers() + " layers, not " + layers.size());
        perLayer = o;
        version++;
    }
    public List<RunEvent> events() { return Collections.unmodifiableList(events); }
    public ReadOnlyLongProperty lastStepProperty() { return lastStep.getReadOnlyProperty(); }
    public long lastStep() { return lastStep.get(); }
    public LongProperty cursorProperty() { return cursor; }
    public long steps() { return steps; }
    public long nonFiniteSteps() { return nonFiniteSteps; }
    public Smoothing smoothing() { return smoothing; }

    /** Changes each time data is added, so renderers know when to redraw. */
    public long version() { return version; }

    public void append(StepStats s) {
        append(s, true, true);
    }

    /**
     * A step of which a log may hold only part: a loss or a global norm the log does not hold at this step is
     * left out of its series (absent), not appended as NaN — a NaN there would read as a divergence. Whether a
     * step clipped is unknown (absent from the clip rate) when neither a post-clip norm, a coefficient nor a threshold is known.
     */
    public void append(StepStats s, boolean lossKnown, boolean normKnown) {
        ClipReport c = normKnown ? s.clip() : null;
        float[] clip = null;
        if (c != null) {
            // a log that holds the threshold in force also says whether the step clipped (GradLab's exports, the probe)
            boolean clipKnown = !Double.isNaN(c.postNorm()) || !Double.isNaN(c.coefficient()) || !Double.isNaN(c.threshold());
            clip = new float[] {(float) c.preNorm(), (float) c.postNorm(), (float) c.coefficient(), (float) c.threshold(),
                    clipKnown ? (c.clipped() ? 1 : 0) : Float.NaN, c.nonFinite()};
        }
        row(s.step(), lossKnown, s.loss(), (float) s.lr(), clip, c == null ? null : c.layerPre(), c == null ? null : c.layerPost(),
                s.weightNorms(), s.updateRatios(), s.histPre(), s.histPost());
        appendThroughTime(s.step(), s.timeGrads(), s.radii());
    }

    /** A log's steps hold only what was logged: a NaN there means absent (never appended), not diverged. */
    private boolean logged;

    /** Marks this as another tool's log (TensorBoard): values it does not hold are left out, not shown as NaN. */
    public void markLogged() {
        logged = true;
        perLayer.markLogged();
    }

    /** Appends v unless this is a log and v is NaN (a value the log does not hold). */
    private void put(Scalar which, long k, float v) {
        if (!(logged && Float.isNaN(v))) series(which).append(k, v);
    }

    public void addEvent(RunEvent e) {
        events.add(e);
        version++;
    }

    /**
     * The one mapping from a step's values to the series: loss and lr; the clip scalars {pre, post, coefficient,
     * threshold, clipped (0/1), non-finite count} (null: the step has no clip report); per-layer norms, weight
     * norms, update ratios and histograms (each null when not known for this step).
     */
    public void appendRow(long k, float loss, float lr, float[] clip, float[] layerPreNorms, float[] layerPostNorms,
                          float[] weights, float[] ratios, int[] histPre, int[] histPost) {
        row(k, true, loss, lr, clip, layerPreNorms, layerPostNorms, weights, ratios, histPre, histPost);
    }

    private void row(long k, boolean lossKnown, float loss, float lr, float[] clip, float[] layerPreNorms, float[] layerPostNorms,
                     float[] weights, float[] ratios, int[] histPre, int[] histPost) {
        if (lossKnown) {
            series(Scalar.LOSS).append(k, loss);
            series(Scalar.LOSS_SMOOTH).append(k, (float) smoothing.add(loss));
        }
        put(Scalar.LR, k, lr);
        boolean bad = lossKnown && !Float.isFinite(loss);
        if (clip != null) {
            put(Scalar.PRE_NORM, k, clip[0]);
            put(Scalar.POST_NORM, k, clip[1]);
            put(Scalar.COEFFICIENT, k, clip[2]);
            put(Scalar.THRESHOLD, k, clip[3]);
            // unknown whether it clipped: absent from the rate, not counted as "did not clip"
            if (!Float.isNaN(clip[4])) series(Scalar.CLIP_RATE).append(k, (float) clipRate.add(clip[4] > 0));
            series(Scalar.NON_FINITE).append(k, clip[5]);
            bad = org.gradlab.telemetry.StepStats.isNonFinite(lossKnown ? loss : 0f, clip[0], clip[5]);
        }
        perLayer.append(k, layerPreNorms, layerPostNorms, weights, ratios, histPre, histPost);
        if (bad) nonFiniteSteps++;
        steps++;
        version++;
        lastStep.set(k);
    }

    /** Fraction of all measured steps that were clipped (NaN before the first). */
    public double overallClipRate() {
        return clipRate.total == 0 ? Double.NaN : (double) clipRate.clippedTotal / clipRate.total;
    }

    /** Rolling fraction of clipped steps over the last n steps, and the count over the whole run. */
    static final class ClipRate {
        private final boolean[] ring;
        private int pos, filled, count;
        private long total, clippedTotal;

        ClipRate(int n) {
            ring = new boolean[n];
        }

        double add(boolean clipped) {
            total++;
            if (clipped) clippedTotal++;
            if (filled == ring.length && ring[pos]) count--;
            ring[pos] = clipped;
            if (clipped) count++;
            pos = (pos + 1) % ring.length;
            filled = Math.min(ring.length, filled + 1);
            return (double) count / filled;
        }
    }
}
