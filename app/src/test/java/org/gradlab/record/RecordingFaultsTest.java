package org.gradlab.record;

import org.gradlab.clip.ClipSpec;
import org.gradlab.engine.CpuBackend;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.SessionState;
import org.gradlab.run.Snapshot;
import org.gradlab.run.TrainingSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recording under faults: a full disk, two writers, a folder that is not empty, special files, tampered runs. */
class RecordingFaultsTest {
    @TempDir
    Path tmp;

    @Test
    void aFullDiskStopsTheRunAtOnceNamingThePathAndLeavesARunThatReads() throws Exception {
        Path dir = tmp.resolve("full");
        SessionConfig sc = RecordFixtures.small("rnn", "adding", 1_000_000, 0, List.of());
        try (CpuBackend be = new CpuBackend(1)) {
            TrainingSession s = new TrainingSession(be, sc);
            RunWriter w = RunWriter.create(dir, RunManifest.create(sc, s.layout(), null),
                    (file, opts) -> file.getFileName().toString().equals(RunFiles.STEPS)
                            ? new FullDiskChannel(FileChannel.open(file, opts), 20_000) : FileChannel.open(file, opts));
            s.addListener(w);
            s.start(false);
            assertTrue(s.await(60, TimeUnit.SECONDS), "the run stops by itself");
            assertEquals(SessionState.FAILED, s.state());
            assertTrue(s.failure().startsWith("cannot write " + dir.resolve(RunFiles.STEPS) + ": No space left on device"), s.failure());
            assertTrue(s.step() < 20_000 / 40 + RunWriter.QUEUE_CAPACITY + 10, "it stopped at once, not " + s.step() + " steps later");
            java.io.IOException closing = assertThrows(java.io.IOException.class, w::close, "close reports the failure too");
            assertTrue(closing.getMessage().contains("No space left on device"), closing.getMessage());
        }
        try (RunReader r = RunReader.open(dir)) {
            assertNull(r.damage(), "no half-written frame was left behind");
            assertTrue(r.stepCount() > 10, "the steps written before the disk filled read back: " + r.stepCount());
            for (long k = 0; k < r.stepCount(); k++) assertEquals(k, r.step(k).step());
        }
        assertTrue(RunFiles.incomplete(dir), "a run whose recording failed says it is incomplete");
    }

    @Test
    void aSecondWriterIsRefusedWhetherInThisProcessOrAnother() throws Exception {
        Path dir = tmp.resolve("locked");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && !line.startsWith("durable ")) {
                // wait until the child records
            }
            RunFileException e = assertThrows(RunFileException.class, () -> RunWriter.resume(dir));
            assertTrue(e.getMessage().contains("another GradLab process is recording into this folder"), e.getMessage());
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        // the lock dies with its process: a writer may continue the run now
        RunWriter w = RunWriter.resume(dir);
        RunFileException again = assertThrows(RunFileException.class, () -> RunWriter.resume(dir), "a second writer in this process");
        assertTrue(again.getMessage().contains("another GradLab process is recording"), again.getMessage());
        w.close();
    }

    @Test
    void outNeverDeletesWhatItDidNotWrite() throws Exception {
        Path dir = tmp.resolve("not-empty");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(RunFiles.STEPS), "someone's data");
        SessionConfig sc = RecordFixtures.small("rnn", "adding", 10, 0, List.of());
        try (CpuBackend be = new CpuBackend(1)) {
            TrainingSession s = new TrainingSession(be, sc);
            RunFileException e = assertThrows(RunFileException.class, () -> RunWriter.record(s, dir, null));
            assertTrue(e.getMessage().contains("left here without a run.json"), e.getMessage());
        }
        assertEquals("someone's data", Files.readString(dir.resolve(RunFiles.STEPS)));
        assertFalse(Files.exists(dir.resolve(RunFiles.MANIFEST)));
    }

    /** A small recorded run with checkpoints, for the tampering tests. */
    private Path recorded(String name, long steps) throws Exception {
        Path dir = tmp.resolve(name);
        RunRecordingTest.record(dir, "rnn", "adding", steps, 10, List.of(), List.of());
        return dir;
    }

    @Test
    void readersRefuseSpecialFilesInsteadOfHangingOrExhaustingMemory() throws Exception {
        Path dir = recorded("special", 25);
        Path events = dir.resolve(RunFiles.EVENTS);
        Files.delete(events);
        Files.createSymbolicLink(events, Path.of("/dev/zero"));
        RunFileException e = assertThrows(RunFileException.class, () -> RunReader.open(dir));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        Files.delete(events);
        Path outside = tmp.resolve("elsewhere.jsonl");
        Files.writeString(outside, "");
        Files.createSymbolicLink(events, outside);
        e = assertThrows(RunFileException.class, () -> RunReader.open(dir));
        assertTrue(e.getMessage().contains("a link out of the run folder"), e.getMessage());
        Files.delete(events);
        if (SpecialFiles.mkfifo(events)) {
            long t0 = System.nanoTime();
            e = assertThrows(RunFileException.class, () -> RunReader.open(dir));
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "refused at once, not after waiting on the pipe");
            Files.delete(events);
        }
        Files.writeString(events, "");
        Path ckpt = CheckpointIo.fileFor(dir, 10);
        Files.delete(ckpt);
        Files.createSymbolicLink(ckpt, Path.of("/dev/zero"));
        try (RunReader r = RunReader.open(dir)) {
            e = assertThrows(RunFileException.class, () -> r.checkpoint(10));
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        }
    }

    @Test
    void aTamperedForkParentIsCheckedBeforeItIsFollowed() throws Exception {
        Path parent = recorded("parent", 30);
        Path branch = tmp.resolve("branch");
        try (CpuBackend be = new CpuBackend(1)) {
            Snapshot at = Replay.stateAt(parent, 20, be);
            SessionConfig sc = RecordFixtures.small("rnn", "adding", 30, 0, List.of()).withClip(ClipSpec.parse("value:0.01"));
            TrainingSession s = new TrainingSession(be, sc, at);
            RunWriter w = RunWriter.record(s, branch, new RunManifest.Parent("../parent", 20, "value:0.01"));
            s.start(false);
            assertTrue(s.await(30, TimeUnit.SECONDS));
            w.close();
            assertEquals(25, Replay.stateAt(branch, 25, be).step(), "the honest branch rebuilds");
            String json = Files.readString(branch.resolve(RunFiles.MANIFEST));
            for (String[] t : new String[][] {{"\"run\" : \".\"", "cycle"}, {"\"run\" : \"../../../../etc\"", "fork parent cannot be rebuilt"},
                {"\"step\" : 20", "\"step\" : -3"}}) {
                String tampered = t[0].startsWith("\"step\"") ? json.replace(t[0], t[1]) : json.replace("\"run\" : \"../parent\"", t[0]);
                Files.writeString(branch.resolve(RunFiles.MANIFEST), tampered);
                RunFileException e = assertThrows(RunFileException.class, () -> Replay.stateAt(branch, 25, be));
                String expect = t[0].startsWith("\"step\"") ? "the fork parent needs a run (text) and a step" : t[1];
                assertTrue(e.getMessage().contains(expect), t[0] + " -> " + e.getMessage());
            }
            // a parent that is another run of the same model and data: the re-trained steps give it away
            Path other = tmp.resolve("other");
            try (CpuBackend b2 = new CpuBackend(1)) {
                TrainingSession o = new TrainingSession(b2, RecordFixtures.small("rnn", "adding", 30, 0, List.of()).withClip(ClipSpec.parse("none")));
                RunWriter ow = RunWriter.record(o, other, null);
                o.start(false);
                assertTrue(o.await(30, TimeUnit.SECONDS));
                ow.close();
            }
            Files.writeString(branch.resolve(RunFiles.MANIFEST), json.replace("\"run\" : \"../parent\"", "\"run\" : \"../other\""));
            RunFileException e = assertThrows(RunFileException.class, () -> Replay.stateAt(branch, 25, be));
            assertTrue(e.getMessage().contains("the rebuilt state differs from the recording at step 20"), e.getMessage());
        }
    }

    @Test
    void anUnreadableCheckpointFallsBackToAnEarlierOneAndALongAutoclipHistoryFits() throws Exception {
        Path dir = recorded("ckpt", 35);
        Files.write(CheckpointIo.fileFor(dir, 30), new byte[] {1, 2, 3});
        List<String> notes = new ArrayList<>();
        try (CpuBackend be = new CpuBackend(1); RunReader r = RunReader.open(dir)) {
            Snapshot s = Replay.stateAt(r, 33, be, null, notes::add);
            assertEquals(33, s.step());
        }
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("the checkpoint at step 30 is unusable")), notes.toString());
        // AutoClip without a window keeps one norm per step: 200,000 steps of history in a checkpoint of a tiny model
        double[] history = new double[200_000];
        java.util.Arrays.fill(history, 0.5);
        Snapshot big = new Snapshot(200_000, new float[337], new float[][] {new float[337], new float[337]}, "autoclip:10", history, 1e-3, "propagate");
        CheckpointIo.write(dir, big);
        assertEquals(200_000, CheckpointIo.read(dir, 200_000, 337).clipState().length);
    }
}
