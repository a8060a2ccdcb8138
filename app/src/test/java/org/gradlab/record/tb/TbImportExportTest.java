package org.gradlab.record.tb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.gradlab.engine.HistogramBins;
import org.gradlab.record.RunReader;
import org.gradlab.record.Series;
import org.gradlab.telemetry.StepStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

/** import reproduces every written loss; export → import round-trips a GradLab run. */
class TbImportExportTest {
    @Test
    void importedTensorFlowRunKeepsEveryLossExactly(@TempDir Path tmp) throws Exception {
        Path src = TbLogDirTest.resource("tf-demo");
        JsonNode expected = new ObjectMapper().readTree(src.resolve("expected.json").toFile());
        TbLogDir d = TbLogDir.open(src);
        TbImport.importRun(d.runs().values().iterator().next(), src, tmp.resolve("run"));
        try (RunReader r = RunReader.open(tmp.resolve("run"))) {
            JsonNode loss = expected.get("loss");
            assertEquals(loss.size(), r.stepCount());
            for (int i = 0; i < loss.size(); i++) {
                assertEquals(i, r.index().stepAt(i));
                assertEquals((float) loss.get(i).asDouble(), r.index().valueAt(i, Series.LOSS), "step " + i);
            }
            assertEquals(java.util.List.of("rnn.l0", "head"), r.manifest().groups(), "rnn.*_l0 parameters form layer rnn.l0");
            StepStats s = r.step(5);
            long total = 0;
            for (int v : s.histPre()) total += v;
            assertEquals(256 + 256 + 32 + 256, total, "every logged gradient value is counted in some bin");
            // what the log does not hold reads back as absent, never as a copy of the pre-clip data or a zero
            assertNull(s.histPost(), "no post-clip histograms in the log");
            for (float v : s.clip().layerPost()) assertTrue(Float.isNaN(v), "no post-clip layer norms in the log");
            assertTrue(Float.isFinite(s.clip().layerPre()[0]));
            assertTrue(Double.isNaN(s.lr()), "no learning rate in the log: absent, not 0");
            assertEquals(0, s.clip().nonFinite());
        }
    }

    @Test
    void exportThenImportRoundTrips(@TempDir Path tmp) throws Exception {
        Path run = Path.of("..", "sample-runs", "spike-lstm-clip-norm1");
        TbExport.export(run, tmp.resolve("tb"));
        TbImport.importRun(TbLogDir.open(tmp.resolve("tb")).runs().values().iterator().next(), tmp.resolve("tb"), tmp.resolve("back"));
        try (RunReader a = RunReader.open(run); RunReader b = RunReader.open(tmp.resolve("back"))) {
            assertEquals(a.stepCount(), b.stepCount());
            assertEquals(a.manifest().groups(), b.manifest().groups());
            for (int i = 0; i < a.stepCount(); i += 37) {
                StepStats x = a.step(a.index().stepAt(i)), y = b.step(b.index().stepAt(i));
                assertEquals(x.step(), y.step());
                assertEquals(x.loss(), y.loss());
                assertEquals((float) x.clip().preNorm(), (float) y.clip().preNorm());
                assertEquals((float) x.clip().postNorm(), (float) y.clip().postNorm());
                assertEquals((float) x.clip().coefficient(), (float) y.clip().coefficient());
                assertEquals(x.clip().layerPre()[1], y.clip().layerPre()[1]);
                int w = HistogramBins.WIDTH;
                for (int k = 0; k < x.histPre().length; k++) {
                    boolean finite = k % w < HistogramBins.POS_INF;
                    if (finite) assertEquals(x.histPre()[k], y.histPre()[k], "histogram counter " + k + " at step " + x.step());
                }
            }
        }
    }

    @Test
    void perLayerNormsComeFromTheLoggedSumsOfSquares(@TempDir Path tmp) throws Exception {
        Path src = TbLogDirTest.resource("tensorboardx");
        JsonNode expected = new ObjectMapper().readTree(src.resolve("expected.json").toFile());
        TbImport.importRun(TbLogDir.open(src).runs().values().iterator().next(), src, tmp.resolve("run"));
        try (RunReader r = RunReader.open(tmp.resolve("run"))) {
            int g = r.manifest().groups().indexOf("rnn.l0");
            assertEquals(java.util.List.of("rnn.l0", "head"), r.manifest().groups());
            double sq = 0;
            for (String t : new String[] {"grad/rnn.weight_ih_l0", "grad/rnn.weight_hh_l0", "grad/rnn.bias_ih_l0", "grad/rnn.bias_hh_l0"}) {
                for (JsonNode h : expected.get("histograms").get(t)) if (h.get("step").asLong() == 3) sq += h.get("sum_squares").asDouble();
            }
            assertEquals((float) Math.sqrt(sq), r.step(3).clip().layerPre()[g], 1e-6 * Math.sqrt(sq));
        }
    }
}
