package org.gradlab.ui.vm;

import org.gradlab.engine.CpuBackend;
import org.gradlab.overview.HistogramTimeline;
import org.gradlab.overview.SeriesStore;
import org.gradlab.overview.ThroughTime;
import org.gradlab.record.RunFiles;
import org.gradlab.record.RunManifest;
import org.gradlab.record.RunWriter;
import org.gradlab.run.TrainingSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replay that draws from the recorder's summary.bin shows exactly what one that reads every record shows —
 * every bucket of every per-layer series, every histogram column, the gradient through time and the radii —
 * past the point where the stores merge buckets; and a summary that is missing, damaged, from another run or
 * left behind by a resumed recording is not used.
 */
class ReplaySummaryTest {
    /** More steps than a per-layer store has buckets (4,096), so every store has merged buckets. */
    static final long STEPS = 5000;
    @TempDir
    static Path tmp;
    static Path run;

    @BeforeAll
    static void recordOnce() throws Exception {
        run = tmp.resolve("rnn");
        record(run, STEPS);
    }

    static void record(Path dir, long steps) throws Exception {
        try (CpuBackend be = new CpuBackend(1)) {
            TrainingSession s = new TrainingSession(be, config(steps));
            RunWriter w = RunWriter.create(dir, RunManifest.create(s.config(), s.layout(), null, s.deviceName()));
            s.addListener(w);
            s.start(false);
            assertTrue(s.await(120, TimeUnit.SECONDS));
            w.close();
        }
    }

    /** A 2-layer tanh RNN on the adding task: small enough for thousands of steps in seconds. */
    static org.gradlab.run.SessionConfig config(long steps) {
        org.gradlab.run.RunConfig rc = new org.gradlab.run.RunConfig("rnn", "adding", 12, 2, 8, 16, 2, 4, 16,
                org.gradlab.optim.OptimizerConfig.defaults(org.gradlab.optim.OptimizerConfig.Kind.ADAM, 3e-3), org.gradlab.run.RunConfig.DEFAULT_INIT, 5);
        return new org.gradlab.run.SessionConfig(rc, org.gradlab.clip.ClipSpec.parse("norm:0.5"), org.gradlab.clip.NonFinitePolicy.PROPAGATE,
                steps, List.of(), 0, true);
    }

    /** The same run opened twice: once as it is, once with its summary moved away (every record read). */
    private static void assertSummaryEqualsFullPass(Path dir) throws Exception {
        Path copy = dir.resolveSibling(dir.getFileName() + "-nosummary");
        copyRun(dir, copy);
        Files.delete(copy.resolve(RunFiles.SUMMARY));
        try (ReplayModel a = ReplayModel.load(dir); ReplayModel b = ReplayModel.load(copy)) {
            assertTrue(a.summarised(), "the recorder's summary is used");
            assertFalse(b.summarised());
            assertSameView(a.data(), b.data());
        }
    }

    static void copyRun(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f) && !f.getFileName().toString().equals(RunFiles.LOCK)) {
                    Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Test
    void aSummarisedReplayDrawsExactlyWhatReadingEveryRecordDraws() throws Exception {
        assertTrue(Files.isRegularFile(run.resolve(RunFiles.SUMMARY)), "written at the clean close");
        try (ReplayModel a = ReplayModel.load(run)) {
            RunViewModel d = a.data();
            assertTrue(d.layerPre(0).bucketWidth() > 1, "buckets merged: " + d.layerPre(0).bucketWidth());
            assertTrue(d.histograms().columnWidth() > 1);
            assertNotNull(d.through());
            assertTrue(d.through().norm(0, 0).bucketWidth() > 1);
            assertFalse(d.through().radius(0).isEmpty());
        }
        assertSummaryEqualsFullPass(run);
    }

    @Test
    void aDamagedSummaryIsIgnored() throws Exception {
        Path dir = tmp.resolve("damaged");
        copyRun(run, dir);
        byte[] b = Files.readAllBytes(dir.resolve(RunFiles.SUMMARY));
        b[b.length / 2] ^= 0x10;
        Files.write(dir.resolve(RunFiles.SUMMARY), b);
        try (ReplayModel m = ReplayModel.load(dir); ReplayModel full = ReplayModel.load(run)) {
            assertFalse(m.summarised(), "a checksum that does not match: the records are read instead");
            assertSameView(full.data(), m.data());
        }
        Files.write(dir.resolve(RunFiles.SUMMARY), new byte[] {1, 2, 3});
        try (ReplayModel m = ReplayModel.load(dir)) {
            assertFalse(m.summarised());
        }
    }

    @Test
    void aSummaryOfOtherStepsIsIgnored() throws Exception {
        Path shorter = tmp.resolve("shorter");
        record(shorter, 300); // the same settings and seed: the same first 300 steps
        Path dir = tmp.resolve("foreign");
        copyRun(run, dir);
        Files.copy(shorter.resolve(RunFiles.SUMMARY), dir.resolve(RunFiles.SUMMARY), StandardCopyOption.REPLACE_EXISTING);
        try (ReplayModel m = ReplayModel.load(dir)) {
            assertFalse(m.summarised(), "it covers 300 steps, the index 5,000");
            assertEquals(STEPS - 1, m.data().layerPre(0).lastStep());
        }
    }

    @Test
    void aResumedRecordingRebuildsItsSummaryOrCarriesItOn() throws Exception {
        Path dir = tmp.resolve("resumed");
        record(dir, 1200);
        // without a summary (a recording that was killed): the resumed writer reads the records once
        Files.delete(dir.resolve(RunFiles.SUMMARY));
        RunWriter.resume(dir).close();
        assertTrue(Files.isRegularFile(dir.resolve(RunFiles.SUMMARY)));
        assertSummaryEqualsFullPass(dir);
        // with one: carried on, and saved again at the close
        RunWriter.resume(dir).close();
        assertSummaryEqualsFullPass(dir);
    }

    @Test
    void aZoomedReplayDrawsTheSmoothedLossOfEveryStepFromAllHistoryBeforeIt() throws Exception {
        try (ReplayModel m = ReplayModel.load(run)) {
            SeriesStore whole = m.data().series(RunViewModel.Scalar.LOSS_SMOOTH);
            assertTrue(whole.forWindow(3000, 3020).bucketWidth() > 1, "without a detail read the buckets are wider than a step");
            m.data().attachDetail(m.detail(3000, 3020));
            SeriesStore w = whole.forWindow(3000, 3020);
            assertEquals(1, w.bucketWidth(), "one step per bucket");
            // TensorBoard's debiased EMA (weight 0.9) over every loss from step 0, by hand
            double ema = 0, debias = 0;
            org.gradlab.record.StepIndex ix = m.reader().index();
            for (int i = 0; i < ix.count() && ix.stepAt(i) <= 3020; i++) {
                float loss = ix.valueAt(i, org.gradlab.record.Series.LOSS);
                ema = 0.9 * ema + 0.1 * loss;
                debias = 0.9 * debias + 0.1;
                long k = ix.stepAt(i);
                if (k >= 3000) assertEquals((float) (ema / debias), w.exactlyAt(k), 1e-6f * Math.abs((float) (ema / debias)), "step " + k);
            }
            m.data().attachDetail(null);
            assertTrue(whole.forWindow(3000, 3020).bucketWidth() > 1, "detached");
        }
    }

    static void assertSameView(RunViewModel a, RunViewModel b) {
        for (RunViewModel.Scalar s : RunViewModel.Scalar.values()) assertSameStore(a.series(s), b.series(s), s.toString());
        assertEquals(a.layers(), b.layers());
        for (int l = 0; l < a.layers().size(); l++) {
            assertSameStore(a.layerPre(l), b.layerPre(l), "pre " + l);
            assertSameStore(a.layerPost(l), b.layerPost(l), "post " + l);
            assertSameStore(a.weightNorm(l), b.weightNorm(l), "weight " + l);
            assertSameStore(a.updateRatio(l), b.updateRatio(l), "ratio " + l);
        }
        HistogramTimeline x = a.histograms(), y = b.histograms();
        assertEquals(y.columns(), x.columns());
        assertEquals(y.columnWidth(), x.columnWidth());
        assertEquals(y.firstStep(), x.firstStep());
        assertEquals(y.preOnly(), x.preOnly());
        for (int c = 0; c < x.columns(); c++) {
            for (int l = 0; l < x.layers(); l++) {
                for (int bin = 0; bin < org.gradlab.telemetry.HistogramLayout.WIDTH; bin++) {
                    assertEquals(y.count(c, l, bin), x.count(c, l, bin), "column " + c + " layer " + l + " bin " + bin);
                }
            }
        }
        assertEquals(y.latestStep(), x.latestStep());
        assertEquals(java.util.Arrays.toString(y.latestPost()), java.util.Arrays.toString(x.latestPost()));
        ThroughTime p = a.through(), q = b.through();
        assertEquals(q == null, p == null);
        if (p == null) return;
        for (int l = 0; l < p.layers().size(); l++) for (int t = 0; t < p.steps(); t++) assertSameStore(p.norm(l, t), q.norm(l, t), "‖∂L/∂h‖ " + l + "," + t);
        for (int m = 0; m < p.matrices().size(); m++) assertSameStore(p.radius(m), q.radius(m), "ρ " + m);
        assertSameStore(p.one(), q.one(), "ρ = 1");
        assertEquals(q.latestStep(), p.latestStep());
        assertEquals(java.util.Arrays.toString(q.latest()), java.util.Arrays.toString(p.latest()));
    }

    static void assertSameStore(SeriesStore x, SeriesStore y, String what) {
        assertEquals(y.buckets(), x.buckets(), what);
        assertEquals(y.bucketWidth(), x.bucketWidth(), what);
        assertEquals(y.firstStep(), x.firstStep(), what);
        assertEquals(y.lastStep(), x.lastStep(), what);
        for (int b = 0; b < x.buckets(); b++) {
            // bit for bit: NaN buckets alike, -0 and 0 apart
            assertEquals(Float.floatToRawIntBits(y.min(b)), Float.floatToRawIntBits(x.min(b)), what + " min " + b);
            assertEquals(Float.floatToRawIntBits(y.max(b)), Float.floatToRawIntBits(x.max(b)), what + " max " + b);
            assertEquals(Float.floatToRawIntBits(y.last(b)), Float.floatToRawIntBits(x.last(b)), what + " last " + b);
            assertEquals(y.nonFinite(b), x.nonFinite(b), what + " non-finite " + b);
        }
    }
}
