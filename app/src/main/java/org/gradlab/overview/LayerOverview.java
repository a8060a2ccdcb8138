package org.gradlab.overview;

import org.gradlab.clip.ClipReport;
import org.gradlab.telemetry.StepStats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * What a run's records hold beyond its index's scalars, summarised for drawing: each layer group's pre- and
 * post-clip gradient norms, weight norms and update ratios (min/max/last per bucket), the histograms over time
 * and, for a recurrent run, the gradient through time and spectral radii. The live view and the replay draw
 * from one; the recorder keeps one as it writes and saves it beside the index at a clean close, so a replay
 * opens without reading every record ({@link #write}, {@link #read}).
 */
public final class LayerOverview {
    /** Buckets per layer series, and histogram columns: enough for any chart width. */
    public static final int CAPACITY = 4096, HISTOGRAM_COLUMNS = 1024;

    private final int layers;
    private final int recent;
    private final SeriesStore[] pre, post, weight, ratio;
    private final HistogramTimeline histograms;
    private ThroughTime through;
    private boolean logged;

    /**
     * recent: steps kept one per bucket besides the buckets, for a live zoom on recent steps (0: none, as in a
     * replay, which reads a zoomed window's records); histogramColumns: the histogram timeline's columns.
     */
    public LayerOverview(int layers, int recent, int histogramColumns) {
        this.layers = layers;
        this.recent = recent;
        pre = stores(layers, recent);
        post = stores(layers, recent);
        weight = stores(layers, recent);
        ratio = stores(layers, recent);
        histograms = new HistogramTimeline(layers, histogramColumns, recent == 0 ? 0 : 2048);
    }

    private static SeriesStore[] stores(int n, int recent) {
        SeriesStore[] s = new SeriesStore[n];
        for (int l = 0; l < n; l++) s[l] = new SeriesStore(CAPACITY, recent);
        return s;
    }

    /** Makes this a recurrent run's overview (before its first step). */
    public void enableThroughTime(List<String> recurrentLayers, int timeSteps, List<String> matrices) {
        through = new ThroughTime(recurrentLayers, timeSteps, matrices, recent > 0);
    }

    /** Another tool's log: a NaN there means "not logged" and is left out, not drawn as a divergence. */
    public void markLogged() {
        logged = true;
    }

    public int layers() { return layers; }
    public SeriesStore pre(int l) { return pre[l]; }
    public SeriesStore post(int l) { return post[l]; }
    public SeriesStore weight(int l) { return weight[l]; }
    public SeriesStore ratio(int l) { return ratio[l]; }
    public HistogramTimeline histograms() { return histograms; }
    /** Null for a run that is not recurrent. */
    public ThroughTime through() { return through; }

    /** A step's per-layer readings; any of them may be null (not known at this step). */
    public void append(long k, float[] layerPre, float[] layerPost, float[] weights, float[] ratios, int[] histPre, int[] histPost) {
        for (int l = 0; l < layers; l++) {
            if (layerPre != null && l < layerPre.length && !(logged && Float.isNaN(layerPre[l]))) pre[l].append(k, layerPre[l]);
            if (layerPost != null && l < layerPost.length && !(logged && Float.isNaN(layerPost[l]))) post[l].append(k, layerPost[l]);
            if (weights != null && l < weights.length) weight[l].append(k, weights[l]);
            if (ratios != null && l < ratios.length) ratio[l].append(k, ratios[l]);
        }
        if (histPre != null || histPost != null) histograms.append(k, histPre, histPost);
    }

    /** Everything a step's readings hold for this overview (as the recorder and the live view get them). */
    public void append(StepStats s) {
        ClipReport c = s.clip();
        append(s.step(), c == null ? null : c.layerPre(), c == null ? null : c.layerPost(), s.weightNorms(), s.updateRatios(),
                s.histPre(), s.histPost());
        appendThroughTime(s.step(), s.timeGrads(), s.radii());
    }

    /** A step's gradient through time and spectral radii (either null when not measured); ignored unless recurrent. */
    public boolean appendThroughTime(long k, float[] timeGrads, float[] radii) {
        if (through == null || (timeGrads == null && radii == null)) return false;
        through.append(k, timeGrads, radii);
        return true;
    }

    /** Zoomed windows that d covers are drawn from its finer stores (a replay's detail read); null detaches. */
    public void setDetail(LayerOverview d) {
        for (int l = 0; l < layers; l++) {
            pre[l].setDetail(d == null ? null : d.pre[l]);
            post[l].setDetail(d == null ? null : d.post[l]);
            weight[l].setDetail(d == null ? null : d.weight[l]);
            ratio[l].setDetail(d == null ? null : d.ratio[l]);
        }
        histograms.setDetail(d == null ? null : d.histograms);
        if (through != null) through.setDetail(d == null ? null : d.through);
    }

    /** The buckets and columns (never the recent or detail ones). */
    public void write(DataOutput out) throws IOException {
        for (SeriesStore[] kind : new SeriesStore[][] {pre, post, weight, ratio}) for (SeriesStore s : kind) s.write(out);
        histograms.write(out);
        out.writeBoolean(through != null);
        if (through != null) through.write(out);
    }

    /**
     * Reads what {@link #write} wrote into this fresh overview of the same shape (made like the writer's, with
     * through time enabled for a recurrent run); a file of another shape or a damaged one is refused.
     */
    public void read(DataInput in) throws IOException {
        for (SeriesStore[] kind : new SeriesStore[][] {pre, post, weight, ratio}) {
            for (int l = 0; l < layers; l++) kind[l] = SeriesStore.read(in, CAPACITY);
        }
        histograms.read(in);
        if (in.readBoolean() != (through != null)) throw new IOException("the summary and the run disagree on whether it is recurrent");
        if (through != null) through.read(in);
    }
}
