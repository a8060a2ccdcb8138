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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Commands, events, queues, determinism of a command timeline, and forks. */
class TrainingSessionTest {
    static SessionConfig config(long steps) {
        RunConfig rc = new RunConfig("gru", "adding", 16, 1, 8, 16, 2, 8, 12,
                OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 1e-2), RunConfig.DEFAULT_INIT, 11);
        return new SessionConfig(rc, ClipSpec.parse("norm:1"), NonFinitePolicy.PROPAGATE, steps, List.of(), 0, true);
    }

    /** Records losses and events as a listener sees them. */
    static final class Log implements SessionListener {
        final List<Float> losses = new CopyOnWriteArrayList<>();
        final List<RunEvent> events = new CopyOnWriteArrayList<>();

        @Override public void onStep(StepStats s) { losses.add(s.loss()); }
        @Override public void onEvent(RunEvent e) { events.add(e); }
    }

    static void stepTo(TrainingSession s, long target) throws InterruptedException {
        s.submit(new Command.Step((int) (target - s.step())));
        long deadline = System.currentTimeMillis() + 30_000;
        while ((s.step() < target || s.state() != TrainingSession.State.PAUSED) && System.currentTimeMillis() < deadline) Thread.sleep(1);
        assertEquals(target, s.step());
    }

    /** A fixed command timeline: 10 steps, clip zclip + lr change, 10 steps, spike, run to the end. */
    static Log timeline(CpuBackend be) throws Exception {
        TrainingSession s = new TrainingSession(be, config(40));
        Log log = new Log();
        s.addListener(log);
        s.start(true);
        stepTo(s, 10);
        s.submit(new Command.SetClip(ClipSpec.parse("autoclip:50")));
        s.submit(new Command.SetLr(3e-3));
        stepTo(s, 20);
        s.submit(new Command.InjectSpike(Spike.Kind.GRAD, 100));
        s.submit(new Command.Resume());
        assertTrue(s.await(30, TimeUnit.SECONDS));
        assertEquals(TrainingSession.State.FINISHED, s.state());
        return log;
    }

    @Test
    void commandsTakeEffectBetweenStepsAndAreRecordedWithTheirStep() throws Exception {
        try (CpuBackend be = new CpuBackend(1)) {
            Log log = timeline(be);
            assertEquals(40, log.losses.size());
            assertTrue(log.events.stream().anyMatch(e -> e.type() == RunEvent.Type.CLIP && e.step() == 10 && e.value().equals("autoclip:50")));
            assertTrue(log.events.stream().anyMatch(e -> e.type() == RunEvent.Type.LR && e.step() == 10 && e.value().equals("0.003")));
            assertTrue(log.events.stream().anyMatch(e -> e.type() == RunEvent.Type.SPIKE && e.step() == 20), log.events.toString());
            assertTrue(log.events.stream().anyMatch(e -> e.type() == RunEvent.Type.RESUME && e.step() == 20));
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
    void setClipChangesTheStrategyInForce() throws Exception {
        try (CpuBackend be = new CpuBackend(1)) {
            TrainingSession s = new TrainingSession(be, config(100));
            s.start(true);
            stepTo(s, 3);
            s.submit(new Command.SetClip(ClipSpec.parse("value:0.001")));
            stepTo(s, 4);
            assertEquals("value:0.001", s.trainer().runner().clip().spec().toText());
            assertEquals(0.001, s.lastStats().clip().threshold(), 1e-9);
            s.close();
            assertEquals(TrainingSession.State.STOPPED, s.state());
        }
    }

    @Test
    void slowConsumerQueueKeepsTheLatestAndCountsDrops() {
        StepStatsQueue q = new StepStatsQueue(3);
        for (int i = 0; i < 10; i++) q.offer(new StepStats(i, 0, 0, i, 0, null, false, new float[0], new float[0], null, null));
        List<StepStats> got = q.drain();
        assertEquals(List.of(7L, 8L, 9L), got.stream().map(StepStats::step).toList());
        assertEquals(7, q.dropped());
        assertTrue(q.drain().isEmpty());
    }

    @Test
    void forkBranchesStartFromIdenticalStateAndSeeTheSameBatches() throws Exception {
        try (CpuBackend be = new CpuBackend(1)) {
            TrainingSession s = new TrainingSession(be, config(1000));
            s.start(true);
            stepTo(s, 15);
            CompletableFuture<Snapshot> f = new CompletableFuture<>();
            s.submit(new Command.TakeSnapshot(f, "test"));
            Snapshot snap = f.get(10, TimeUnit.SECONDS);
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
}
