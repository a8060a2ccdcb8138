package org.gradlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI as a user meets it: exit codes, one-line errors, the bench JSON. */
public class CliTest {
    public record Result(int code, String out, String err) {}

    /** Runs the CLI in this JVM and returns its exit code and what it printed (also used by the ui package's tests). */
    public static synchronized Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void trainsAndReportsClipping() {
        Result r = run("train", "--model", "lstm", "--task", "charlm", "--steps", "4", "--batch", "4", "--seq", "8",
                "--hidden", "16", "--layers", "1", "--clip", "norm:0.01", "--eval", "0", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trained 4 steps"), r.out());
        assertTrue(r.out().contains("clipped 4 steps"), "a tiny threshold clips every step: " + r.out());
    }

    @Test
    void pauseOnStopsAHeadlessRunWhereTheRuleFiresWithACheckpointThere(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path out = tmp.resolve("x");
        Result r = run("train", "--model", "rnn", "--task", "adding", "--seq", "50", "--hidden", "64", "--init", "basic-tanh",
                "--optimizer", "sgd", "--lr", "0.5", "--seed", "3", "--steps", "1500", "--pause-on", "nonfinite", "--out", out.toString(),
                "--eval", "0", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("paused at step (\\d+) \\(first non-finite step: (\\d+)\\)").matcher(r.out());
        assertTrue(m.find(), r.out());
        long at = Long.parseLong(m.group(1));
        assertEquals(Long.parseLong(m.group(2)) + 1, at);
        assertTrue(java.nio.file.Files.exists(org.gradlab.record.CheckpointIo.fileFor(out, at)), "a checkpoint where it paused");
        try (org.gradlab.record.RunReader rr = org.gradlab.record.RunReader.open(out)) {
            assertEquals(at, rr.endStep(), "recorded up to the pause");
        }
        r = run("train", "--model", "rnn", "--task", "adding", "--hidden", "8", "--batch", "4", "--seq", "5", "--steps", "100",
                "--pause-at", "7", "--eval", "0", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trained 7 steps") && r.out().contains("paused at step 7 (pause-at 7)"), r.out());
    }

    /** The first line of stderr, for a command that must fail with exit code 2 and no stack trace. */
    static String refusal(String... args) {
        Result r = run(args);
        assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.out() + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        return r.err().lines().findFirst().orElse("");
    }

    @Test
    void theFirstHourMessagesNameWhatIsWrong(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        assertEquals("gradlab: unknown option '--bogus' for gradlab train", refusal("train", "--bogus"));
        assertEquals("gradlab: unknown option '--bogus' for gradlab ui", refusal("ui", "--bogus"));
        assertEquals("gradlab: missing RUN: two or more run directories", refusal("compare"));
        assertEquals("gradlab: hidden size (--hidden): 'abc' is not a whole number",
                refusal("train", "--model", "rnn", "--task", "adding", "--hidden", "abc"));
        assertEquals("gradlab: hidden size (--hidden): 65536 is outside 1 to 8192",
                refusal("train", "--model", "rnn", "--task", "adding", "--hidden", "65536"));
        assertEquals("gradlab: invalid clip spec '0': unknown method '0' (methods: none, norm:C, tensor-norm:C, value:V, agc:L, "
                + "autoclip:P, zclip, adagc)", refusal("train", "--model", "rnn", "--task", "adding", "--clip", "0"));
        assertEquals("gradlab: --open " + tmp.resolve("nope") + ": no such directory", refusal("ui", "--open", tmp.resolve("nope").toString()));
        java.nio.file.Path runDir = tmp.resolve("r");
        assertEquals(0, run("train", "--model", "rnn", "--task", "adding", "--hidden", "8", "--batch", "4", "--seq", "5", "--steps", "30",
                "--eval", "0", "--threads", "1", "--out", runDir.toString()).code());
        Result fork = run("fork", runDir.toString(), "--at", "999", "--clip", "none", "--steps", "5", "--out", tmp.resolve("f").toString());
        assertEquals(2, fork.code());
        assertEquals("gradlab: --at 999: step 999 is outside the run: it recorded steps 0–29, so its state exists at steps 0–30",
                fork.err().lines().findFirst().orElse(""));
        assertFalse(fork.out().contains("rebuilding"), "nothing is rebuilt before the step is checked: " + fork.out());
    }

    @Test
    void theCsvHasPerLayerColumnsThatEqualTheStepRecords() throws Exception {
        java.nio.file.Path run = java.nio.file.Path.of("..", "sample-runs", "spike-lstm-clip-norm1");
        Result csv = run("inspect", run.toString(), "--csv");
        assertEquals(0, csv.code(), csv.err());
        java.util.List<String> lines = csv.out().lines().toList();
        java.util.List<String> header = java.util.List.of(lines.get(0).split(","));
        assertTrue(header.contains("non_finite_step") && header.contains("pre_norm/rnn.l0") && header.contains("update_ratio/head"), header.toString());
        assertEquals(1001, lines.size(), "a header and one row per step");
        String[] row = lines.get(401).split(",");
        assertEquals("400", row[0]);
        try (org.gradlab.record.RunReader r = org.gradlab.record.RunReader.open(run)) {
            var s = r.step(400);
            java.util.List<String> layers = r.manifest().groups();
            for (int l = 0; l < layers.size(); l++) {
                assertEquals(s.clip().layerPre()[l], Float.parseFloat(row[header.indexOf("pre_norm/" + layers.get(l))]));
                assertEquals(s.clip().layerPost()[l], Float.parseFloat(row[header.indexOf("post_norm/" + layers.get(l))]));
                assertEquals(s.weightNorms()[l], Float.parseFloat(row[header.indexOf("weight_norm/" + layers.get(l))]));
            }
        }
    }

    @Test
    void uiIsACommandWithHelpThatOpensNothingByItself() {
        Result help = run("--help");
        assertTrue(help.out().contains("  ui "), "ui is listed: " + help.out());
        Result uiHelp = run("ui", "--help");
        assertEquals(0, uiHelp.code());
        assertTrue(uiHelp.out().startsWith("Usage: gradlab ui"), uiHelp.out());
        assertTrue(uiHelp.out().contains("--tensorboard=LOGDIR"), uiHelp.out());
    }

    @Test
    void badInputGivesOneLineAndExitCode2() {
        String[][] bad = {
            {"train", "--model", "transformer", "--task", "charlm"},
            {"train", "--model", "rnn", "--task", "adding", "--clip", "norm:0"},
            {"train", "--model", "rnn", "--task", "adding", "--clip", "norm:NaN"},
            {"train", "--model", "rnn", "--task", "adding", "--lr", "-1"},
            {"train", "--model", "gpt", "--task", "adding"},
            {"train", "--model", "rnn", "--task", "adding", "--nonfinite", "ignore"},
            {"train", "--model", "rnn", "--task", "adding", "--steps", "abc"},
            {"bench", "--models", "lstm,bogus"},
            {"train", "--model", "rnn", "--task", "adding", "--device", "tpu"},
            {"train", "--model", "rnn", "--task", "adding", "--pause-on", "sometimes"},
            {"train", "--model", "rnn", "--task", "adding", "--speed", "-3"},
            {"nosuchcommand"}};
        for (String[] args : bad) {
            Result r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
            String first = r.err().lines().findFirst().orElse("");
            assertTrue(first.startsWith("gradlab: "), "first line names the problem: " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    @Test
    void benchPrintsJson() throws Exception {
        Result r = run("bench", "--models", "rnn-adding", "--steps", "2", "--warmup", "1", "--json", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        JsonNode list = new ObjectMapper().readTree(r.out());
        assertEquals(1, list.size());
        JsonNode row = list.get(0);
        assertEquals("rnn-adding", row.get("model").asText());
        assertEquals(17025, row.get("params").asInt());
        assertEquals("adam", row.get("optimizer").asText(), "the anchors step with Adam, as torch_cpu_bench.py");
        assertEquals(1e-3, row.get("lr").asDouble());
        assertTrue(row.get("ms_per_step").asDouble() > 0);
        assertTrue(row.get("steps_per_s").asDouble() > 0);
        assertTrue(row.get("ms_per_step_in_run").asDouble() > 0, "the queued steps of a run are timed too");
        double full = row.get("ms_per_step").asDouble(), clipped = row.get("ms_per_step_clipped").asDouble();
        double bare = row.get("ms_per_step_bare").asDouble();
        assertTrue(clipped > 0 && bare > 0, "the clipped step without telemetry and the bare step are timed too");
        assertEquals(100 * (full / clipped - 1), row.get("telemetry_overhead_pct").asDouble(), 0.1,
                "telemetry's share is the full step over the same clipped step without it");
        assertEquals(100 * (full / bare - 1), row.get("clip_and_telemetry_overhead_pct").asDouble(), 0.1);
        assertTrue(row.get("telemetry_overhead_pct_margin").asDouble() >= 0, "telemetry's cost comes with its ± (two rounds)");
        double gflop = org.gradlab.run.FlopCount.step("rnn-adding") / 1e9;
        assertEquals(gflop, row.get("gflop_per_step").asDouble(), 1e-3, "the counted matrix-product FLOPs");
        assertEquals(gflop / (row.get("ms_per_step").asDouble() / 1e3), row.get("gflops").asDouble(), 0.02 * row.get("gflops").asDouble());
        assertEquals(1, row.get("threads").asInt());
        assertTrue(row.get("peak_gflops") == null, "no peak unless asked");
    }

    @Test
    void benchTakesSizedAnchorsAndRefusesUnknownOnes() throws Exception {
        Result r = run("bench", "--models", "gpt-d16,lstm-h16-t4", "--steps", "1", "--warmup", "0", "--json", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        JsonNode list = new ObjectMapper().readTree(r.out());
        assertEquals("gpt-d16", list.get(0).get("model").asText());
        assertEquals(org.gradlab.run.FlopCount.step("lstm-h16-t4") / 1e9, list.get(1).get("gflop_per_step").asDouble(), 1e-3);
        // Pascanu's step, as experiment pascanu trains it, recorded as a temporal-order run
        Result p = run("bench", "--models", "pascanu", "--steps", "2", "--warmup", "1", "--json", "--threads", "1", "--record");
        assertEquals(0, p.code(), p.err());
        JsonNode row = new ObjectMapper().readTree(p.out()).get(0);
        assertEquals("pascanu", row.get("model").asText());
        assertEquals(50 * 6 + 50 * 50 + 2 * 50 + 50 * 4 + 4, row.get("params").asInt(), "W_ih, W_hh, both biases, the 4-class head");
        assertEquals(org.gradlab.run.FlopCount.step("pascanu") / 1e9, row.get("gflop_per_step").asDouble(), 1e-3);
        assertEquals("sgd", row.get("optimizer").asText(), "Pascanu's step is plain SGD, as experiment pascanu trains it");
        assertEquals(0.05, row.get("lr").asDouble());
        Result text = run("bench", "--models", "pascanu", "--steps", "2", "--warmup", "1", "--threads", "1");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("sgd lr 0.05, "), "the model's lines name its optimizer: " + text.out());
        Result bad = run("bench", "--models", "lstm-h3-t4");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown model 'lstm-h3-t4'") && bad.err().lines().count() == 1, bad.err());
        assertTrue(bad.err().contains("gpt, pascanu, or a size"), "the error names every model it takes: " + bad.err());
    }

    @Test
    void benchPeakPutsEachModelAgainstTheMachinesFmaPeak() throws Exception {
        Result r = run("bench", "--models", "rnn-adding", "--steps", "2", "--warmup", "1", "--json", "--threads", "1", "--peak");
        assertEquals(0, r.code(), r.err());
        JsonNode row = new ObjectMapper().readTree(r.out()).get(0);
        double peak = row.get("peak_gflops").asDouble(), one = row.get("peak_gflops_one_core").asDouble();
        assertTrue(peak > 0 && one > 0, row.toString());
        assertEquals(100 * row.get("gflops").asDouble() / peak, row.get("pct_of_peak").asDouble(), 0.02 * row.get("pct_of_peak").asDouble() + 0.01);
        Result text = run("bench", "--models", "rnn-adding", "--steps", "2", "--warmup", "1", "--threads", "1", "--peak");
        assertTrue(text.out().contains("peak fp32 FMA") && text.out().contains("% of the 1-thread peak"), text.out());
    }

    @Test
    void benchOpsShowsWhereTheStepGoesCallByCall() throws Exception {
        Result r = run("bench", "--models", "lstm-h16-t4", "--steps", "2", "--warmup", "1", "--json", "--threads", "1", "--ops", "40");
        assertEquals(0, r.code(), r.err());
        JsonNode ops = new ObjectMapper().readTree(r.out()).get(0).get("ops");
        double shares = 0, last = Double.MAX_VALUE;
        java.util.Map<String, JsonNode> byOp = new java.util.HashMap<>();
        for (JsonNode o : ops) {
            byOp.put(o.get("op").asText(), o);
            double share = o.get("share_pct").asDouble();
            assertTrue(share <= last, "costliest first: " + ops);
            last = share;
            shares += share;
            boolean product = o.get("op").asText().startsWith("gemm") || o.get("op").asText().startsWith("gatedSequence");
            assertEquals(product, o.has("gflops"), "GFLOP/s for the matrix products only: " + o);
        }
        assertTrue(shares > 99 && shares < 100.01, "every call, shares summing to 100%: " + shares);
        // two stacked LSTM layers of hidden 16 over T=4, batch 32: each layer's recurrence is one call each way, its
        // products 32×64×16 per step (forward, four steps) and 32×16×64 (backward, three); the recurrent weights'
        // gradient sums over the 128 rows, Aᵀ
        assertEquals(2.0, byOp.get("gatedSequenceForward LSTM 4×32×16").get("calls_per_step").asDouble(), 1e-9, ops.toString());
        assertEquals(2.0, byOp.get("gatedSequenceBackward LSTM 4×32×16").get("calls_per_step").asDouble(), 1e-9);
        assertTrue(byOp.containsKey("gemm 64×16×128 Aᵀ"), ops.toString());
        for (String way : new String[] {"Forward", "Backward"}) {
            JsonNode rec = byOp.get("gatedSequence" + way + " LSTM 4×32×16");
            double flops = 2.0 * 32 * 64 * 16 * (way.equals("Forward") ? 4 : 3);
            assertEquals(flops / (rec.get("us_per_call").asDouble() * 1e3), rec.get("gflops").asDouble(),
                    0.01 * rec.get("gflops").asDouble() + 1e-3, "GFLOP/s from the exact products' FLOPs and the call's time");
        }
        Result text = run("bench", "--models", "lstm-h16-t4", "--steps", "1", "--warmup", "0", "--threads", "1", "--ops", "3");
        assertEquals(4, text.out().lines().dropWhile(l -> !l.contains("where lstm-h16-t4's step goes")).skip(1).count(),
                "a header and the three costliest calls: " + text.out());
        assertEquals(2, run("bench", "--models", "lstm-h16-t4", "--ops", "0").code());
    }

    @Test
    void anImportedLogWithoutClipDataHasNoClipRate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path src = java.nio.file.Path.of(CliTest.class.getClassLoader().getResource("tb/tf-demo").toURI());
        assertEquals(0, run("import", "--out", tmp.resolve("r").toString(), src.toString()).code());
        String summary = run("inspect", tmp.resolve("r").toString()).out();
        assertTrue(summary.contains("clipping: not in the logs;") && !summary.contains("clip rate"), summary);
        String step = run("inspect", tmp.resolve("r").toString(), "--step", "3").out();
        assertTrue(step.contains("lr not in the data") && step.contains("post not in the data"), step);
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"train", "bench"}) {
            Result r = run(c, "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().contains("Usage: gradlab " + c), r.out());
        }
        String train = run("train", "--help").out().replaceAll("\\s+", " ");
        for (org.gradlab.clip.ClipSpec.Kind k : org.gradlab.clip.ClipSpec.Kind.values()) {
            String form = k.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            assertTrue(train.contains(" " + form) || train.contains("| " + form), "train --help names the " + form + " clip: " + train);
        }
    }

    @Test
    void deviceCudaWithoutAGpuIsRefusedInOneLineAndAutoFallsBackToTheCpu() {
        org.gradlab.engine.cuda.CudaProbe.Status gpu = org.gradlab.engine.cuda.CudaProbe.status();
        org.junit.jupiter.api.Assumptions.assumeFalse(gpu.available(), "this machine has a usable GPU");
        Result r = run("train", "--model", "rnn", "--task", "adding", "--steps", "1", "--device", "cuda", "--eval", "0");
        assertEquals(2, r.code(), r.err());
        assertEquals("gradlab: CUDA was asked for but cannot be used: " + gpu.reason() + " (use --device cpu or auto)",
                r.err().strip());
        Result auto = run("train", "--model", "rnn", "--task", "adding", "--steps", "2", "--hidden", "8", "--batch", "4",
                "--seq", "6", "--eval", "0", "--threads", "1");
        assertEquals(0, auto.code(), auto.err());
        assertTrue(auto.out().lines().findFirst().orElse("").startsWith("device: cpu (1 thread,"), auto.out());
        assertTrue(auto.out().contains("GPU not used: " + gpu.reason()), auto.out());
    }

    @Test
    void aSmallVanillaRnnTrainsOnOneThreadUnlessThreadsAreGiven() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "one core: one thread anyway");
        org.junit.jupiter.api.Assumptions.assumeFalse(org.gradlab.engine.cuda.CudaProbe.status().available(), "a GPU trains instead");
        Result small = run("train", "--model", "rnn", "--task", "adding", "--steps", "2", "--hidden", "50", "--batch", "20",
                "--seq", "6", "--eval", "0");
        assertEquals(0, small.code(), small.err());
        String line = small.out().lines().findFirst().orElse("");
        assertTrue(line.startsWith("device: cpu (1 thread,") && line.endsWith("— one thread: a recurrence of batch 20 × hidden 50 runs "
                + "faster on one core than split (--threads N to choose)"), line);
        Result asked = run("train", "--model", "rnn", "--task", "adding", "--steps", "2", "--hidden", "50", "--batch", "20",
                "--seq", "6", "--eval", "0", "--threads", "2");
        assertTrue(asked.out().lines().findFirst().orElse("").startsWith("device: cpu (2 threads,"), asked.out());
        Result gated = run("train", "--model", "gru", "--task", "adding", "--steps", "2", "--hidden", "50", "--batch", "20",
                "--seq", "6", "--eval", "0");
        String all = "device: cpu (" + Runtime.getRuntime().availableProcessors() + " threads,";
        assertTrue(gated.out().lines().findFirst().orElse("").startsWith(all) && !gated.out().contains("one thread:"), gated.out());
    }
}
