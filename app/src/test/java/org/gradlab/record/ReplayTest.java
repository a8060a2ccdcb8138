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
}
