package org.gradlab.record;

import org.gradlab.engine.CpuBackend;
import org.gradlab.run.Snapshot;
import org.gradlab.run.TrainingSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety: a real recording in a child JVM is killed with SIGKILL mid-run. Every step the recorder had
 * forced before the kill must be intact; a torn tail is detected and moved aside (not deleted); recording
 * continues from the last intact step.
 */
class CrashRecoveryTest {
    @TempDir
    Path tmp;

    @Test
    void sigkillLosesAtMostTheUnflushedTailAndRecordingContinues() throws Exception {
        Path dir = tmp.resolve("run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        long durable = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.currentTimeMillis() + 60_000;
            String line;
            while ((line = r.readLine()) != null && System.currentTimeMillis() < deadline) {
                if (line.startsWith("durable ")) durable = Long.parseLong(line.substring(8).trim());
                if (durable >= 60) break;
            }
            assertTrue(durable >= 60, "child recorded " + durable + " durable steps");
            Thread.sleep(300); // let it write more, unflushed
            p.destroyForcibly(); // SIGKILL on Linux
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(137, p.exitValue(), "killed by SIGKILL");

        int intact;
        try (RunReader r = RunReader.open(dir)) {
            intact = r.stepCount();
            assertTrue(intact >= durable, intact + " intact steps, " + durable + " were reported durable");
            for (long k = 0; k < intact; k++) assertEquals(k, r.step(k).step());
        }
        // tear the tail on purpose as well (half of a frame), so the move-aside path always runs
        Path steps = dir.resolve(RunFiles.STEPS);
        byte[] torn = {42, 0, 0, 0, 1, 2, 3};
        try (FileChannel ch = FileChannel.open(steps, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(torn));
        }
        long intactBytes;
        try (RunReader r = RunReader.open(dir)) {
            assertNotNull(r.damage());
            assertTrue(r.damage().tornTail(), r.damage().reason());
            assertEquals(intact, r.stepCount());
            intactBytes = r.damage().offset();
        }
        RunWriter w = RunWriter.resume(dir);
        try (Stream<Path> files = Files.list(dir)) {
            Path aside = files.filter(f -> f.getFileName().toString().startsWith(RunFiles.STEPS + ".torn-")).findFirst().orElseThrow();
            byte[] kept = Files.readAllBytes(aside);
            assertTrue(kept.length >= torn.length);
            assertArrayEquals(torn, Arrays.copyOfRange(kept, kept.length - torn.length, kept.length), "torn bytes kept");
        }
        assertEquals(intactBytes, Files.size(steps));
        try (CpuBackend be = new CpuBackend(1)) {
            Snapshot at;
            try (RunReader r = RunReader.open(dir)) {
                at = Replay.stateAt(r, r.endStep(), be, null);
            }
            TrainingSession s = new TrainingSession(be, w.manifest().session().withSteps(intact + 20), at);
            s.addListener(w);
            s.start(false);
            assertTrue(s.await(60, TimeUnit.SECONDS));
            w.close();
        }
        try (RunReader r = RunReader.open(dir)) {
            assertNull(r.damage());
            assertEquals(intact + 20, r.stepCount());
            for (long k = 0; k < intact + 20; k++) assertEquals(k, r.step(k).step());
        }
    }
}
