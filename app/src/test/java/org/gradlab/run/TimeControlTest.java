package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.CpuBackend;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.telemetry.StepStats;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.gradlab.run.TrainingSessionTest.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A teacher's control of time: run-to, pause-at, pause rules, a speed limit, and a paused run that costs nothing. */
class TimeControlTest {
    /** The exploding-RNN scenario's run: a tanh RNN with N(0, 0.1²) weights, SGD at 0.5, no clipping. */
    static SessionConfig exploding() {
        RunConfig rc = new RunConfig("rnn", "adding", 64, 1, 32, 64, 4, 32, 50,
                OptimizerConfig.defaults(OptimizerConfig.Kind.SGD, 0.5), "basic-tanh", 3);
        return new SessionConfig(rc, ClipSpec.parse("none"), NonFinitePolicy.PROPAGATE, 1000, List.of(), 0, true);
    }

    static boolean nonFinite(StepStats s) {
        return !Float.isFinite(s.loss()) || s.clip().nonFinite() > 0 || !Double.isFinite(s.clip().preNorm());
    }

    /** Waits for a session's status to become PAUSED (the stream's own answer to "where are we"). */
    static SessionItem.Status awaitPaused(TrainingSession s) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (s.status().state() != SessionState.PAUSED) {
            if (System.nanoTime() > until || s.ended()) throw new AssertionError("not paused: " + s.status());
            Thread.sleep(2);
        }
        return s.status();
    }

    @Test
    void theExplodingRnnPausesOnItsFirstNonFiniteStep() throws Exception {
        try (CpuBackend be = new CpuBackend(1); TrainingSession s = new TrainingSession(be, exploding())) {
            TrainingSessionTest.Log log = new TrainingSessionTest.Log();
            s.addListener(log);
            s.submit(new Command.SetPauseRules(PauseRules.parse("nonfinite")));
            s.start(false);
            SessionItem.Status st = awaitPaused(s);
            int first = -1;
            for (StepStats x : log.steps) if (first < 0 && nonFinite(x)) first = (int) x.step();
            assertTrue(first > 0, "the run does blow up");
            assertEquals(first + 1, s.step(), "paused right after the first non-finite step, not later");
            assertEquals(first + 1, log.steps.size());
            assertEquals("first non-finite step: " + first, st.detail());
            assertTrue(log.events.stream().anyMatch(e -> e.type() == RunEvent.Type.PAUSE && e.value().equals(st.detail())),
                    "the pause and its reason are recorded");
        }
    }

    @Test
    void aSpikeRulePausesAfterTheSpikeAndAClipRateRuleAfterSustainedClipping() throws Exception {
        SessionConfig sc = TrainingSessionTest.config(500);
        SessionConfig spiky = new SessionConfig(sc.run(), ClipSpec.parse("none"), sc.nonFinite(), 500,
                List.of(new Spike(40, Spike.Kind.GRAD, 1000)), 0, true);
        try (CpuBackend be = new CpuBackend(1); TrainingSession s = new TrainingSession(be, spiky)) {
            s.submit(new Command.SetPauseRules(PauseRules.parse("spike:20")));
            s.start(false);
            SessionItem.Status st = awaitPaused(s);
            assertEquals(41, st.step(), st.detail());
            assertTrue(st.detail().startsWith("spike at step 40: pre-clip norm"), st.detail());
        }
        SessionConfig tight = sc.withClip(ClipSpec.parse("norm:0.01"));
        try (CpuBackend be = new CpuBackend(1); TrainingSession s = new TrainingSession(be, tight)) {
            s.submit(new Command.SetPauseRules(PauseRules.parse("clip-rate:0.9:20")));
            s.start(false);
            SessionItem.Status st = awaitPaused(s);
            assertEquals(20, st.step(), "a full window of 20 clipped steps, then the pause");
            assertTrue(st.detail().matches("clip rate (95|100)% over the last 20 steps at step 19 \\(rule: above 90%\\)"), st.detail());
        }
    }

    @Test
    void theEventRulePausesJustBeforeAScheduledBadBatchOnce() throws Exception {
        SessionConfig sc = TrainingSessionTest.config(60);
        SessionConfig spiky = new SessionConfig(sc.run(), sc.clip(), sc.nonFinite(), 60,
                List.of(new Spike(30, Spike.Kind.GRAD, 1000)), 0, true);
        try (CpuBackend be = new CpuBackend(1); TrainingSession s = new TrainingSession(be, spiky)) {
            TrainingSessionTest.Log log = new TrainingSessionTest.Log();
            s.addListener(log);
            s.submit(new Command.SetPauseRules(PauseRules.parse("event")));
            s.start(false);
            assertEquals(30, awaitPaused(s).step(), "paused before the bad batch: a fork here sees it");
            assertTrue(log.events.stream().noneMatch(e -> e.type() == RunEvent.Type.SPIKE), "the spike has not happened yet");
            s.submit(new Command.Resume());
            assertTrue(s.await(30, TimeUnit.SECONDS), "resuming runs the spike's step instead of pausing again");
            assertEquals(60, log.steps.size());
            assertTrue(log.events.stream().anyMatch(e -> e.type() == RunEvent.Type.SPIKE && e.step() == 30));
        }
    }

    @Test
    void pauseAtStopsTheRunThereAndRunToAnswersOnArrival() throws Exception {
        try (CpuBackend be = new CpuBackend(1); TrainingSession s = new TrainingSession(be, TrainingSessionTest.config(500))) {
            CompletableFuture<Long> set = s.submit(new Command.PauseAt(25)); // queued before the start: applied before step 0
            s.start(false);
            assertEquals(0, answer(set));
            SessionItem.Status st = awaitPaused(s);
            assertEquals(25, st.step());
            assertEquals("pause-at 25", st.detail());
            assertEquals(40, answer(s.submit(new Command.RunTo(40))));
            assertEquals(40, s.step());
            assertEquals(41, answer(s.submit(new Command.Step(1))));
            assertThrows(IllegalArgumentException.class, () -> new Command.Step(0));
        }
    }

    @Test
    void aSpeedLimitHoldsTheRunBackAndCanBeLifted() throws Exception {
        try (CpuBackend be = new CpuBackend(1); TrainingSession s = new TrainingSession(be, TrainingSessionTest.config(100_000))) {
            s.submit(new Command.SetSpeed(20));
            s.start(true);
            long t0 = System.nanoTime();
            answer(s.submit(new Command.RunTo(10)));
            double secs = (System.nanoTime() - t0) / 1e9;
            assertTrue(secs >= 0.4, "10 steps at 20 steps/s take at least 0.45 s, took " + secs);
            assertEquals(20.0, s.status().speed());
            s.submit(new Command.SetSpeed(0));
            answer(s.submit(new Command.RunTo(200)));
            assertEquals(Double.POSITIVE_INFINITY, s.status().speed(), "0 lifts the limit");
        }
    }

    @Test
    void aPausedSessionAndItsRecorderUseNoCpu(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (CpuBackend be = new CpuBackend(2); TrainingSession s = new TrainingSession(be, TrainingSessionTest.config(100_000))) {
            org.gradlab.record.RunWriter w = org.gradlab.record.RunWriter.create(tmp.resolve("run"),
                    org.gradlab.record.RunManifest.create(s.config(), s.layout(), null));
            s.addListener(w);
            s.start(false);
            Thread.sleep(300);
            answer(s.submit(new Command.Pause()));
            Thread.sleep(1500); // the recorder forces what it has within a second, then sleeps
            Map<String, Long> before = cpu(mx);
            Thread.sleep(1000);
            Map<String, Long> after = cpu(mx);
            for (String name : List.of("gradlab-session", "gradlab-recorder", "gradlab-worker-1")) {
                assertTrue(before.containsKey(name), name + " exists");
                long used = after.get(name) - before.get(name);
                assertTrue(used < 5_000_000, name + " used " + used / 1e6 + " ms of CPU in a paused second");
            }
            s.close();
            w.close();
            Thread.sleep(100);
            Map<String, Long> ended = cpu(mx);
            assertFalse(ended.containsKey("gradlab-session") || ended.containsKey("gradlab-recorder"),
                    "a stopped run's threads end: " + ended.keySet());
        }
    }

    /** CPU nanoseconds used so far by each live GradLab thread, by name. */
    private static Map<String, Long> cpu(ThreadMXBean mx) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("gradlab-") && t.isAlive())
                .collect(Collectors.toMap(Thread::getName, t -> mx.getThreadCpuTime(t.getId()), Long::sum));
    }

    @Test
    void rulesParseAndRefuseWithTheGrammar() {
        assertEquals("nonfinite,spike:20:100,event", PauseRules.parse("nonfinite, spike:20, event").toText());
        assertEquals("clip-rate:0.25:50", PauseRules.parse("clip-rate:0.25:50").toText());
        assertEquals("none", PauseRules.parse("none").toText());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PauseRules.parse("spike:0.5"));
        assertTrue(e.getMessage().contains("K must be a finite factor > 1") && e.getMessage().contains("nonfinite | spike"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PauseRules.parse("sometimes"));
        assertTrue(e.getMessage().startsWith("unknown pause rule 'sometimes'"), e.getMessage());
    }
}
