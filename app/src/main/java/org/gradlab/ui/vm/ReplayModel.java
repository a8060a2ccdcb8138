package org.gradlab.ui.vm;

import org.gradlab.clip.ClipSpec;
import org.gradlab.record.Replay;
import org.gradlab.record.RunFileException;
import org.gradlab.record.RunReader;
import org.gradlab.record.Series;
import org.gradlab.record.StepIndex;
import org.gradlab.record.SummaryFile;
import org.gradlab.overview.LayerOverview;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Snapshot;
import org.gradlab.telemetry.StepStats;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.DoubleConsumer;

/**
 * A recorded run opened for replay: the scalar series come from the index; per-layer norms, histograms, the
 * gradient through time and spectral radii from the recorder's summary.bin when it covers exactly the indexed
 * steps, else from one sequential pass over every record; the record at the cursor
 * is read on demand. Loading runs off the FX thread ({@link #load}); the result is handed to the view.
 */
public final class ReplayModel implements AutoCloseable {
    private final RunReader reader;
    private final RunViewModel data;
    private boolean summarised;

    private ReplayModel(RunReader reader, RunViewModel data) {
        this.reader = reader;
        this.data = data;
    }

    /** Opens and indexes a run; call from a background thread. */
    public static ReplayModel load(Path dir) throws RunFileException {
        RunReader r = RunReader.open(dir);
        try {
            String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
            // no recent-steps stores: a zoom past the buckets reads that window's records (detail)
            RunViewModel d = new RunViewModel(name, r.manifest().groups(), 0);
            StepIndex ix = r.index();
            int n = ix.count();
            boolean imported = r.manifest().imported() != null; // NaN there means "not in the logs", not a NaN gradient
            if (imported) d.markLogged();
            d.enableThroughTime(r.manifest().recurrent());
            LayerOverview saved = imported ? null : SummaryFile.load(dir, r.manifest(), ix);
            if (saved != null) {
                // the recorder's own overview of every step (summary.bin): the scalars come from the index alone
                d.adoptPerLayer(saved);
                fillScalars(r, d, imported);
            } else {
                // every record, read in order in large blocks: the per-layer stores keep each bucket's true min and
                // max and the histogram columns every step's counts, so the replay is exact at any zoom, as live is
                fill(r, d, 0, n, imported);
            }
            r.events().forEach(d::addEvent);
            if (n > 0) d.cursorProperty().set(ix.firstStep());
            ReplayModel m = new ReplayModel(r, d);
            m.summarised = saved != null;
            return m;
        } catch (RunFileException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** Appends the steps at index positions [from, to) to d: scalars from the index, the rest from their records. */
    private static void fill(RunReader r, RunViewModel d, int from, int to, boolean imported) throws RunFileException {
        StepIndex ix = r.index();
        r.forEachStep(from, to, (i, s) -> {
            long k = ix.stepAt(i);
            d.appendRow(k, ix.valueAt(i, Series.LOSS), ix.valueAt(i, Series.LR), clipRow(ix, i, imported),
                    known(s.clip() == null ? null : s.clip().layerPre(), imported), known(s.clip() == null ? null : s.clip().layerPost(), imported),
                    known(s.weightNorms(), imported), known(s.updateRatios(), imported), s.histPre(), s.histPost());
            d.appendThroughTime(k, s.timeGrads(), s.radii());
        });
    }

    /** Appends every step's scalars from the index alone (the per-layer overview came from summary.bin). */
    private static void fillScalars(RunReader r, RunViewModel d, boolean imported) {
        StepIndex ix = r.index();
        for (int i = 0, n = ix.count(); i < n; i++) {
            d.appendRow(ix.stepAt(i), ix.valueAt(i, Series.LOSS), ix.valueAt(i, Series.LR), clipRow(ix, i, imported),
                    null, null, null, null, null, null);
        }
    }

    /** A step's clip scalars as {@link RunViewModel#appendRow} takes them. */
    private static float[] clipRow(StepIndex ix, int i, boolean imported) {
        float post = ix.valueAt(i, Series.POST_NORM), coef = ix.valueAt(i, Series.COEFFICIENT);
        // a log that says nothing of clipping: whether a step clipped is unknown, not "no"
        float clipped = imported && Float.isNaN(post) && Float.isNaN(coef) ? Float.NaN : ix.valueAt(i, Series.CLIPPED);
        return new float[] {ix.valueAt(i, Series.PRE_NORM), post, coef, ix.valueAt(i, Series.THRESHOLD), clipped, ix.valueAt(i, Series.NON_FINITE)};
    }

    /** Whether this replay's per-layer views came from the run's summary.bin rather than a pass over its records. */
    public boolean summarised() { return summarised; }

    /** Widest window (in steps) a detail read covers: at most 4 steps per bucket of its stores. */
    public static final int DETAIL_STEPS = 4 * RunViewModel.CAPACITY;

    /**
     * The steps around [from, to] read from their records into a view-model of their own — one step per bucket
     * for windows up to 4,096 steps — for {@link RunViewModel#attachDetail} when a zoom is narrower than the whole
     * run's buckets can show. Reads files: call off the FX thread. Null when the window is wider than
     * {@link #DETAIL_STEPS} or outside the run.
     */
    public RunViewModel detail(long from, long to) throws RunFileException {
        RunViewModel d = detail(reader, data, from, to);
        if (d != null) {
            // the smoothed loss over the window, from every loss before it with this replay's settings (as resmooth)
            StepIndex ix = reader.index();
            int a = lowerBound(ix, d.series(RunViewModel.Scalar.LOSS).firstStep()), b = lowerBound(ix, d.lastStep() + 1);
            Smoothing sm = data.smoothing();
            d.smoothing().configure(sm.kind(), sm.weight(), sm.window());
            d.resmooth(stepsUpTo(ix, b), lossesUpTo(ix, b), a);
        }
        return d;
    }

    /** As {@link #detail(long, long)} from any reader of the run `like` shows (a live run's recording too). */
    public static RunViewModel detail(RunReader reader, RunViewModel like, long from, long to) throws RunFileException {
        StepIndex ix = reader.index();
        if (ix.count() == 0 || to < from || to - from > DETAIL_STEPS) return null;
        long w = to - from, margin = Math.min(w, (RunViewModel.CAPACITY - w) / 2);
        // 100 steps more before the window, so the rolling clip rate at its first step counts its 100 steps
        int a = lowerBound(ix, from - Math.max(0, margin) - 100), b = lowerBound(ix, to + Math.max(0, margin) + 1);
        if (a >= b) return null;
        RunViewModel d = RunViewModel.window(like.name(), like.layers());
        boolean imported = reader.manifest().imported() != null;
        if (imported) d.markLogged();
        d.enableThroughTime(reader.manifest().recurrent());
        fill(reader, d, a, b, imported);
        return d;
    }

    /** The first index position whose step is at least k. */
    private static int lowerBound(StepIndex ix, long k) {
        int lo = 0, hi = ix.count();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ix.stepAt(mid) < k) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static float[] known(float[] v, boolean imported) {
        if (v == null || !imported) return v;
        for (float x : v) if (!Float.isNaN(x)) return v;
        return null;
    }

    public RunViewModel data() { return data; }

    /** Re-derives the smoothed loss from the index's raw losses with the view-model's current smoothing. */
    public void resmooth() {
        StepIndex ix = reader.index();
        data.resmooth(stepsUpTo(ix, ix.count()), lossesUpTo(ix, ix.count()));
    }

    /** The steps at index positions [0, n). */
    private static long[] stepsUpTo(StepIndex ix, int n) {
        long[] steps = new long[n];
        for (int i = 0; i < n; i++) steps[i] = ix.stepAt(i);
        return steps;
    }

    /** The raw losses at index positions [0, n). */
    private static float[] lossesUpTo(StepIndex ix, int n) {
        float[] loss = new float[n];
        for (int i = 0; i < n; i++) loss[i] = ix.valueAt(i, Series.LOSS);
        return loss;
    }
    public RunReader reader() { return reader; }
    public long firstStep() { return reader.firstStep(); }
    public long lastStep() { return reader.index().lastStep(); }

    /** The full record at a step (checksum verified); for the histogram panel at the cursor. */
    public StepStats record(long step) throws RunFileException {
        long k = Math.max(firstStep(), Math.min(lastStep(), step));
        int at = reader.index().positionOf(k);
        if (at < 0) { // imported logs may skip steps: show the nearest recorded one at or before
            int lo = 0, hi = reader.stepCount() - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (reader.index().stepAt(mid) <= k) lo = mid;
                else hi = mid - 1;
            }
            k = reader.index().stepAt(lo);
        }
        return reader.step(k);
    }

    /**
     * Forks the recorded run at `step` into one paused live session per clip spec: the exact state at that step
     * is rebuilt on `executor` (from the nearest checkpoint, by the session's own command interpreter, on the
     * kind of device the run was recorded on), reporting progress 0…1 to `progress` from that thread; the
     * branches are recorded under recordRoot (when not null) with this run as their parent. Bad specs and a
     * step outside the run are refused before anything runs.
     */
    public CompletableFuture<List<LiveSessionModel>> fork(long step, List<String> specs, Path recordRoot, Executor executor,
                                                          DoubleConsumer progress) {
        List<ClipSpec> clips;
        try {
            clips = Forks.parse(specs);
            String outside = Replay.outside(reader, step);
            if (outside != null) throw new IllegalArgumentException(outside);
            if (reader.manifest().session() == null) {
                throw new IllegalArgumentException("this run was imported from logs: it has no training state to fork");
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        Path dir = reader.dir();
        SessionConfig base = reader.manifest().session();
        String device = reader.manifest().deviceKind() == null ? "cpu" : reader.manifest().deviceKind();
        return CompletableFuture.supplyAsync(() -> {
            try {
                Snapshot snap = Replay.stateAt(dir, step, "recorded", (done, total) -> progress.accept(total == 0 ? 1 : (double) done / total));
                progress.accept(1);
                return Forks.start(data.name(), base, snap, clips, recordRoot, dir, device);
            } catch (RunFileException e) {
                throw new java.util.concurrent.CompletionException(new IllegalArgumentException(e.getMessage()));
            }
        }, executor);
    }

    /** The diagnosis of this run (as ./gradlab diagnose prints it); call on the thread that reads its records. */
    public org.gradlab.diagnose.Diagnosis diagnosis() throws RunFileException {
        java.util.List<String> evals = new java.util.ArrayList<>();
        for (org.gradlab.run.Evaluation e : org.gradlab.record.EvalLog.read(reader.dir())) {
            evals.add(String.format(java.util.Locale.ROOT, "step %d: %.2f%% of %d fresh sequences wrong (%s)", e.step(), 100 * e.errorRate(),
                    e.sequences(), e.criterion()));
        }
        return org.gradlab.diagnose.Diagnose.of(org.gradlab.diagnose.RunData.of(reader), null, evals);
    }

    /**
     * Gradient-norm spikes found the way {@code diagnose} finds them (robust deviations from the recent median),
     * as events for the replay's navigator; a spike the run already records as an event (an injected bad batch)
     * is left out. Reads the run's records: call off the FX thread.
     */
    public java.util.List<org.gradlab.run.RunEvent> detectedSpikes() throws RunFileException {
        java.util.Set<Long> recorded = new java.util.HashSet<>();
        for (org.gradlab.run.RunEvent e : data.events()) if (e.type() == org.gradlab.run.RunEvent.Type.SPIKE) recorded.add(e.step());
        java.util.List<org.gradlab.run.RunEvent> out = new java.util.ArrayList<>();
        for (org.gradlab.diagnose.Spikes.Spike sp : org.gradlab.diagnose.Spikes.find(org.gradlab.diagnose.RunData.of(reader))) {
            if (recorded.contains(sp.step())) continue;
            out.add(new org.gradlab.run.RunEvent(sp.step(), 0, org.gradlab.run.RunEvent.Type.SPIKE, String.format(java.util.Locale.ROOT,
                    "detected: pre-clip %.4g, %.0f× the median%s", sp.preNorm(), sp.ratio(), sp.layer() == null ? "" : ", most in " + sp.layer())));
        }
        return out;
    }

    /** A warning line when the run's tail could not be read, else null. */
    public String damageWarning() {
        return reader.damage() == null ? null : reader.damage().bytes() + " bytes after byte " + reader.damage().offset()
                + " of steps.bin are unreadable (" + reader.damage().reason() + "); showing the intact steps";
    }

    @Override
    public void close() {
        reader.close();
    }
}
