package org.gradlab.cli;

import org.gradlab.record.RunFiles;
import static org.gradlab.record.tb.TbTestFiles.event;
import static org.gradlab.record.tb.TbTestFiles.histogram;
import static org.gradlab.record.tb.TbTestFiles.scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.gradlab.cli.CliTest.refusal;
import static org.gradlab.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI under faults a careless or hostile user brings: sizes, counts, outputs, interrupted runs, hostile logs. */
class CliFaultsTest {
    @TempDir
    Path tmp;

    static String[] tiny(String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--model", "rnn", "--task", "adding", "--hidden", "8", "--batch", "4", "--seq", "5",
                "--eval", "0", "--threads", "1"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void aRunRecordedBeforeTheRecurrentReadingsResumesWithoutThem() throws Exception {
        // the shipped tanh-RNN sample was recorded before ‖∂L/∂h_t‖ and ρ were: its run.json has no room for them
        Path copy = tmp.resolve("old");
        try (var w = Files.walk(Path.of("..", "sample-runs", "adding-rnn-clip-norm1"))) {
            for (Path p : (Iterable<Path>) w::iterator) {
                Path to = copy.resolve(Path.of("..", "sample-runs", "adding-rnn-clip-norm1").relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
        assertFalse(Files.readString(copy.resolve(RunFiles.MANIFEST)).contains("\"recurrent\""));
        CliTest.Result r = run("resume", copy.toString(), "--steps", "20", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        CliTest.Result step = run("inspect", copy.toString(), "--step", "10015");
        assertEquals(0, step.code(), step.err());
        assertFalse(step.out().contains("gradient through time"), "nothing the run has no room for: " + step.out());
    }

    @Test
    void impossibleSizesAreRefusedUpFrontInOneLine() {
        assertTrue(refusal("train", "--model", "lstm", "--task", "charlm", "--batch", "65536", "--seq", "65536", "--steps", "1")
                .startsWith("gradlab: this run needs about "), "a memory estimate, not an exception");
        assertTrue(refusal("train", "--model", "lstm", "--task", "charlm", "--hidden", "4096", "--layers", "64", "--steps", "1")
                .startsWith("gradlab: this run needs about "));
        assertTrue(refusal("train", "--model", "rnn", "--task", "adding", "--threads", "100000").startsWith("gradlab: --threads 100000: between 1 and "));
    }

    @Test
    void nonFiniteStepsAreCountedOneWayAndTheStoppingStepIsRecorded() throws Exception {
        Path out = tmp.resolve("nan");
        CliTest.Result r = run("train", "--model", "rnn", "--task", "adding", "--seq", "50", "--hidden", "64", "--init", "basic-tanh",
                "--optimizer", "sgd", "--lr", "0.5", "--seed", "3", "--steps", "300", "--eval", "0", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("non-finite (\\d+) steps").matcher(r.out());
        assertTrue(m.find(), r.out());
        long trainCount = Long.parseLong(m.group(1));
        String inspect = run("inspect", out.toString()).out();
        assertTrue(inspect.contains("non-finite steps " + trainCount + " "), "inspect agrees with train (" + trainCount + "): " + inspect);
        List<String> csv = run("inspect", out.toString(), "--csv").out().lines().toList();
        int col = List.of(csv.get(0).split(",")).indexOf("non_finite_step");
        long csvCount = csv.stream().skip(1).filter(l -> l.split(",")[col].equals("1")).count();
        assertEquals(trainCount, csvCount, "the CSV agrees too");

        Path stopped = tmp.resolve("stop");
        r = run("train", "--model", "rnn", "--task", "adding", "--seq", "50", "--hidden", "64", "--init", "basic-tanh", "--optimizer", "sgd",
                "--lr", "0.5", "--seed", "3", "--steps", "300", "--eval", "0", "--threads", "1", "--nonfinite", "stop", "--out", stopped.toString());
        assertEquals(2, r.code(), "a stopped run is an error");
        m = java.util.regex.Pattern.compile("gradlab: step (\\d+): ").matcher(r.err());
        assertTrue(m.find(), r.err());
        long at = Long.parseLong(m.group(1));
        assertTrue(r.out().contains("non-finite 1 steps"), "train counts the stopping step: " + r.out());
        inspect = run("inspect", stopped.toString()).out();
        assertTrue(inspect.contains("steps " + (at + 1) + " (0–" + at + ")") && inspect.contains("non-finite steps 1 (first at step " + at + ")"),
                "the stopping step is recorded and counted once: " + inspect);
    }

    @Test
    void exportsNeverCollideAndNeverLeaveAPartialFile() throws Exception {
        Path runDir = tmp.resolve("r");
        assertEquals(0, run(tiny("--steps", "40", "--out", runDir.toString())).code());
        Path tb = tmp.resolve("tb");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<CliTest.Result>> f = new ArrayList<>();
        for (int i = 0; i < 3; i++) f.add(pool.submit(() -> org.gradlab.record.tb.TbExport.export(runDir, tb) == null ? null : null));
        for (Future<CliTest.Result> x : f) x.get();
        pool.shutdown();
        try (var s = Files.list(tb)) {
            List<Path> files = s.toList();
            assertEquals(3, files.stream().filter(p -> p.getFileName().toString().contains("tfevents")).count(), "three exports, three files: " + files);
            assertTrue(files.stream().noneMatch(p -> p.getFileName().toString().endsWith(".partial")), "no partial file left: " + files);
        }
    }

    @Test
    void anInterruptedRunSaysSoAndResumeContinuesItBitForBit() throws Exception {
        Path whole = tmp.resolve("whole"), cut = tmp.resolve("cut");
        assertEquals(0, run(tiny("--steps", "60", "--checkpoint-every", "20", "--out", whole.toString())).code());
        assertEquals(0, run(tiny("--steps", "60", "--checkpoint-every", "20", "--pause-at", "37", "--out", cut.toString())).code());
        // as a kill would leave it: the mark that recording had not finished, and half a frame at the end
        Files.writeString(cut.resolve(RunFiles.INCOMPLETE), "");
        Files.write(cut.resolve(RunFiles.STEPS), new byte[] {9, 0, 0, 0, 1, 2}, java.nio.file.StandardOpenOption.APPEND);
        assertTrue(run("inspect", cut.toString()).out().contains("INCOMPLETE"));
        CliTest.Result r = run("resume", cut.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resumed " + cut + " at step 37 and recorded 23 more steps"), r.out());
        try (var s = Files.list(cut)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith(RunFiles.STEPS + ".torn-")), "the torn tail was moved aside");
        }
        assertFalse(run("inspect", cut.toString()).out().contains("INCOMPLETE"), "finished cleanly now");
        List<String> a = run("inspect", whole.toString(), "--csv").out().lines().toList(), b = run("inspect", cut.toString(), "--csv").out().lines().toList();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            String[] x = a.get(i).split(","), y = b.get(i).split(",");
            assertEquals(x[1], y[1], "loss of step " + (i - 1) + ": the resumed run equals the uninterrupted one");
        }
        assertTrue(refusal("resume", cut.toString()).contains("already has its 60 steps"));
    }

    @Test
    void readersCreateNothingAndSayWhatIsWrongInOneLine() throws Exception {
        Path runDir = tmp.resolve("r");
        assertEquals(0, run(tiny("--steps", "10", "--out", runDir.toString())).code());
        Files.delete(runDir.resolve(RunFiles.STEPS));
        Files.deleteIfExists(runDir.resolve(RunFiles.INDEX));
        String out = run("inspect", runDir.toString()).out();
        assertTrue(out.contains("steps 0 (none recorded yet)"), out);
        assertFalse(Files.exists(runDir.resolve(RunFiles.STEPS)), "inspect created nothing");
        Files.writeString(runDir.resolve(RunFiles.EVENTS), "{\"step\":0,\"time\":1,\"type\":\"start\",\"value\":\"none\"}\n{nonsense\n"
                + "{\"step\":3,\"time\":1,\"type\":\"lr\",\"value\":\"abc\"}\n");
        String first = refusal("inspect", runDir.toString());
        assertTrue(first.startsWith("gradlab: " + runDir.resolve(RunFiles.EVENTS)) && first.contains("bad event line: not JSON")
                && !first.contains("REDACTED"), first);
        Files.writeString(runDir.resolve(RunFiles.EVENTS), "{\"step\":3,\"time\":1,\"type\":\"lr\",\"value\":\"abc\"}\n{\"step\":4,\"time\":1,\"type\":\"stop\",\"value\":\"\"}\n");
        first = refusal("inspect", runDir.toString());
        assertTrue(first.contains(RunFiles.EVENTS) && first.contains("learning-rate event at step 3: 'abc' is not a number"), first);
    }

    @Test
    void hostileTensorBoardLogsAreRefusedOrReadBackNeverWrittenUnreadable() throws Exception {
        // 2,000 gradient-histogram tags each at its own step (was: 217 KB of log -> 253 MB of run, quadratic)
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < 2000; i++) many.add(event(i, histogram("grad/layer" + i + ".weight", 10)));
        org.gradlab.record.tb.TbTestFiles.write(tmp.resolve("many/events.out.tfevents.1"), many);
        long t0 = System.nanoTime();
        String why = refusal("import", tmp.resolve("many").toString(), "--out", tmp.resolve("many-run").toString());
        assertTrue(why.contains("2000 parameters in 2000 layers; GradLab reads at most"), why);
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "refused quickly");
        assertFalse(Files.exists(tmp.resolve("many-run").resolve(RunFiles.MANIFEST)), "no run was left behind");

        // 200,000 tags at one step (was: still running after 120 s): read up to the tag limit, then refused
        byte[][] values = new byte[200_000][];
        for (int i = 0; i < values.length; i++) values[i] = histogram("grad/p" + i, 4);
        org.gradlab.record.tb.TbTestFiles.write(tmp.resolve("wide/events.out.tfevents.1"), List.of(event(0, values)));
        t0 = System.nanoTime();
        why = refusal("import", tmp.resolve("wide").toString(), "--out", tmp.resolve("wide-run").toString());
        assertTrue(why.contains("parameters in") && why.contains("GradLab reads at most 4096 parameters"), why);
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "refused in " + (System.nanoTime() - t0) / 1e9 + " s");

        // negative steps, a 2 MB tag, counts of 1e300: imported with warnings, and the run opens
        List<byte[]> odd = new ArrayList<>();
        for (int i = -3; i < 20; i++) odd.add(event(i, scalar("loss", 1f / (i + 5)), histogram("grad/rnn.weight_hh_l0", i == 7 ? 1e300 : 100)));
        odd.add(event(20, scalar("x".repeat(2 << 20), 1)));
        org.gradlab.record.tb.TbTestFiles.write(tmp.resolve("odd/events.out.tfevents.1"), odd);
        CliTest.Result r = run("import", tmp.resolve("odd").toString(), "--out", tmp.resolve("odd-run").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("negative steps are skipped") && r.out().contains("longer than 1024 characters are skipped"), r.out());
        CliTest.Result step = run("inspect", tmp.resolve("odd-run").toString(), "--step", "7");
        assertEquals(0, step.code(), "the imported run reads back: " + step.err());
        assertEquals(0, run("inspect", tmp.resolve("odd-run").toString()).code());
    }
}
