package org.gradlab.record;

import org.gradlab.engine.CpuBackend;
import org.gradlab.run.TrainingSession;

import java.nio.file.Path;

/**
 * The child process of {@link CrashRecoveryTest}: records an open-ended session into args[0] and prints
 * "durable N" whenever the recorder reports more steps forced to disk, until it is killed.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        CpuBackend be = new CpuBackend(1);
        TrainingSession s = new TrainingSession(be, RecordFixtures.small("lstm", "charlm", Long.MAX_VALUE, 50, java.util.List.of()));
        RunWriter w = RunWriter.create(dir, RunManifest.create(s.config(), s.layout(), null));
        s.addListener(w);
        s.start(false);
        long reported = -1;
        while (true) {
            long d = w.durableSteps();
            if (d != reported) {
                System.out.println("durable " + d);
                System.out.flush();
                reported = d;
            }
            Thread.sleep(20);
        }
    }
}
