package org.gradlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.gradlab.record.RunFiles;
import org.gradlab.record.tb.TbTestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static org.gradlab.cli.CliTest.refusal;
import static org.gradlab.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** diagnose and watch on runs the tests record, and their JSON contract. */
class DiagnoseTest {
    @TempDir
    Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode diagnose(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("diagnose"));
        a.addAll(List.of(args));
        a.add("--json");
        CliTest.Result r = run(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    Path lstm(String name, int steps, String clip, String... more) {
        Path out = tmp.resolve(name);
        List<String> a = new ArrayList<>(List.of("train", "--model", "lstm", "--task", "charlm", "--hidden", "32", "--layers", "1", "--embed", "16",
                "--batch", "8", "--seq", "16", "--steps", Integer.toString(steps), "--clip", clip, "--eval", "0", "--threads", "1", "--out", out.toString()));
        a.addAll(List.of(more));
        assertEquals(0, run(a.toArray(String[]::new)).code());
        return out;
    }

    Path pascanu(String init, int steps) {
        Path out = tmp.resolve(init);
        assertEquals(0, run("train", "--model", init.equals("sigmoid") ? "rnn-sigmoid" : "rnn", "--init", init, "--task", "temporal-order",
                "--hidden", "50", "--seq", "50", "--batch", "20", "--optimizer", "sgd", "--lr", "0.01", "--clip", "norm:1", "--steps",
                Integer.toString(steps), "--radius-every", "25", "--eval", "0", "--threads", "1", "--out", out.toString()).code());
        return out;
    }

    @Test
    void aVanishingGradientThroughTimeIsNamedAndTheRecordedSpectrumReported() throws Exception {
        JsonNode sig = diagnose(pascanu("sigmoid", 60).toString());
        JsonNode top = sig.get("causes").get(0);
        assertEquals("conditioning", top.get("cause").asText(), sig.get("causes").toPrettyString());
        assertTrue(top.get("evidence").asText().startsWith("the gradient through time vanishes: none of the gradient"), top.toString());
        assertEquals(0.0, sig.get("conditioning").get("reach_back_last_step").asDouble());

        JsonNode smart = diagnose(pascanu("smart-tanh", 60).toString());
        JsonNode c = smart.get("conditioning");
        assertEquals(0.95, c.get("spectral_radius").get(0).get("rho").asDouble(), 1e-3, "at initialisation");
        JsonNode rec = c.get("spectral_radius_recorded").get(0);
        assertEquals(50, rec.get("step").asLong(), "the last step that measured it (every 25)");
        assertEquals(0.95, rec.get("rho").asDouble(), 0.05, "60 steps of SGD at lr 0.01 move it little");
        double first = c.get("reach_back_first_step").asDouble();
        assertTrue(first > 0.01 && first < 0.2, "smart tanh keeps a few percent of the gradient at t=1: " + first);
        for (JsonNode x : smart.get("causes")) assertFalse(x.get("evidence").asText().contains("vanishes"), x.toString());
    }

    @Test
    void anInjectedSpikeIsFoundAtItsStepAndExplainedAsInjected() throws Exception {
        JsonNode d = diagnose(lstm("spike", 300, "none", "--spike", "150:grad:1000").toString());
        assertEquals(1, d.get("spikes").size(), d.toPrettyString());
        JsonNode s = d.get("spikes").get(0);
        assertEquals(150, s.get("step").asLong());
        assertTrue(s.get("explained_by").asText().startsWith("injected grad:1000"), s.toString());
        assertTrue(s.get("score").asDouble() > 10 && s.get("pre_norm").asDouble() > 10, s.toString());
        assertEquals("injected", d.get("causes").get(0).get("cause").asText());
        assertEquals("none", d.get("clip").get("regime").asText());
    }

    @Test
    void aRunThatRecordedOnlyItsLossIsNotCalledHealthy() throws Exception {
        // no clipping and no telemetry: the steps carry the loss alone (how a bare grid cell once recorded)
        Path out = tmp.resolve("bare");
        org.gradlab.run.RunConfig rc = new org.gradlab.run.RunConfig("rnn", "adding", 16, 1, 32, 64, 4, 8, 10,
                org.gradlab.optim.OptimizerConfig.defaults(org.gradlab.optim.OptimizerConfig.Kind.SGD, 0.01), "default", 1);
        org.gradlab.run.SessionConfig sc = new org.gradlab.run.SessionConfig(rc, org.gradlab.clip.ClipSpec.parse("none"),
                org.gradlab.clip.NonFinitePolicy.PROPAGATE, 300, List.of(), 0, false);
        try (org.gradlab.engine.CpuBackend be = new org.gradlab.engine.CpuBackend(1)) {
            org.gradlab.run.TrainingSession s = new org.gradlab.run.TrainingSession(be, sc);
            org.gradlab.record.RunWriter w = org.gradlab.record.RunWriter.record(s, out, null);
            s.start(false);
            assertTrue(s.await(60, java.util.concurrent.TimeUnit.SECONDS));
            w.close();
        }
        JsonNode d = diagnose(out.toString());
        assertEquals("unknown", d.get("causes").get(0).get("cause").asText(), d.toPrettyString());
        String text = run("diagnose", out.toString()).out();
        assertTrue(text.contains("spikes: not assessed (no pre-clip norms recorded)"), text);
        assertFalse(text.contains("nothing to fix"), text);
    }

    @Test
    void recurringUnexplainedSpikesReadAsCliffsNotOneBadBatch() throws Exception {
        // one spike: most often a bad batch; eight spread over the run: the surface has walls the steps keep hitting
        for (int spikesIn : new int[] {1, 8}) {
            List<byte[]> events = new ArrayList<>();
            for (int k = 0; k < 2000; k++) {
                boolean spike = k % 250 == 125 && k / 250 < spikesIn;
                events.add(TbTestFiles.event(k, TbTestFiles.scalar("train/loss", 1.4f - k * 1e-5f),
                        TbTestFiles.scalar("train/grad_norm", spike ? 60f : 1f + 0.02f * (k % 9))));
            }
            Path dir = tmp.resolve("cliffs" + spikesIn);
            TbTestFiles.write(dir.resolve("events.out.tfevents.1"), events);
            JsonNode d = diagnose(dir.toString());
            assertEquals(spikesIn, d.get("spikes").size(), d.get("spikes").toString());
            String top = d.get("causes").get(0).get("cause").asText();
            assertEquals(spikesIn == 1 ? "data" : "conditioning", top, d.get("causes").toPrettyString());
            long causes = d.get("causes").size(), distinct = java.util.stream.StreamSupport.stream(d.get("causes").spliterator(), false)
                    .map(c -> c.get("cause").asText()).distinct().count();
            assertEquals(causes, distinct, "one line per cause");
        }
    }

    @Test
    void aCorruptedBatchProbesAsBatchTied() throws Exception {
        Path run = tmp.resolve("tokens");
        assertEquals(0, run("train", "--model", "lstm", "--task", "charlm", "--hidden", "64", "--layers", "1", "--embed", "32", "--batch", "16",
                "--seq", "32", "--lr", "3e-3", "--steps", "1300", "--spike", "1200:tokens:1", "--eval", "0", "--out", run.toString()).code());
        JsonNode d = diagnose(run.toString(), "--probe", "1200");
        assertEquals("batch-tied (data)", d.get("probe").get("verdict").asText(), d.get("probe").toPrettyString());
        assertTrue(d.get("probe").get("batch_tied").asBoolean());
        assertEquals("data", d.get("causes").get(0).get("cause").asText());
        JsonNode grad = diagnose(lstm("grad", 200, "none", "--spike", "150:grad:1000").toString(), "--probe", "150");
        assertEquals("neither (not reproduced by the data or the weights)", grad.get("probe").get("verdict").asText(),
                "an injected gradient is not in the batch");
    }

    @Test
    void valueClippingOnAnLstmIsConstantAndARareClipIsInsurance() throws Exception {
        JsonNode constant = diagnose(lstm("value", 300, "value:0.001").toString());
        assertEquals("constant", constant.get("clip").get("regime").asText());
        assertTrue(constant.get("clip").get("rate").asDouble() > 0.95);
        assertTrue(constant.get("causes").toString().contains("the threshold, not the gradient, sets every step's size"), constant.get("causes").toString());
        JsonNode insurance = diagnose(Path.of("..", "sample-runs", "spike-lstm-clip-norm1").toString());
        assertEquals("insurance", insurance.get("clip").get("regime").asText());
        assertEquals(0.001, insurance.get("clip").get("rate").asDouble(), 1e-12);
    }

    @Test
    void wouldClipRatesEqualADirectCountOverTheCsv() throws Exception {
        Path run = Path.of("..", "sample-runs", "spike-lstm-no-clip");
        JsonNode d = diagnose(run.toString());
        List<String> csv = run("inspect", run.toString(), "--csv").out().lines().toList();
        int col = List.of(csv.get(0).split(",")).indexOf("pre_clip_norm");
        List<Float> pre = csv.stream().skip(1).map(l -> Float.parseFloat(l.split(",")[col])).toList();
        assertTrue(d.get("threshold_advice").get("would_clip").size() >= 5);
        for (JsonNode w : d.get("threshold_advice").get("would_clip")) {
            double t = w.get("threshold").asDouble();
            long above = pre.stream().filter(p -> p > t).count(), known = pre.stream().filter(p -> !Float.isNaN(p)).count();
            assertEquals((double) above / known, w.get("rate").asDouble(), 1e-12, w.toString());
        }
    }

    @Test
    void theJsonContractHoldsItsFields() throws Exception {
        JsonNode d = diagnose(Path.of("..", "sample-runs", "spike-lstm-clip-norm1").toString());
        assertEquals("gradlab-diagnosis", d.get("format").asText());
        assertEquals(1, d.get("version").asInt());
        assertEquals(1000, d.get("steps").asInt());
        for (String f : List.of("spec", "rate", "regime", "windows", "changes")) assertTrue(d.get("clip").has(f), f);
        for (String f : List.of("step", "pre_norm", "score", "layer", "explained_by", "loss_before", "loss_after", "recovery_steps", "non_finite")) {
            assertTrue(d.get("spikes").get(0).has(f), f);
        }
        for (String f : List.of("mean_norm", "pascanu_range", "percentiles", "would_clip")) assertTrue(d.get("threshold_advice").has(f), f);
        for (JsonNode w : d.get("threshold_advice").get("would_clip")) assertTrue(w.has("threshold") && w.has("rate"), w.toString());
        for (JsonNode c : d.get("causes")) {
            assertTrue(List.of("data", "learning-rate", "numerics", "conditioning", "injected", "none").contains(c.get("cause").asText()));
            assertFalse(c.get("evidence").asText().isEmpty());
        }
        assertEquals(2, d.get("threshold_advice").get("pascanu_range").size());
    }

    @Test
    void badInputIsOneLineWithExitCode2AndADamagedRunIsDiagnosedAsFarAsItIsIntact() throws Exception {
        assertTrue(refusal("diagnose", tmp.resolve("nope").toString()).startsWith("gradlab: no such run or log directory"));
        Path empty = lstm("empty", 5, "none");
        Files.delete(empty.resolve(RunFiles.STEPS));
        Files.deleteIfExists(empty.resolve(RunFiles.INDEX));
        assertTrue(refusal("diagnose", empty.toString()).endsWith("has no recorded steps: nothing to diagnose"));
        Path damaged = lstm("damaged", 120, "norm:1");
        Files.deleteIfExists(damaged.resolve(RunFiles.INDEX));
        long size = Files.size(damaged.resolve(RunFiles.STEPS));
        try (var ch = java.nio.channels.FileChannel.open(damaged.resolve(RunFiles.STEPS), StandardOpenOption.WRITE)) {
            ch.truncate(size * 2 / 3); // cuts a record in half
        }
        JsonNode d = diagnose(damaged.toString());
        assertTrue(d.get("steps").asInt() > 60 && d.get("steps").asInt() < 120);
        assertTrue(d.get("notes").toString().contains("steps.bin is damaged after byte"), d.get("notes").toString());
        assertTrue(refusal("diagnose", damaged.toString(), "--probe", "500").contains("--probe 500: outside the run's recorded steps 0–"));
        assertTrue(refusal("diagnose", Path.of("..", "app", "src", "test", "resources", "tb", "tensorboardx").toString(), "--probe", "3")
                .contains("need a GradLab run"));
    }

    @Test
    void aHuggingFaceStyleLogGetsSpikesWouldClipRatesAndARegimeWhenItsThresholdIsGiven() throws Exception {
        // loss and grad_norm every 5 steps, as the Trainer logs them (logging_steps), one spike at step 700
        List<byte[]> events = new ArrayList<>();
        for (int k = 5; k <= 1000; k += 5) {
            events.add(TbTestFiles.event(k, TbTestFiles.scalar("train/loss", 2f - k / 1000f),
                    TbTestFiles.scalar("train/grad_norm", k == 700 ? 40f : 0.6f + 0.05f * (k % 30) / 10f)));
        }
        TbTestFiles.write(tmp.resolve("hf/events.out.tfevents.1"), events);
        JsonNode plain = diagnose(tmp.resolve("hf").toString());
        assertEquals("unknown", plain.get("clip").get("regime").asText());
        assertTrue(plain.get("notes").toString().contains("the log holds 200 of the 996 steps"), plain.get("notes").toString());
        assertEquals(700, plain.get("spikes").get(0).get("step").asLong());
        assertTrue(plain.get("threshold_advice").get("would_clip").size() >= 5, "would-clip rates from the logged norms");
        JsonNode assumed = diagnose(tmp.resolve("hf").toString(), "--threshold", "1.0");
        assertEquals("insurance", assumed.get("clip").get("regime").asText(), "one logged step of 200 above 1.0");
        assertEquals(0.005, assumed.get("clip").get("rate").asDouble(), 1e-12);
        assertTrue(assumed.get("clip").get("spec").asText().contains("assumed"));
    }

    @Test
    void watchFollowsATensorBoardLogWrittenInRandomChunksAndReportsExactlyItsSteps() throws Exception {
        // a writer that spreads each step's tags over two records (as real writers' flushes do)
        List<byte[]> events = new ArrayList<>();
        float lastLoss = 0;
        for (int k = 0; k < 200; k++) {
            lastLoss = (float) (2.0 / (1 + k * 0.05));
            events.add(TbTestFiles.event(k, TbTestFiles.scalar("train/loss", lastLoss)));
            events.add(TbTestFiles.event(k, TbTestFiles.scalar("train/grad_norm", k == 120 ? 500f : 1f + 0.01f * (k % 7))));
        }
        Path full = tmp.resolve("full/events.out.tfevents.1");
        TbTestFiles.write(full, events);
        byte[] bytes = Files.readAllBytes(full);
        Path live = tmp.resolve("live");
        Files.createDirectories(live);
        Path file = live.resolve("events.out.tfevents.1");
        Files.write(file, new byte[0]);
        CompletableFuture<CliTest.Result> watching = CompletableFuture.supplyAsync(() ->
                run("watch", live.toString(), "--json", "--until-idle", "1.5", "--interval", "0.05"));
        SplittableRandom rng = new SplittableRandom(3);
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, 1 + rng.nextInt(300)); // whole and half records alike
            Files.write(file, java.util.Arrays.copyOfRange(bytes, at, at + n), StandardOpenOption.APPEND);
            at += n;
            Thread.sleep(rng.nextInt(8));
        }
        CliTest.Result r = watching.get();
        assertEquals(0, r.code(), r.err());
        List<JsonNode> lines = new ArrayList<>();
        for (String l : r.out().lines().toList()) lines.add(JSON.readTree(l));
        JsonNode summary = lines.get(lines.size() - 1);
        assertEquals("summary", summary.get("type").asText());
        JsonNode run = summary.get("runs").get(0);
        assertEquals(200, run.get("steps").asInt(), r.out());
        assertEquals(199, run.get("last_step").asInt());
        assertEquals(lastLoss, run.get("last_loss").asDouble(), 1e-6);
        assertEquals(500, run.get("max_pre_norm").asDouble(), 1e-3, "every step's tags were joined: the spike's norm is there");
        assertEquals(0, run.get("non_finite_steps").asInt(), "no NaN was invented from a step seen half-written");
        assertTrue(lines.stream().anyMatch(l -> l.get("type").asText().equals("alert") && l.get("kind").asText().equals("spike")
                && l.get("step").asInt() == 120), "the spike at step 120 alerts: " + r.out());
        assertEquals(1, lines.stream().filter(l -> l.get("type").asText().equals("alert")).count(), "one alert, no noise: " + r.out());
    }
}
