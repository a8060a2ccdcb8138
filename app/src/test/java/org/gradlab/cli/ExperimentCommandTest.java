package org.gradlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.gradlab.record.EvalLog;
import org.gradlab.record.RunReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gradlab experiment pascanu} on a tiny grid: every cell recorded and readable, the table, results.json and the plot agree. */
class ExperimentCommandTest {
    @Test
    void aTinyGridRecordsEveryCellAndReportsIt(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("grid");
        CliTest.Result r = CliTest.run("experiment", "pascanu", "--lengths", "10,20", "--seeds", "2", "--steps", "1500", "--eval-every", "500",
                "--lr", "0.05", "--hidden", "16", "--parallel", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("success rate (solved seeds / 2)"), r.out());
        JsonNode j = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals(8, j.get("cells").size(), "2 lengths × 2 seeds × 2 arms");
        for (JsonNode c : j.get("cells")) {
            Path run = out.resolve(c.get("run").asText());
            try (RunReader rr = RunReader.open(run)) {
                assertEquals(c.get("steps").asLong(), rr.stepCount(), "the recording holds every step the cell trained: " + run);
                assertEquals(c.get("length").asInt(), rr.manifest().session().run().seq());
                double clipped = 0;
                for (int i = 0; i < rr.index().count(); i++) clipped += rr.index().valueAt(i, org.gradlab.record.Series.CLIPPED);
                assertEquals(clipped / rr.stepCount(), c.get("clip_rate").asDouble(), 1e-12, "the clip rate is the recording's");
                if (c.get("arm").asText().equals("none")) assertEquals(0, c.get("clip_rate").asDouble());
            }
            var evals = EvalLog.read(run);
            assertEquals(c.get("error_rate").asDouble(), evals.get(evals.size() - 1).errorRate(), 1e-12, "the reported rate is the run's last evaluation");
            if (c.get("solved").asBoolean()) {
                assertTrue(c.get("error_rate").asDouble() < 0.01);
                assertEquals(10_000, evals.get(evals.size() - 1).sequences(), "success is confirmed on 10,000 fresh sequences");
            }
        }
        for (int t : new int[] {10, 20}) {
            for (String arm : new String[] {"none", "norm:1"}) {
                long n = 0;
                for (JsonNode c : j.get("cells")) if (c.get("length").asInt() == t && c.get("arm").asText().equals(arm) && c.get("solved").asBoolean()) n++;
                long solved = n;
                assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith(String.valueOf(t)) && l.contains(solved + "/2")), "row T=" + t + ": " + r.out());
            }
        }
        BufferedImage png = ImageIO.read(out.resolve("pascanu.png").toFile());
        assertTrue(png.getWidth() >= 600 && png.getHeight() >= 400, "a readable plot");
    }

    /**
     * The README's Fig. 7 lesson at a smaller scale: at T=35 and T=50 (lr 0.05, the command's defaults otherwise)
     * clipping at 1.0 solves every seed within 10,000 steps and no unclipped run solves the task.
     */
    @Test
    void clippingSolvesTheLengthsWhereTheUnclippedRunsFail(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("fig7");
        CliTest.Result r = CliTest.run("experiment", "pascanu", "--lengths", "35,50", "--seeds", "2", "--steps", "10000", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (JsonNode c : new ObjectMapper().readTree(out.resolve("results.json").toFile()).get("cells")) {
            boolean clipped = c.get("arm").asText().equals("norm:1");
            assertEquals(clipped, c.get("solved").asBoolean(), "T=" + c.get("length") + " seed " + c.get("seed") + " " + c.get("arm") + ": " + r.out());
        }
    }

    /**
     * The README's SGD-CR lesson at a smaller scale: at T=100, where clipping alone does not learn in budget (the
     * gradient vanishes rather than explodes), clipping with Pascanu's regulariser (α 4) solves the task — seed 2
     * by step 20,000, the same seed clipped alone still at chance.
     */
    @Test
    void theRegulariserSolvesALengthWhereClippingAloneCannot(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("cr");
        CliTest.Result r = CliTest.run("experiment", "pascanu", "--lengths", "100", "--seeds", "2", "--steps", "20000",
                "--arms", "norm:1,norm:1+omega:4", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode cells = new ObjectMapper().readTree(out.resolve("results.json").toFile()).get("cells");
        for (JsonNode c : cells) {
            boolean regularised = c.get("arm").asText().equals("norm:1+omega:4");
            if (!regularised) {
                assertEquals(false, c.get("solved").asBoolean(), "clipping alone, seed " + c.get("seed") + ": " + r.out());
                assertTrue(c.get("error_rate").asDouble() > 0.5, "still near chance (75% wrong): " + c);
            } else if (c.get("seed").asInt() == 2) {
                assertTrue(c.get("solved").asBoolean(), "clipping and the regulariser, seed 2: " + r.out());
            }
        }
        try (RunReader rr = RunReader.open(out.resolve("T100-seed2-norm_1+omega_4"))) {
            assertEquals(4.0, rr.manifest().session().run().omega(), "the cell's run records the regulariser");
        }
        assertTrue(r.out().contains("norm:1+omega:4"), r.out());

        // the README's fork: the stuck clipped run, branched at step 10,000 with omega=4, breaks through by step 30,000
        Path stuck = out.resolve("T100-seed1-norm_1"), branches = tmp.resolve("branches");
        CliTest.Result f = CliTest.run("fork", stuck.toString(), "--at", "10000", "--steps", "20000", "--variant", "omega=4",
                "--threads", "1", "--out", branches.toString());
        assertEquals(0, f.code(), f.err());
        double[] parent = meanLoss(stuck, 19_000, 20_000), branch = meanLoss(branches.resolve("branch-1-norm_1+omega_4"), 29_000, 30_000);
        assertTrue(parent[0] > 1.35, "the parent at steps 19,000-20,000 is still at chance (ln 4 = 1.386): " + parent[0]);
        assertEquals(1.392, meanLoss(stuck, 5_000, 10_000)[0], 5e-4, "the README's reading of the parent before the fork");
        assertTrue(branch[0] < 0.2, "the regularised branch at steps 29,000-30,000: " + branch[0]);
    }

    /** Mean training loss of a recorded run over steps [from, to), and how many steps that was. */
    private static double[] meanLoss(Path run, long from, long to) throws Exception {
        double sum = 0;
        int n = 0;
        try (RunReader rr = RunReader.open(run)) {
            for (long k = from; k < to; k++) {
                sum += rr.step(k).loss();
                n++;
            }
        }
        return new double[] {sum / n, n};
    }

    /** The README's reading of an unclipped T=35 cell: recurring spikes, no NaN, cliffs not data; the first spike probes as neither. */
    @Test
    void anUnclippedCellShowsTheWallsItHits(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("walls");
        assertEquals(0, CliTest.run("experiment", "pascanu", "--lengths", "35", "--seeds", "1", "--arms", "none", "--out", out.toString()).code());
        JsonNode d = DiagnoseTest.diagnose(out.resolve("T35-seed1-none").toString());
        JsonNode spikes = d.get("spikes");
        assertTrue(spikes.size() > 10, spikes.toString());
        double largest = 0;
        for (JsonNode x : spikes) largest = Math.max(largest, x.get("ratio").asDouble());
        assertTrue(largest > 30, "the largest spike " + largest + "× the median");
        assertEquals(0, d.get("non_finite").get("steps").asLong());
        assertEquals("conditioning", d.get("causes").get(0).get("cause").asText(), d.get("causes").toPrettyString());
        JsonNode probed = DiagnoseTest.diagnose(out.resolve("T35-seed1-none").toString(), "--probe", spikes.get(0).get("step").asText());
        assertEquals("neither (not reproduced by the data or the weights)", probed.get("probe").get("verdict").asText());
        assertEquals("conditioning", probed.get("causes").get(0).get("cause").asText());
    }

    @Test
    void badSettingsAndAUsedFolderAreRefusedBeforeAnythingTrains(@TempDir Path tmp) throws Exception {
        CliTest.Result bad = CliTest.run("experiment", "pascanu", "--arms", "bogus", "--out", tmp.resolve("a").toString());
        assertEquals(2, bad.code());
        assertEquals(1, bad.err().lines().count(), "one line: " + bad.err());
        assertTrue(bad.err().startsWith("gradlab: invalid clip spec 'bogus'"), bad.err());
        assertTrue(CliTest.refusal("experiment", "pascanu", "--lr", "-1", "--out", tmp.resolve("b").toString()).contains("learning rate"));
        Files.createDirectories(tmp.resolve("c"));
        Files.writeString(tmp.resolve("c").resolve("keep.txt"), "x");
        assertEquals("gradlab: --out " + tmp.resolve("c") + " is not empty: give the experiment a new folder",
                CliTest.refusal("experiment", "pascanu", "--out", tmp.resolve("c").toString()));
        assertEquals("x", Files.readString(tmp.resolve("c").resolve("keep.txt")));
        assertTrue(CliTest.refusal("experiment").contains("gradlab experiment pascanu"));
    }
}
