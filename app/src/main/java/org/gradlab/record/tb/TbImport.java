package org.gradlab.record.tb;

import org.gradlab.clip.ClipAction;
import org.gradlab.clip.ClipReport;
import org.gradlab.engine.HistogramBins;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.ParamLayout;
import org.gradlab.record.RunFiles;
import org.gradlab.record.RunManifest;
import org.gradlab.record.RunWriter;
import org.gradlab.telemetry.StepStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Converts one TensorBoard run into a GradLab run directory: one record per logged step (steps TensorBoard
 * skipped stay skipped), the loss and learning rate as logged, the logged gradient norm as the pre-clip norm
 * (post-clip, coefficient and threshold are not in the logs and stay NaN), and gradient histograms re-binned
 * onto GradLab's fixed bins — each logged bucket's count goes to the bin holding the bucket's centre, so
 * counts are kept and only coarsened to GradLab's factor-of-4 resolution, never made up.
 */
public final class TbImport {

    /** Counts of a logged histogram on GradLab's bins (one row of {@link HistogramBins#WIDTH}). */
    public static long[] rebin(TbEvent.Histogram h) {
        long[] out = new long[HistogramBins.WIDTH];
        for (int i = 0; i < h.count().length; i++) {
            double c = h.count()[i];
            if (!(c > 0)) continue;
            double l = h.left()[i], r = h.right()[i];
            double mid = Double.isFinite(l) && Double.isFinite(r) ? (l + r) / 2 : Double.isFinite(r) ? r : l;
            int bin = HistogramBins.index((float) mid);
            out[bin] = saturated(out[bin] + Math.min(Math.round(c), Integer.MAX_VALUE)); // counts of 1e300 saturate, never wrap
        }
        return out;
    }

    private static long saturated(long v) {
        return Math.min(v, Integer.MAX_VALUE);
    }

    /** Layers a log may bring: beyond this the per-step records and the app's views grow past what is useful. */
    public static final int MAX_LAYERS = 512;
    /** Parameters (histogram tags) a log may bring. */
    public static final int MAX_PARAMS = 4096;

    public static void importRun(TbLogDir.Run run, Path source, Path out) throws IOException {
        TbImport plan = new TbImport(run);
        RunManifest m = RunManifest.imported(plan.layout, new RunManifest.Imported("tensorboard",
                source.toAbsolutePath() + (run.name.equals(".") ? "" : "/" + run.name)));
        long perStep = m.shape().estimatedRecordBytes(), steps = plan.steps().size(), in = 0;
        for (Path f : run.files.keySet()) in += Files.size(f);
        if (perStep > RunFiles.MAX_RECORD || steps * perStep > Math.max(256L << 20, 64 * in)) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "run '%s': as GradLab records this log would take %,d MB "
                    + "(%,d steps × %,d layers, every layer in every step's record) from %,d KB of events; GradLab refuses an import that "
                    + "grows more than 64-fold", run.name, steps * perStep >> 20, steps, m.groups().size(), in >> 10));
        }
        try (RunWriter w = RunWriter.create(out, m)) {
            for (long k : plan.steps()) w.onStep(plan.at(k));
        }
    }

    private final TbLogDir.Run run;
    private final String lossTag, normTag, lrTag;
    private final List<String> nonFiniteTags;
    private final Map<String, TreeMap<Long, TbEvent.Histogram>> pre = new LinkedHashMap<>(), post = new LinkedHashMap<>();
    private final List<String> params;
    private final ParamLayout layout;
    private final float[] nanT, nanG;

    /**
     * The mapping of one run's tags onto GradLab's record (a parameter or, in GradLab's own exports, a layer with
     * its pre- and post-clip histograms). Built from the tags seen so far; {@link #at} reads the current data, so
     * a tailed run can be converted step by step as it grows.
     */
    public TbImport(TbLogDir.Run run) {
        this.run = run;
        lossTag = TbMapping.lossTag(run.scalars);
        normTag = TbMapping.gradNormTag(run.scalars);
        lrTag = TbMapping.lrTag(run.scalars);
        nonFiniteTags = TbMapping.nonFiniteTags(run);
        Map<String, TreeMap<Long, TbEvent.Histogram>> grads = new LinkedHashMap<>();
        for (var e : run.histograms.entrySet()) if (TbMapping.isGradient(e.getKey())) grads.put(e.getKey(), e.getValue());
        if (grads.isEmpty()) grads.putAll(run.histograms);
        Map<String, String> layerOf = new LinkedHashMap<>();
        for (var e : grads.entrySet()) {
            String p = TbMapping.paramName(e.getKey());
            boolean ours = e.getKey().startsWith("grad_hist/");
            if (p.endsWith("/post_clip")) {
                p = p.substring(0, p.length() - "/post_clip".length());
                post.put(p, e.getValue());
            } else {
                if (p.endsWith("/pre_clip")) p = p.substring(0, p.length() - "/pre_clip".length());
                pre.put(p, e.getValue());
            }
            layerOf.putIfAbsent(p, ours ? p : TbMapping.layerOf(p));
        }
        for (var e : post.entrySet()) pre.putIfAbsent(e.getKey(), e.getValue());
        long layers = layerOf.values().stream().distinct().count();
        if (pre.size() > MAX_PARAMS || layers > MAX_LAYERS) {
            throw new IllegalArgumentException("run '" + run.name + "' logs gradient histograms of " + pre.size() + " parameters in " + layers
                    + " layers; GradLab reads at most " + MAX_PARAMS + " parameters in " + MAX_LAYERS + " layers (every GradLab step "
                    + "record holds every layer)");
        }
        ParamLayout.Builder lb = new ParamLayout.Builder();
        params = new ArrayList<>(pre.keySet());
        for (String p : params) {
            TbEvent.Histogram first = pre.get(p).firstEntry().getValue();
            lb.add(p, layerOf.get(p), InitRule.constant(0), (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(first.total()))));
        }
        if (params.isEmpty()) lb.add("(no histograms)", "model", InitRule.constant(0), 1);
        layout = lb.build();
        nanT = new float[layout.tensors().size()];
        nanG = new float[layout.groups().size()];
        Arrays.fill(nanT, Float.NaN);
        Arrays.fill(nanG, Float.NaN);
    }

    public ParamLayout layout() { return layout; }
    /** The layer groups of the mapped layout, in order. */
    public java.util.List<String> groups() { return layout.groups(); }

    /** Tags that did not map onto a GradLab series (shown under their own names). */
    public List<String> otherTags() {
        List<String> out = new ArrayList<>();
        for (String t : run.scalars.keySet()) {
            if (!t.equals(lossTag) && !t.equals(normTag) && !t.equals(lrTag) && !t.startsWith("grad_norm") && !t.startsWith("clip/")
                    && !t.startsWith("nonfinite/")) out.add(t);
        }
        for (String t : run.histograms.keySet()) if (!TbMapping.isGradient(t)) out.add(t + " (histogram)");
        return out;
    }

    /** Every logged step of the mapped series, ascending. */
    public TreeSet<Long> steps() {
        TreeSet<Long> steps = new TreeSet<>();
        for (String t : new String[] {lossTag, normTag, lrTag}) if (t != null) steps.addAll(run.scalars.get(t).keySet());
        for (var h : pre.values()) steps.addAll(h.keySet());
        return steps;
    }

    /** Step k as a GradLab record (what the logs do not say is NaN or absent). */
    public StepStats at(long k) {
        int groups = layout.groups().size();
        float loss = value(run, lossTag, k), lr = value(run, lrTag, k), norm = value(run, normTag, k);
        // GradLab's own exports also carry what clipping did; other writers' logs do not
        float postNorm = value(run, exact(run, "grad_norm/post_clip"), k), coef = value(run, exact(run, "clip/coefficient"), k);
        float thr = value(run, exact(run, "clip/threshold"), k);
        float[] lPre = layerNormsFromHistograms(pre, k), lPost = post.isEmpty() ? nanG : layerNormsFromHistograms(post, k);
        if (exact(run, "grad_norm_layer/" + layout.groups().get(0) + "/pre_clip") != null) {
            lPre = new float[groups];
            lPost = new float[groups];
            for (int g = 0; g < groups; g++) {
                lPre[g] = value(run, exact(run, "grad_norm_layer/" + layout.groups().get(g) + "/pre_clip"), k);
                lPost[g] = value(run, exact(run, "grad_norm_layer/" + layout.groups().get(g) + "/post_clip"), k);
            }
        }
        // the probe and GradLab's exports log whether a step clipped (value clipping has no single coefficient)
        float judged = value(run, exact(run, "clip/judged_norm"), k);
        boolean clipped = Boolean.TRUE.equals(TbMapping.loggedClipped(run, k));
        ClipAction action = !clipped ? ClipAction.NONE : Float.isNaN(coef) ? ClipAction.CLAMPED : ClipAction.SCALED;
        ClipReport c = normTag == null ? null : new ClipReport(norm, Float.isNaN(judged) ? norm : judged, postNorm, coef, clipped, thr,
                nonFinite(k, norm), action, clipped ? 1 : 0, nanT, nanT, lPre, lPost);
        // no post-clip histograms in the log: none shown, never the pre-clip ones in their place
        int[] histPre = rows(pre, params, layout, k), histPost = post.isEmpty() ? null : rows(post, params, layout, k);
        return new StepStats(k, 0, 0, loss, lr, c, false, nanG, nanG, histPre, histPost);
    }

    /**
     * NaN/inf gradient values at step k: the sum of the logged nonfinite/&lt;layer&gt; counts where the log has them
     * (the probe logs every layer; GradLab's exports only the layers that had any), else 1 for a logged norm that
     * is NaN/inf (a divergence) and 0 otherwise (a norm the log does not hold is not a divergence).
     */
    private long nonFinite(long k, float norm) {
        long n = TbMapping.loggedNonFinite(run, nonFiniteTags, k);
        return n == 0 && normLogged(k) && !Float.isFinite(norm) ? 1 : n;
    }

    /** Whether the log holds a loss at step k (a step may carry only some of its tags). */
    public boolean lossLogged(long k) {
        return lossTag != null && run.scalars.get(lossTag).containsKey(k);
    }

    /** Whether the log holds the global gradient norm at step k. */
    public boolean normLogged(long k) {
        return normTag != null && run.scalars.get(normTag).containsKey(k);
    }

    /**
     * Per-layer L2 norms from the logged sums of squares (exact, where the writer logged them: PyTorch's and
     * TensorFlow's legacy histograms do); NaN for a layer with any parameter missing them.
     */
    private float[] layerNormsFromHistograms(Map<String, TreeMap<Long, TbEvent.Histogram>> series, long k) {
        double[] sq = new double[layout.groups().size()];
        boolean[] seen = new boolean[sq.length], missing = new boolean[sq.length];
        for (int i = 0; i < params.size(); i++) {
            int g = layout.groupIndex(layout.tensors().get(i).group());
            TreeMap<Long, TbEvent.Histogram> s = series.get(params.get(i));
            TbEvent.Histogram h = s == null ? null : s.get(k);
            if (h == null || Double.isNaN(h.sumSquares())) {
                missing[g] = true;
                continue;
            }
            sq[g] += h.sumSquares();
            seen[g] = true;
        }
        float[] out = new float[sq.length];
        for (int g = 0; g < out.length; g++) out[g] = seen[g] && !missing[g] ? (float) Math.sqrt(sq[g]) : Float.NaN;
        return out;
    }

    /** Per-layer rows of re-binned counts at step k (null when no parameter logged a histogram then). */
    private static int[] rows(Map<String, TreeMap<Long, TbEvent.Histogram>> series, List<String> params, ParamLayout layout, long k) {
        int[] hist = null;
        for (int i = 0; i < params.size(); i++) {
            TreeMap<Long, TbEvent.Histogram> s = series.get(params.get(i));
            TbEvent.Histogram h = s == null ? null : s.get(k);
            if (h == null) continue;
            if (hist == null) hist = new int[layout.groups().size() * HistogramBins.WIDTH];
            int g = layout.groupIndex(layout.tensors().get(i).group());
            long[] b = rebin(h);
            for (int j = 0; j < b.length; j++) {
                int at = g * HistogramBins.WIDTH + j;
                hist[at] = (int) saturated((long) hist[at] + b[j]);
            }
        }
        return hist;
    }

    private static String exact(TbLogDir.Run run, String tag) {
        return run.scalars.containsKey(tag) ? tag : null;
    }

    private static float value(TbLogDir.Run run, String tag, long step) {
        if (tag == null) return Float.NaN;
        Double v = run.scalars.get(tag).get(step);
        return v == null ? Float.NaN : v.floatValue();
    }
}
