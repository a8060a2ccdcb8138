package org.gradlab.diagnose;

import org.gradlab.clip.ClipReport;
import org.gradlab.record.RunFileException;
import org.gradlab.record.RunReader;
import org.gradlab.record.Series;
import org.gradlab.record.StepIndex;
import org.gradlab.record.tb.TbImport;
import org.gradlab.record.tb.TbLogDir;
import org.gradlab.run.RunEvent;
import org.gradlab.run.SessionConfig;
import org.gradlab.telemetry.StepStats;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A run's per-step readings in one shape for the analysis, whatever recorded them: a GradLab run (every step,
 * with its config and events) or a TensorBoard run (the steps its writer logged, often sparse). A reading the
 * source did not record is NaN and its {@code has…} flag says so — the analysis says what it could not
 * assess rather than reading NaN as zero.
 */
public final class RunData {
    public final String name, source;
    public final long[] steps;
    public final float[] loss, lr, pre, post, coefficient, threshold, nonFiniteValues;
    public final boolean[] clipped;
    /** Per step, the pre-clip norm of each layer (a row may be null where the step's record has none). */
    public final float[][] layerPre;
    /**
     * A recurrent run's records: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of its first recurrent layer per step (NaN where not
     * recorded), and the spectral radii of `radiusNames` on the steps that measured them (null elsewhere).
     */
    public final float[] reachBack;
    public final float[][] radii;
    public List<String> radiusNames = List.of();
    public final List<String> layers;
    public final List<RunEvent> events;
    /** The training config (GradLab runs), null for logs. */
    public final SessionConfig config;
    /** Whether the source records what clipping did (post-clip norm, threshold), and pre-clip norms at all. */
    public final boolean hasClip, hasPre;
    /** A threshold the user says the job clipped at, for logs that do not say (NaN: none given). */
    public final double assumedThreshold;
    /** Notes on what is missing or damaged. */
    public final List<String> notes = new ArrayList<>();

    private RunData(String name, String source, int n, List<String> layers, List<RunEvent> events, SessionConfig config,
                    boolean hasClip, boolean hasPre, double assumedThreshold) {
        this.assumedThreshold = assumedThreshold;
        this.name = name;
        this.source = source;
        this.steps = new long[n];
        this.loss = nan(n);
        this.lr = nan(n);
        this.pre = nan(n);
        this.post = nan(n);
        this.coefficient = nan(n);
        this.threshold = nan(n);
        this.nonFiniteValues = new float[n];
        this.clipped = new boolean[n];
        this.layerPre = new float[n][];
        this.reachBack = nan(n);
        this.radii = new float[n][];
        this.layers = List.copyOf(layers);
        this.events = List.copyOf(events);
        this.config = config;
        this.hasClip = hasClip;
        this.hasPre = hasPre;
    }

    private static float[] nan(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    public int size() {
        return steps.length;
    }

    /**
     * Whether step i says if it was clipped: every step of a GradLab run does (a NaN step was not clipped);
     * a log's step does where it logged the norm.
     */
    public boolean clipKnown(int i) {
        return config != null ? true : !Float.isNaN(pre[i]);
    }

    /** Step by one definition: a NaN/inf loss or gradient value, or an overflowed pre-clip norm. */
    public boolean nonFinite(int i) {
        return StepStats.isNonFinite(loss[i], pre[i], nonFiniteValues[i]);
    }

    /** A recorded GradLab run: the index for the scalars, every step's record for the per-layer norms. */
    public static RunData of(RunReader r) throws RunFileException {
        StepIndex ix = r.index();
        int n = ix.count();
        SessionConfig sc = r.manifest().session();
        boolean imported = sc == null;
        RunData d = new RunData(r.dir().toString(), imported ? "imported" : "gradlab", n, r.manifest().groups(), r.events(), sc,
                !imported || anyFinite(ix, Series.POST_NORM), normsMeasured(ix), Double.NaN);
        org.gradlab.record.RunManifest.Recurrent rec = r.manifest().recurrent();
        if (rec != null) d.radiusNames = rec.matrices();
        // one sequential pass in large blocks (not a seek per step)
        r.forEachStep(0, n, (i, s) -> {
            d.steps[i] = ix.stepAt(i);
            d.loss[i] = ix.valueAt(i, Series.LOSS);
            d.lr[i] = ix.valueAt(i, Series.LR);
            d.pre[i] = ix.valueAt(i, Series.PRE_NORM);
            d.post[i] = ix.valueAt(i, Series.POST_NORM);
            d.coefficient[i] = ix.valueAt(i, Series.COEFFICIENT);
            d.threshold[i] = ix.valueAt(i, Series.THRESHOLD);
            d.clipped[i] = ix.valueAt(i, Series.CLIPPED) > 0;
            d.nonFiniteValues[i] = ix.valueAt(i, Series.NON_FINITE);
            if (s.clip() != null) d.layerPre[i] = s.clip().layerPre();
            if (s.timeGrads() != null && rec != null) d.reachBack[i] = s.timeGrads()[0] / s.timeGrads()[rec.steps() - 1];
            d.radii[i] = s.radii();
        });
        if (r.damage() != null) {
            d.notes.add("steps.bin is damaged after byte " + r.damage().offset() + " (" + r.damage().reason() + "): the intact "
                    + n + " steps are diagnosed");
        }
        return d;
    }

    /**
     * Whether any step measured its gradient: a run without telemetry or clipping records only the loss (every
     * pre-clip norm NaN and no NaN/inf count), and must not read as "no spikes".
     */
    private static boolean normsMeasured(StepIndex ix) {
        for (int i = 0; i < ix.count(); i++) if (ix.valueAt(i, Series.NON_FINITE) > 0) return true;
        return anyFinite(ix, Series.PRE_NORM);
    }

    private static boolean anyFinite(StepIndex ix, Series s) {
        for (int i = 0; i < ix.count(); i++) if (!Float.isNaN(ix.valueAt(i, s))) return true;
        return false;
    }

    /**
     * A TensorBoard run, as GradLab maps its tags (loss, grad_norm, lr, clip tags of GradLab's own exports).
     * A job that clipped without logging it (Hugging Face's Trainer clips at max_grad_norm 1.0 by default) can be
     * read with the threshold it used: a step counts as clipped when its logged pre-clip norm is above it.
     */
    public static RunData of(TbLogDir dir, TbLogDir.Run run, double assumedThreshold) {
        TbImport plan = new TbImport(run);
        List<Long> steps = new ArrayList<>(plan.steps());
        List<StepStats> rows = new ArrayList<>();
        for (long k : steps) rows.add(plan.at(k));
        boolean hasClip = false, hasPre = false;
        for (StepStats s : rows) {
            ClipReport c = s.clip();
            if (c == null) continue;
            hasPre |= !Double.isNaN(c.preNorm());
            hasClip |= !Double.isNaN(c.postNorm()) || !Double.isNaN(c.threshold());
        }
        String name = dir.dir().getFileName() + (run.name.equals(".") ? "" : "/" + run.name);
        boolean assume = !hasClip && hasPre && Double.isFinite(assumedThreshold);
        RunData d = new RunData(name, "tensorboard", rows.size(), plan.groups(), List.of(), null, hasClip || assume, hasPre,
                assume ? assumedThreshold : Double.NaN);
        for (int i = 0; i < rows.size(); i++) {
            StepStats s = rows.get(i);
            d.steps[i] = s.step();
            d.loss[i] = s.loss();
            d.lr[i] = (float) s.lr();
            ClipReport c = s.clip();
            if (c != null) {
                d.pre[i] = (float) c.preNorm();
                d.post[i] = (float) c.postNorm();
                d.coefficient[i] = (float) c.coefficient();
                d.threshold[i] = (float) c.threshold();
                d.clipped[i] = hasClip ? c.clipped() : assume && d.pre[i] > assumedThreshold;
                if (assume) d.threshold[i] = (float) assumedThreshold;
                d.layerPre[i] = c.layerPre();
                d.nonFiniteValues[i] = c.nonFinite(); // logged counts (the probe's nonfinite/<layer>), or 1 for a NaN/inf logged norm
            }
        }
        d.notes.addAll(run.warnings);
        if (assume) d.notes.add("the log does not say what clipping did: a step counts as clipped when its pre-clip norm is above " + assumedThreshold
                + " (--threshold)");
        return d;
    }
}
