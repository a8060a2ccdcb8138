package org.gradlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.gradlab.engine.HistogramBins;
import org.gradlab.record.RunReader;
import org.gradlab.record.tb.TbImport;
import org.gradlab.record.tb.TbLogDir;
import org.gradlab.telemetry.StepStats;
import org.gradlab.ui.vm.RunViewModel;
import org.gradlab.ui.vm.RunViewModel.Scalar;
import org.gradlab.ui.vm.TbRunModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A log written by the PyTorch probe (app/src/main/python/gradlab_probe.py, driven by write_probe_log.py in this
 * run) read back by GradLab: every panel's series against the values computed directly in Python — loss, lr,
 * pre/post global and per-layer norms, coefficient, threshold, clipped flags and rate, non-finite counts and both
 * histograms — as the TensorBoard view shows them and as an imported run holds them; diagnose and watch on it.
 */
class ProbeLogTest {
    @TempDir
    static Path tmp;
    static JsonNode expected;
    static Path logs;

    @BeforeAll
    static void writeTheLog() throws Exception {
        String py = PythonTorch.find();
        PythonTorch.Result r = PythonTorch.run(List.of(py, PythonTorch.TESTS.resolve("write_probe_log.py").toString(), tmp.toString()), Path.of("."), 600);
        assertEquals(0, r.code(), r.output());
        // Python writes NaN and Infinity as such (the non-finite step)
        expected = com.fasterxml.jackson.databind.json.JsonMapper.builder().enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build().readTree(tmp.resolve("expected.json").toFile());
        logs = tmp.resolve("logs");
    }

    /** The steps as the TensorBoard view receives them (two polls: the second completes the newest step). */
    static Map<String, TbRunModel> shown() throws Exception {
        Map<String, TbRunModel> out = new TreeMap<>();
        for (TbRunModel m : TbRunModel.open(logs)) {
            for (int i = 0; i < 2; i++) m.poll(true, (steps, warnings) -> steps.forEach(m::append));
            out.put(m.data().name().substring(m.data().name().lastIndexOf('/') + 1), m);
        }
        return out;
    }

    @Test
    void everyPanelOfTheTensorBoardViewShowsWhatTheProbeComputed() throws Exception {
        Map<String, TbRunModel> runs = shown();
        assertEquals(List.of("insurance", "norm", "observe", "value"), new ArrayList<>(runs.keySet()));
        for (var e : runs.entrySet()) {
            RunViewModel d = e.getValue().data();
            JsonNode records = expected.get("runs").get(e.getKey()).get("records");
            assertEquals(records.size(), d.steps(), e.getKey());
            long clipped = 0, nonFiniteSteps = 0;
            for (JsonNode rec : records) {
                long k = rec.get("step").asLong();
                String at = e.getKey() + " step " + k;
                near(rec.get("loss"), d.series(Scalar.LOSS).valueAt(k), at + " loss");
                near(rec.get("lr"), d.series(Scalar.LR).valueAt(k), at + " lr");
                if (Double.isFinite(rec.get("pre").asDouble())) near(rec.get("pre"), d.series(Scalar.PRE_NORM).valueAt(k), at + " pre");
                if (Double.isFinite(rec.get("post").asDouble())) near(rec.get("post"), d.series(Scalar.POST_NORM).valueAt(k), at + " post");
                if (!rec.get("coefficient").isNull() && Double.isFinite(rec.get("coefficient").asDouble())) {
                    near(rec.get("coefficient"), d.series(Scalar.COEFFICIENT).valueAt(k), at + " coefficient");
                }
                if (!rec.get("threshold").isNull()) near(rec.get("threshold"), d.series(Scalar.THRESHOLD).valueAt(k), at + " threshold");
                for (int l = 0; l < d.layers().size(); l++) {
                    JsonNode layer = rec.get("layers").get(d.layers().get(l));
                    assertNotNull(layer, at + ": layer " + d.layers().get(l));
                    if (Double.isFinite(layer.get("pre").asDouble())) near(layer.get("pre"), d.layerPre(l).valueAt(k), at + " layer pre");
                    if (Double.isFinite(layer.get("post").asDouble())) near(layer.get("post"), d.layerPost(l).valueAt(k), at + " layer post");
                }
                long bad = 0;
                for (JsonNode layer : rec.get("layers")) bad += layer.get("nonfinite").asLong();
                assertEquals(bad, (long) d.series(Scalar.NON_FINITE).valueAt(k), at + " non-finite count");
                if (bad > 0) nonFiniteSteps++;
                if (rec.get("clipped").asBoolean()) clipped++;
            }
            assertEquals((double) clipped / records.size(), d.overallClipRate(), 1e-12, e.getKey() + ": clip rate");
            assertEquals(nonFiniteSteps, d.nonFiniteSteps(), e.getKey());
            assertFalse(d.histograms().preOnly(), e.getKey() + ": post-clip histograms are in the log");
            // the newest histograms, as the histogram panel shows them
            JsonNode last = null;
            for (JsonNode rec : records) if (!rec.get("layers").elements().next().get("hist_pre").isNull()) last = rec;
            assertEquals(last.get("step").asLong(), d.histograms().latestStep());
            assertRows(last, d.layers(), d.histograms().latestPre(), "hist_pre", e.getKey());
            assertRows(last, d.layers(), d.histograms().latestPost(), "hist_post", e.getKey());
        }
    }

    @Test
    void anImportedProbeLogHoldsEveryStepsHistogramsAndClipReport() throws Exception {
        TbLogDir dir = TbLogDir.open(logs);
        for (String run : List.of("norm", "value", "observe", "insurance")) {
            Path out = tmp.resolve("imported-" + run);
            TbImport.importRun(dir.runs().get(run), logs, out);
            JsonNode records = expected.get("runs").get(run).get("records");
            try (RunReader r = RunReader.open(out)) {
                assertEquals(records.size(), r.stepCount());
                for (JsonNode rec : records) {
                    StepStats s = r.step(rec.get("step").asLong());
                    String at = run + " step " + s.step();
                    assertEquals(rec.get("clipped").asBoolean(), s.clip().clipped(), at);
                    boolean hist = !rec.get("layers").elements().next().get("hist_pre").isNull();
                    if (!hist) {
                        assertNull(s.histPre(), at);
                        continue;
                    }
                    assertRows(rec, r.manifest().groups(), s.histPre(), "hist_pre", at);
                    assertRows(rec, r.manifest().groups(), s.histPost(), "hist_post", at);
                }
            }
        }
    }

    @Test
    void diagnoseFindsTheSpikeAndTheNonFiniteStepInTheProbeLog() throws Exception {
        JsonNode d = DiagnoseTest.diagnose(logs.resolve("observe").toString());
        assertEquals(0.0, d.get("clip").get("rate").asDouble(), d.toPrettyString()); // known: observe logs "did not clip"
        long spikeAt = expected.get("spike_at").asLong();
        assertTrue(d.get("spikes").size() >= 1, d.toPrettyString());
        assertEquals(spikeAt, d.get("spikes").get(0).get("step").asLong(), d.toPrettyString());
        assertEquals(expected.get("nan_at").asLong(), d.get("non_finite").get("first_step").asLong(), d.toPrettyString());
    }

    @Test
    void theReadmeExampleHasItsSpikeAtStep120AndClippingAsInsurance() throws Exception {
        Path demo = tmp.resolve("probe-demo");
        PythonTorch.Result r = PythonTorch.run(List.of(PythonTorch.find(), PythonTorch.MAIN.resolve("probe_example.py").toString(), demo.toString()),
                Path.of("."), 600);
        assertEquals(0, r.code(), r.output());
        JsonNode d = DiagnoseTest.diagnose(demo.toString());
        assertEquals(1, d.get("spikes").size(), d.toPrettyString());
        assertEquals(120, d.get("spikes").get(0).get("step").asLong());
        assertEquals("insurance", d.get("clip").get("regime").asText(), d.toPrettyString());
        assertEquals(300, d.get("steps").asLong());
    }

    @Test
    void watchReadsTheProbeLogToTheEnd() {
        CliTest.Result r = CliTest.run("watch", logs.resolve("norm").toString(), "--json", "--until-idle", "0.5", "--interval", "0.05");
        assertEquals(0, r.code(), r.err());
        String last = r.out().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.contains("\"steps\":" + expected.get("steps").asInt()), r.out());
        assertTrue(r.out().contains("\"kind\":\"non-finite\""), r.out());
    }

    private static void near(JsonNode want, float got, String what) {
        double w = want.asDouble();
        assertEquals((float) w, got, 2e-6 * Math.max(1e-30, Math.abs(w)), what);
    }

    /** The finite bins of every layer's row equal the counts Python computed (NaN/inf go to nonfinite/, not bins). */
    private static void assertRows(JsonNode rec, List<String> layers, int[] rows, String side, String what) {
        assertNotNull(rows, what + " " + side);
        int w = HistogramBins.WIDTH;
        for (int l = 0; l < layers.size(); l++) {
            JsonNode want = rec.get("layers").get(layers.get(l)).get(side);
            int[] exp = new int[HistogramBins.POS_INF], got = new int[HistogramBins.POS_INF];
            for (int b = 0; b < exp.length; b++) {
                exp[b] = want.get(b).asInt();
                got[b] = rows[l * w + b];
            }
            assertArrayEquals(exp, got, what + " " + side + " " + layers.get(l));
        }
    }
}
