package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.CpuBackend;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.telemetry.StepStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session's stream, commands and their answers, determinism of a command timeline, and forks. */
class TrainingSessionTest {
    static SessionConfig config(long steps) {
        RunConfig rc = new RunConfig("gru", "adding", 16, 1, 8, 16, 2, 8, 12,
                OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 1e-2), RunConfig.DEFAULT_INIT, 11);
        return new SessionConfig(rc, ClipSpec.parse("norm:1"), NonFinitePolicy.PROPAGATE, steps, List.of(), 0, true);
    }

    /** Records the stream as a listener sees it, in order. */
    static final class Log implements SessionListener {
        final List<SessionItem> items = new CopyOnWriteArrayList<>();
        final List<Float> losses = new CopyOnWriteArrayList<>();
        final List<RunEvent> events = new CopyOnWriteArrayList<>();
        final List<StepStats> steps = new CopyOnWriteArrayList<>();

        @Override public void onStep(StepStats s) { losses.add(s.loss()); steps.add(s); items.add(new SessionItem.StepDone(s)); }
        @Override public void onEvent(RunEvent e) { events.add(e); items.add(new SessionItem.Event(e)); }
        @Override public void onStatus(SessionItem.Status s) { items.add(s); }
    }

    static <T> T answer(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    /** A fixed command timeline: 10 steps, clip autoclip + lr change, 10 steps, spike, run to the end. */
    static Log timeline(CpuBackend be) throws Exception {
        TrainingSession s = new TrainingSession(be, config(40));
        Log log = new Log();
        s.addListener(log);
        s.start(true);
        assertEquals(10, answer(s.submit(new Command.Step(10))));
        assertEquals(10, answer(s.submit(new Command.SetClip(ClipSpec.parse("autoclip:50")))));
        assertEquals(10, answer(s.submit(new Command.SetLr(3e-3))));
        assertEquals(20, answer(s.submit(new Command.RunTo(20))));
        assertEquals(20, answer(s.submit(new Command.InjectSpike(Spike.Kind.GRAD, 100))));
        s.submit(new Command.Resume());
        assertTrue(s.await(30, TimeUnit.SECONDS));
        assertEquals(SessionState.FINISHED, s.state());
        return log;
    }

    @Test
    void commandsTakeEffectAtTheStepTheyAnswerWithAndAreRecordedThere() throws Exception {
        try (CpuBackend be = new CpuBackend(1)) {
            Log log = timeline(be);
            assertEquals(40, log.losses.size());
            assertTrue(log.events.stream().anyMatch(e -> e.type() == RunEvent.Type.CLIP && e.step() == 10 && e.value().equals("autoclip:50")));
            assertTrue(log.events.stream().anyMatch(e -> e.type() == RunEvent.Type.LR && e.step() == 10 && e.value().equals("0.003")));
            assertTrue(log.events.stream().anyMatch(e -> e.type() == RunEvent.Type.SPIKE && e.step() == 20), log.events.toString());
            assertTrue(log.events.stream().anyMatch(e -> e.type() == RunEvent.Type.RESUME && e.step() == 20));
            assertEquals(0.01, log.steps.get(9).lr(), 1e-12, "step 9 still at the old learning rate");
            assertEquals(0.003, log.steps.get(10).lr(), 1e-12, "step 10, the acknowledged step, at the new one");
            assertEquals(1.0, log.steps.get(9).clip().threshold(), "norm:1 until step 9");
            assertNotEquals(1.0, log.steps.get(10).clip().threshold(), "autoclip's own threshold from step 10");
        }
    }

    @Test
    void theStreamIsOrderedEveryEventBetweenTheStepsAroundIt() throws Exception {
        try (CpuBackend be = new CpuBackend(1)) {
            Log log = timeline(be);
            long next = 0;
            for (SessionItem it : log.items) {
                if (it instanceof SessionItem.StepDone d) {
                    assertEquals(next, d.step(), "steps in order, none missing");
                    next++;
                } else {
                    assertEquals(next, it.step(), "an item at step k comes after step k-1 and before step k: " + it);
                }
            }
            assertEquals(40, next);
            SessionItem.Status last = (SessionItem.Status) log.items.get(log.items.size() - 1);
            assertEquals(SessionState.FINISHED, last.state(), "the stream ends with the final status");
            assertEquals("autoclip:50", last.clip());
            assertEquals(0.003, last.lr(), 1e-12);
        }
    }

    @Test
    void sameTimelineSameLossesBitForBit() throws Exception {
        try (CpuBackend be = new CpuBackend(2)) {
            Log a = timeline(be), b = timeline(be);
            assertEquals(a.losses, b.losses);
        }
    }

    @Test
    void aRefusedCommandSaysWhyAndChangesNothing() throws Exception {
        try (CpuBackend be = new CpuBackend(1)) {
            TrainingSession s = new TrainingSession(be, config(100));
            Log log = new Log();
            s.addListener(log);
            s.start(true);
            answer(s.submit(new Command.Step(3)));
            ExecutionException e = assertThrows(ExecutionException.class, () -> answer(s.submit(new Command.InjectSpike(Spike.Kind.TOKENS, 0.5))));
            assertTrue(e.getCause().getMessage().contains("does not apply to the adding task"), e.getCause().getMessage());
            e = assertThrows(ExecutionException.class, () -> answer(s.submit(new Command.RunTo(2))));
            assertTrue(e.getCause().getMessage().contains("not ahead of the run (at step 3)"), e.getCause().getMessage());
            answer(s.submit(new Command.Step(2)));
            assertTrue(log.events.stream().noneMatch(ev -> ev.type() == RunEvent.Type.SPIKE), "no spike was injected");
            assertEquals(5, s.step());
            s.close();
            e = assertThrows(ExecutionException.class, () -> answer(s.submit(new Command.Resume())));
            assertTrue(e.getCause().getMessage().startsWith("the session has ended"), e.getCause().getMessage());
            assertEquals(5, answer(s.submit(new Command.TakeSnapshot("after the end"))).step(), "a snapshot still answers after the end");
        }
    }

    @Test
    void aRunToBeyondTheEndFailsWhenTheRunFinishes() throws Exception {
        try (CpuBackend be = new CpuBackend(1)) {
            TrainingSession s = new TrainingSession(be, config(12));
            s.start(true);
            ExecutionException e = assertThrows(ExecutionException.class, () -> answer(s.submit(new Command.RunTo(50))));
            assertTrue(e.getCause().getMessage().startsWith("the session ended (finished) at step 12"), e.getCause().getMessage());
        }
    }

    @Test
    void setClipChangesTheStrategyInForceFromTheAnsweredStep() throws Exception {
        try (CpuBackend be = new CpuBackend(1)) {
            TrainingSession s = new TrainingSession(be, config(100));
            Log log = new Log();
            s.addListener(log);
            s.start(true);
            answer(s.submit(new Command.Step(3)));
            long at = answer(s.submit(new Command.SetClip(ClipSpec.parse("value:0.001"))));
            answer(s.submit(new Command.Step(1)));
            assertEquals(3, at);
            assertEquals(0.001, log.steps.get(3).clip().threshold(), 1e-9);
            assertEquals("value:0.001", s.status().clip(), "the status on the stream says so too");
            s.close();
            assertEquals(SessionState.STOPPED, s.state());
        }
    }

    @Test
    void slowConsumerQueueKeepsTheLatestStepsAndEveryEvent() {
        StreamQueue q = new StreamQueue(3);
        for (int i = 0; i < 10; i++) {
            q.onStep(new StepStats(i, 0, 0, i, 0, null, false, new float[0], new float[0], null, null));
            if (i == 4) q.onEvent(new RunEvent(5, 0, RunEvent.Type.CLIP, "norm:1"));
        }
        List<SessionItem> got = q.drain();
        assertEquals(4, got.size());
        assertTrue(got.get(0) instanceof SessionItem.Event, "the event survives, in its place");
        assertEquals(List.of(7L, 8L, 9L), got.subList(1, 4).stream().map(SessionItem::step).toList());
        assertEquals(7, q.dropped());
        assertTrue(q.drain().isEmpty());
    }

    @Test
    void forkBranchesStartFromIdenticalStateAndSeeTheSameBatches() throws Exception {
        try (CpuBackend be = new CpuBackend(1)) {
            TrainingSession s = new TrainingSession(be, config(1000));
            s.start(true);
            answer(s.submit(new Command.Step(15)));
            Snapshot snap = answer(s.submit(new Command.TakeSnapshot("test")));
            s.close();
            assertEquals(15, snap.step());
            List<ClipSpec> clips = List.of(ClipSpec.parse("norm:1"), ClipSpec.parse("norm:1"), ClipSpec.parse("value:0.0001"));
            List<TrainingSession> branches = TrainingSession.fork(() -> be, config(25), snap, clips);
            List<Log> logs = new ArrayList<>();
            for (TrainingSession b : branches) {
                Log l = new Log();
                b.addListener(l);
                logs.add(l);
                b.start(false);
                assertTrue(b.await(30, TimeUnit.SECONDS));
            }
            assertEquals(10, logs.get(0).losses.size());
            assertEquals(logs.get(0).losses, logs.get(1).losses, "same clip, same state, same data: same losses");
            assertEquals(logs.get(0).losses.get(0), logs.get(2).losses.get(0), "the first step's loss precedes any clipping");
            assertNotEquals(logs.get(0).losses.get(9), logs.get(2).losses.get(9), "different clipping, different trajectory");
        }
    }

    @Test
    void snapshotRestoresExactly() throws Exception {
        try (CpuBackend be = new CpuBackend(1)) {
            Trainer t = new Trainer(be, config(0).run(), ClipSpec.parse("zclip"), NonFinitePolicy.PROPAGATE);
            for (int i = 0; i < 30; i++) t.trainStep();
            Snapshot snap = t.snapshot();
            float[] next = new float[5];
            for (int i = 0; i < 5; i++) next[i] = t.trainStep().loss();
            Trainer u = new Trainer(be, config(0).run(), ClipSpec.parse("none"), NonFinitePolicy.PROPAGATE);
            u.restore(snap);
            float[] again = new float[5];
            for (int i = 0; i < 5; i++) again[i] = u.trainStep().loss();
            assertArrayEquals(next, again);
        }
    }

    @Test
    void aRebuildThroughTheInterpreterEqualsTheLiveSnapshot() throws Exception {
        try (CpuBackend be = new CpuBackend(1)) {
            TrainingSession s = new TrainingSession(be, config(40));
            Log log = new Log();
            s.addListener(log);
            s.start(true);
            answer(s.submit(new Command.Step(7)));
            s.submit(new Command.SetClip(ClipSpec.parse("zclip:2")));
            s.submit(new Command.SetLr(5e-3));
            answer(s.submit(new Command.RunTo(13)));
            s.submit(new Command.InjectSpike(Spike.Kind.TARGETS, 30));
            answer(s.submit(new Command.RunTo(22)));
            Snapshot live = answer(s.submit(new Command.TakeSnapshot("compare")));
            s.close();
            List<Float> rebuiltLosses = new ArrayList<>();
            Snapshot re = Rebuild.stateAt(be, config(40), null, false, log.events, 22, st -> rebuiltLosses.add(st.loss()), null);
            assertEquals(log.losses.subList(0, 22), rebuiltLosses, "every re-trained step's loss, bit for bit");
            assertArrayEquals(live.params(), re.params());
            for (int i = 0; i < live.optimizerState().length; i++) assertArrayEquals(live.optimizerState()[i], re.optimizerState()[i]);
            assertEquals(live.clipSpec(), re.clipSpec());
            assertArrayEquals(live.clipState(), re.clipState());
            assertEquals(live.lr(), re.lr());
        }
    }
}
