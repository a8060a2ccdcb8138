package org.gradlab.record;

import org.gradlab.clip.ClipSpec;
import org.gradlab.engine.CpuBackend;
import org.gradlab.run.Command;
import org.gradlab.run.Snapshot;
import org.gradlab.run.Spike;
import org.gradlab.run.TrainingSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The state rebuilt from a recording (checkpoint + recorded events) equals the live state, bit for bit. */
class ReplayTest {
    @TempDir
    Path tmp;

    @Test
    void replayFromCheckpointOrStartMatchesTheLiveRun() throws Exception {
        Path dir = tmp.resolve("run");
        Snapshot live30;
        try (CpuBackend be = new CpuBackend(1)) {
            TrainingSession s = new TrainingSession(be, RecordFixtures.small("rnn", "multiplication", 30, 8,
                    List.of(new Spike(12, Spike.Kind.TARGETS, 20))));
            RunWriter w = RunWriter.create(dir, RunManifest.create(s.config(), s.layout(), null));
            s.addListener(w);
            s.start(true);
            assertEquals(5, s.submit(new Command.Step(5)).get(30, TimeUnit.SECONDS));
            s.submit(new Command.SetClip(ClipSpec.parse("autoclip:75")));
            assertEquals(19, s.submit(new Command.Step(14)).get(30, TimeUnit.SECONDS));
            s.submit(new Command.SetLr(0.01));
            s.submit(new Command.InjectSpike(Spike.Kind.INPUTS, 3));
            s.submit(new Command.Resume());
            s.await(30, TimeUnit.SECONDS);
            live30 = s.submit(new Command.TakeSnapshot("test")).get(30, TimeUnit.SECONDS);
            w.close();
        }
        try (CpuBackend be = new CpuBackend(1)) {
            for (long k : new long[] {3, 19, 27, 30}) {
                Snapshot re = Replay.stateAt(dir, k, be);
                assertEquals(k, re.step());
                if (k == 30) {
                    assertArrayEquals(live30.params(), re.params(), "weights at step 30");
                    assertArrayEquals(live30.optimizerState()[1], re.optimizerState()[1], "Adam first moment");
                    assertEquals(live30.clipSpec(), re.clipSpec());
                    assertArrayEquals(live30.clipState(), re.clipState());
                    assertEquals(live30.lr(), re.lr());
                }
            }
        }
    }

    /**
     * The CPU gives the same bits on any number of threads, so a run recorded on two and rebuilt on one (the app
     * rebuilds on every core; a small RNN trains on one) is checked bit for bit, with no note that it was rebuilt
     * elsewhere; a different vector width, the scalar kernels or a GPU are other arithmetic.
     */
    @Test
    void aRunRecordedOnTwoThreadsIsRebuiltBitForBitOnOne() throws Exception {
        assertEquals("cpu (vector (512-bit, 16 floats))", RunManifest.arithmetic("cpu (2 threads, vector (512-bit, 16 floats))"));
        assertEquals(RunManifest.arithmetic("cpu (1 thread, vector (256-bit, 8 floats))"),
                RunManifest.arithmetic("cpu (16 threads, vector (256-bit, 8 floats; JIT flags missing: -XX:PerMethodTrapLimit: run "
                        + "through ./gradlab, or kernels may run 2-4x slower))"));
        assertEquals(RunManifest.arithmetic("cpu (1 thread, scalar)"), RunManifest.arithmetic("cpu (2 threads, scalar)"));
        assertNotEquals(RunManifest.arithmetic("cpu (1 thread, vector (512-bit, 16 floats))"), RunManifest.arithmetic("cpu (1 thread, scalar)"));
        assertNotEquals(RunManifest.arithmetic("cpu (2 threads, vector (512-bit, 16 floats))"),
                RunManifest.arithmetic("cpu (2 threads, vector (256-bit, 8 floats))"));
        assertEquals("cuda (NVIDIA H200, 2 threads)", RunManifest.arithmetic("cuda (NVIDIA H200, 2 threads)"));

        Path dir = tmp.resolve("two");
        Snapshot live;
        try (CpuBackend be = new CpuBackend(2)) {
            TrainingSession s = new TrainingSession(be, RecordFixtures.small("rnn", "multiplication", 12, 8, List.of()));
            RunWriter w = RunWriter.create(dir, RunManifest.create(s.config(), s.layout(), null, be.name()));
            s.addListener(w);
            s.start(true);
            assertEquals(12, s.submit(new Command.Step(12)).get(30, TimeUnit.SECONDS));
            live = s.submit(new Command.TakeSnapshot("test")).get(30, TimeUnit.SECONDS);
            w.close();
        }
        List<String> notes = new java.util.ArrayList<>();
        try (CpuBackend be = new CpuBackend(1); RunReader r = RunReader.open(dir)) {
            assertNotEquals(r.manifest().device(), be.name());
            Snapshot re = Replay.stateAt(r, 12, be, null, notes::add);
            assertArrayEquals(live.params(), re.params(), "weights at step 12");
        }
        assertEquals(List.of(), notes, "an exact rebuild says nothing about another device");
    }
}
