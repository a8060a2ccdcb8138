package org.gradlab.ui.vm;

import org.gradlab.overview.SeriesStore;
import org.gradlab.run.PauseRules;
import org.gradlab.run.RunEvent;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.SessionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live view-model without a Stage: everything it shows comes from the session's stream. */
class LiveSessionModelTest {
    static SessionConfig config() {
        org.gradlab.run.RunConfig rc = new org.gradlab.run.RunConfig("gru", "adding", 16, 1, 8, 16, 2, 8, 12,
                org.gradlab.optim.OptimizerConfig.defaults(org.gradlab.optim.OptimizerConfig.Kind.ADAM, 1e-2), "default", 11);
        return new SessionConfig(rc, org.gradlab.clip.ClipSpec.parse("norm:1"), org.gradlab.clip.NonFinitePolicy.PROPAGATE, 100_000,
                List.of(), 0, true);
    }

    static <T> T answer(CompletableFuture<T> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS);
    }

    /** Polls the model as the UI's frames would, until `done` holds (a deadline, not a sleep). */
    static void frames(LiveSessionModel m, BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            m.pollFrame();
            if (done.getAsBoolean()) return;
            if (System.nanoTime() > until) throw new AssertionError("timed out; state " + m.state() + " at step " + m.step());
            Thread.sleep(5);
        }
    }

    @Test
    void aZoomOnOldStepsOfALiveRunReadsThemFromItsRecordingOneStepPerBucket(@TempDir Path tmp) throws Exception {
        org.gradlab.run.RunConfig rc = new org.gradlab.run.RunConfig("rnn", "adding", 8, 1, 8, 16, 2, 4, 8,
                org.gradlab.optim.OptimizerConfig.defaults(org.gradlab.optim.OptimizerConfig.Kind.ADAM, 1e-2), "default", 11);
        SessionConfig sc = new SessionConfig(rc, org.gradlab.clip.ClipSpec.parse("norm:1"), org.gradlab.clip.NonFinitePolicy.PROPAGATE,
                100_000, List.of(), 0, true);
        int steps = 3 * RunViewModel.RECENT;
        try (LiveSessionModel m = LiveSessionModel.start("t", sc, null, tmp.resolve("run"), "cpu", 1, true, null, PauseRules.NONE)) {
            answer(m.runTo(Integer.toString(steps)));
            frames(m, () -> m.state() == SessionState.PAUSED && m.step() == steps);
            SeriesStore pre = m.data().series(RunViewModel.Scalar.PRE_NORM);
            assertTrue(pre.bucketWidth() > 1, "a long run: several steps per bucket");
            assertTrue(pre.forWindow(100, 120) == pre, "step 100 is older than the recent steps kept one per bucket");
            assertTrue(pre.forWindow(steps - 100, steps - 80).bucketWidth() == 1, "recent steps are kept one per bucket");
            RunViewModel d = m.detail(100, 120); // what the live view's zoom reads, off the FX thread
            m.data().attachDetail(d);
            SeriesStore fine = pre.forWindow(100, 120);
            assertEquals(1, fine.bucketWidth());
            try (org.gradlab.record.RunReader r = org.gradlab.record.RunReader.open(tmp.resolve("run"))) {
                for (long k = 100; k <= 120; k++) assertEquals((float) r.step(k).clip().preNorm(), fine.exactlyAt(k), "step " + k);
            }
        }
    }

    @Test
    void propertiesFollowTheStreamAndCommandsAnswerWithTheirStep(@TempDir Path tmp) throws Exception {
        try (LiveSessionModel m = LiveSessionModel.start("t", config(), null, tmp.resolve("run"), "cpu", 1, true, null, PauseRules.NONE)) {
            assertEquals(12, answer(m.runTo("12")));
            frames(m, () -> m.state() == SessionState.PAUSED && m.step() == 12);
            assertEquals(12, m.data().steps(), "every step reached the view-model");
            assertEquals(11, m.data().lastStep());
            assertEquals("norm:1", m.clipText());
            assertEquals(12, answer(m.applyClip("value:0.5")));
            assertEquals(12, answer(m.applyLr("0.002")));
            frames(m, () -> m.clipText().equals("value:0.5") && m.lrProperty().get() == 0.002);
            assertTrue(m.data().events().stream().anyMatch(e -> e.type() == RunEvent.Type.CLIP && e.step() == 12));
            // a refusal the model can judge: at once, run unchanged
            m.applyClip("norm:-1");
            assertTrue(m.clipErrorProperty().get().startsWith("invalid clip spec 'norm:-1'"), m.clipErrorProperty().get());
            // a refusal only the session can judge: when the answer arrives
            m.injectSpike("tokens", "0.5");
            frames(m, () -> !m.spikeErrorProperty().get().isEmpty());
            assertTrue(m.spikeErrorProperty().get().contains("does not apply to the adding task"), m.spikeErrorProperty().get());
            m.setSpeed("abc");
            assertTrue(m.timeErrorProperty().get().startsWith("speed: 'abc'"), m.timeErrorProperty().get());
            assertEquals(13, answer(m.stepOnce()));
            frames(m, () -> m.step() == 13 && m.idle());
            assertEquals("value:0.5", m.clipText());
        }
    }

    @Test
    void aForkFromTheReplayEqualsAForkFromTheLiveRunAtTheSameStep(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("parent");
        List<LiveSessionModel> live, replayed;
        long at = 17;
        ExecutorService exec = Executors.newSingleThreadExecutor();
        try (LiveSessionModel m = LiveSessionModel.start("p", config(), null, dir, "cpu", 1, true, null, PauseRules.NONE)) {
            answer(m.runTo("9"));
            answer(m.applyClip("zclip:2")); // the rebuild has to apply it, and restore zclip's running statistics
            answer(m.runTo(Long.toString(at)));
            live = answer(m.fork(List.of("norm:0.5", "value:0.01"), tmp.resolve("live-forks")));
        }
        try (ReplayModel r = ReplayModel.load(dir)) {
            double[] progress = {0};
            replayed = answer(r.fork(at, List.of("norm:0.5", "value:0.01"), tmp.resolve("replay-forks"), exec, p -> progress[0] = p));
            assertEquals(1.0, progress[0], "progress reaches the end");
        } finally {
            exec.shutdown();
        }
        try {
            for (int b = 0; b < 2; b++) {
                LiveSessionModel x = live.get(b), y = replayed.get(b);
                assertEquals(at, x.step());
                assertEquals(at, y.step());
                answer(x.runTo(Long.toString(at + 6)));
                answer(y.runTo(Long.toString(at + 6)));
                frames(x, () -> x.data().steps() == 6);
                frames(y, () -> y.data().steps() == 6);
                for (long k = at; k < at + 6; k++) {
                    float a = x.data().series(RunViewModel.Scalar.LOSS).valueAt(k), c = y.data().series(RunViewModel.Scalar.LOSS).valueAt(k);
                    assertEquals(Float.floatToIntBits(a), Float.floatToIntBits(c), "branch " + b + " step " + k + ": " + a + " vs " + c);
                    float pa = x.data().series(RunViewModel.Scalar.PRE_NORM).valueAt(k), pc = y.data().series(RunViewModel.Scalar.PRE_NORM).valueAt(k);
                    assertEquals(Float.floatToIntBits(pa), Float.floatToIntBits(pc), "pre-clip norm, branch " + b + " step " + k);
                }
            }
        } finally {
            live.forEach(LiveSessionModel::close);
            replayed.forEach(LiveSessionModel::close);
        }
    }

    @Test
    void aForkOfTheWrongSizeOrASpecThatIsNotOneIsRefusedBeforeAnythingRuns(@TempDir Path tmp) throws Exception {
        try (LiveSessionModel m = LiveSessionModel.start("t", config(), null, null, "cpu", 1, true, null, PauseRules.NONE)) {
            CompletableFuture<List<LiveSessionModel>> f = m.fork(List.of("norm:1"), null);
            assertTrue(f.isCompletedExceptionally());
            assertEquals("a fork needs 2–4 clip specs, comma-separated", m.timeErrorProperty().get());
            m.fork(List.of("norm:1", "bogus"), null);
            assertTrue(m.timeErrorProperty().get().contains("bogus"), m.timeErrorProperty().get());
            assertEquals(0, m.step());
        }
    }
}
