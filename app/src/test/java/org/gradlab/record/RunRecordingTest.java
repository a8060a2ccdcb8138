package org.gradlab.record;

import org.gradlab.clip.ClipReport;
import org.gradlab.clip.ClipSpec;
import org.gradlab.engine.CpuBackend;
import org.gradlab.run.Command;
import org.gradlab.run.RunEvent;
import org.gradlab.run.SessionListener;
import org.gradlab.run.Spike;
import org.gradlab.run.TrainingSession;
import org.gradlab.telemetry.StepStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A recorded session reads back exactly: every step's full record, events, checkpoints, index, overview. */
class RunRecordingTest {
    @TempDir
    Path tmp;

    static List<StepStats> record(Path dir, String model, String task, long steps, int ckpt, List<Spike> spikes,
                                  List<Command<Long>> atStep10) throws Exception {
        List<StepStats> seen = new ArrayList<>();
        try (CpuBackend be = new CpuBackend(1)) {
            TrainingSession s = new TrainingSession(be, RecordFixtures.small(model, task, steps, ckpt, spikes));
            RunWriter w = RunWriter.create(dir, RunManifest.create(s.config(), s.layout(), null,
                    s.deviceName()));
            s.addListener(w);
            s.addListener(new SessionListener() {
                @Override public void onStep(StepStats st) { seen.add(st); }
                @Override public void onEvent(RunEvent e) { }
            });
            s.start(true);
            s.submit(new Command.Step(10)).get(30, TimeUnit.SECONDS);
            atStep10.forEach(s::submit);
            s.submit(new Command.Resume());
            assertTrue(s.await(60, TimeUnit.SECONDS));
            w.close();
        }
        return seen;
    }

    @Test
    void everyFieldOfEveryStepReadsBack() throws Exception {
        Path dir = tmp.resolve("run");
        List<StepStats> seen = record(dir, "lstm", "charlm", 40, 16, List.of(new Spike(25, Spike.Kind.GRAD, 50)),
                List.of(new Command.SetClip(ClipSpec.parse("zclip")), new Command.SetLr(1e-3)));
        try (RunReader r = RunReader.open(dir)) {
            assertNull(r.damage());
            assertEquals(40, r.stepCount());
            for (StepStats want : seen) assertSameStep(want, r.step(want.step()));
            List<RunEvent> ev = r.events();
            assertTrue(ev.stream().anyMatch(e -> e.type() == RunEvent.Type.CLIP && e.step() == 10 && e.value().equals("zclip:2.5")), ev.toString());
            assertTrue(ev.stream().anyMatch(e -> e.type() == RunEvent.Type.LR && e.step() == 10), ev.toString());
            assertTrue(ev.stream().anyMatch(e -> e.type() == RunEvent.Type.SPIKE && e.step() == 25), ev.toString());
            assertEquals(List.of(10L, 16L, 32L), r.checkpoints(), "every 16 steps, and where the run paused (step 10)");
            assertEquals(32, r.checkpoint(32).step());
            assertTrue(r.manifest().device().startsWith("cpu (1 thread,"), r.manifest().device());
            assertEquals("cpu", r.manifest().deviceKind(), "the device that trained it is kept for replays");
        }
    }

    @Test
    void aRecurrentRunRecordsTheGradientThroughTimeEveryStepAndTheSpectralRadiusEveryNSteps() throws Exception {
        Path dir = tmp.resolve("rnn");
        List<StepStats> seen = record(dir, "rnn", "adding", 120, 0, List.of(), List.of());
        try (RunReader r = RunReader.open(dir)) {
            RunManifest.Recurrent rec = r.manifest().recurrent();
            assertEquals(List.of("rnn.l0", "rnn.l1"), rec.layers());
            assertEquals(16, rec.steps());
            // the names the manifest writes are the matrices the tracker measures
            try (CpuBackend be = new CpuBackend(1)) {
                TrainingSession s = new TrainingSession(be, RecordFixtures.small("rnn", "adding", 1, 0, List.of()));
                assertEquals(org.gradlab.run.RadiusTracker.names(s.layout()), rec.matrices());
                assertEquals(List.of("rnn.weight_hh_l0", "rnn.weight_hh_l1"), rec.matrices());
            }
            assertEquals(120, seen.size());
            for (StepStats want : seen) {
                StepStats got = r.step(want.step());
                assertSameStep(want, got);
                assertEquals(2 * 16, got.timeGrads().length);
                for (float v : got.timeGrads()) assertTrue(v > 0 && Float.isFinite(v), "step " + want.step());
                assertEquals(want.step() % org.gradlab.run.StepRunner.DEFAULT_RADIUS_EVERY == 0, got.radii() != null, "step " + want.step());
                if (got.radii() != null) for (float v : got.radii()) assertTrue(v > 0.1 && v < 10, "ρ " + v);
            }
        }
    }

    @Test
    void gatedCellsRecordTheGradientThroughTimeAndNoRadius() throws Exception {
        Path dir = tmp.resolve("gru");
        List<StepStats> seen = record(dir, "gru", "adding", 60, 0, List.of(), List.of());
        try (RunReader r = RunReader.open(dir)) {
            assertEquals(List.of(), r.manifest().recurrent().matrices());
            for (StepStats want : seen) {
                assertEquals(2 * 16, r.step(want.step()).timeGrads().length);
                assertNull(r.step(want.step()).radii());
            }
        }
    }

    static void assertSameStep(StepStats a, StepStats b) {
        assertEquals(a.step(), b.step());
        assertEquals(a.wallMillis(), b.wallMillis());
        assertEquals(Float.floatToIntBits(a.loss()), Float.floatToIntBits(b.loss()));
        assertEquals(a.lr(), b.lr());
        assertEquals(a.skipped(), b.skipped());
        assertArrayEquals(a.weightNorms(), b.weightNorms());
        assertArrayEquals(a.updateRatios(), b.updateRatios());
        assertArrayEquals(a.histPre(), b.histPre());
        assertArrayEquals(a.histPost(), b.histPost());
        assertArrayEquals(a.timeGrads(), b.timeGrads());
        assertArrayEquals(a.radii(), b.radii());
        ClipReport x = a.clip(), y = b.clip();
        assertEquals((float) x.preNorm(), (float) y.preNorm());
        assertEquals((float) x.postNorm(), (float) y.postNorm());
        assertEquals((float) x.strategyNorm(), (float) y.strategyNorm());
        assertEquals((float) x.coefficient(), (float) y.coefficient());
        assertEquals((float) x.threshold(), (float) y.threshold());
        assertEquals(x.clipped(), y.clipped());
        assertEquals(x.nonFinite(), y.nonFinite());
        assertEquals(x.action(), y.action());
        assertEquals(x.clippedParts(), y.clippedParts());
        assertArrayEquals(x.tensorPre(), y.tensorPre());
        assertArrayEquals(x.tensorPost(), y.tensorPost());
        assertArrayEquals(x.layerPre(), y.layerPre());
        assertArrayEquals(x.layerPost(), y.layerPost());
    }

    @Test
    void indexIsRebuiltWhenMissingAndOverviewSummariesAreExact() throws Exception {
        Path dir = tmp.resolve("run2");
        List<StepStats> seen = record(dir, "rnn", "adding", 100, 0, List.of(), List.of());
        long[] offsets;
        try (RunReader r = RunReader.open(dir)) {
            offsets = new long[r.stepCount()];
            for (int i = 0; i < offsets.length; i++) offsets[i] = r.index().offsetAt(i);
        }
        Files.delete(dir.resolve(RunFiles.INDEX));
        try (RunReader r = RunReader.open(dir)) {
            for (int i = 0; i < offsets.length; i++) assertEquals(offsets[i], r.index().offsetAt(i));
            Overview o = r.overview(7);
            assertTrue(o.buckets() <= 7 && o.shift() >= 4, "shift " + o.shift() + " buckets " + o.buckets());
            for (int b = 0; b < o.buckets(); b++) {
                float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY, last = 0, sum = 0;
                for (long k = o.bucketStart(b); k < o.bucketStart(b) + o.stepsIn(b); k++) {
                    float v = seen.get((int) k).loss();
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    last = v;
                    sum += seen.get((int) k).clip().clipped() ? 1 : 0;
                }
                assertEquals(min, o.min(b, Series.LOSS));
                assertEquals(max, o.max(b, Series.LOSS));
                assertEquals(last, o.last(b, Series.LOSS));
                assertEquals(sum, o.sum(b, Series.CLIPPED));
            }
            Overview all = r.overview(1000);
            assertEquals(0, all.shift());
            assertEquals(seen.get(99).loss(), all.last(99, Series.LOSS));
        }
        assertTrue(Files.exists(dir.resolve(RunFiles.STEPS)));
    }
}
