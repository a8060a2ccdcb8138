package org.gradlab.ui;

import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.gradlab.clip.ClipAction;
import org.gradlab.clip.ClipReport;
import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.ParamLayout;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.record.RunManifest;
import org.gradlab.record.RunWriter;
import org.gradlab.run.RunConfig;
import org.gradlab.run.SessionConfig;
import org.gradlab.telemetry.HistogramLayout;
import org.gradlab.telemetry.StepStats;
import org.gradlab.ui.chart.HeatmapChart;
import org.gradlab.ui.chart.Palette;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.chart.TimeChart;
import org.gradlab.ui.view.DashboardPane;
import org.gradlab.ui.vm.ReplayModel;
import org.gradlab.ui.vm.RunViewModel;
import org.gradlab.overview.SeriesStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A single-step spike at a random step of a 100,000-step run is drawn at full strength wherever it is: in the
 * global-norm chart (red at the top of the plot, in the spike's pixel column), in the per-layer heatmap (the
 * palette's top colour in its layer's row) and in the histogram over time (the one column that counted the
 * spike's extreme bin) — at two window sizes and three zooms; and a replay of the same steps, recorded and read
 * back, holds the very same per-pixel summaries as the live view-model.
 */
@ExtendWith(ApplicationExtension.class)
class SpikeVisibilityTest {
    static final int STEPS = 100_000, LAYERS = 8, SPIKE_LAYER = 3, EXTREME = 2 * HistogramLayout.SIDE - 1;
    static final long SPIKE = 1_000 + new SplittableRandom(20261201).nextLong(STEPS - 2_000);
    Stage stage;

    @Start
    void start(Stage s) {
        stage = s;
    }

    /** A window of its own for each dashboard (a stage resized between scenes upsets the headless painter). */
    private void show(DashboardPane d, int w, int h) {
        stage.close();
        stage = new Stage();
        stage.setScene(new Scene(d, w, h));
        stage.show();
    }

    /** Quiet steps (norms about 1, histograms in the middle bins) and one spike: ×1000 in one layer, counts in the +2^14 bin. */
    static StepStats step(long k, SplittableRandom rng) {
        return step(k, rng, SPIKE);
    }

    static StepStats step(long k, SplittableRandom rng, long spikeAt) {
        boolean spike = k == spikeAt;
        float[] lPre = new float[LAYERS], t = new float[LAYERS];
        for (int l = 0; l < LAYERS; l++) lPre[l] = (float) Math.exp(0.2 * rng.nextGaussian()) * (spike && l == SPIKE_LAYER ? 1000 : 1);
        double sq = 0;
        for (float v : lPre) sq += v * v;
        float pre = (float) Math.sqrt(sq);
        ClipReport c = new ClipReport(pre, pre, pre, 1, false, Double.NaN, 0, ClipAction.NONE, 0, t, t, lPre, lPre);
        int[] h = new int[LAYERS * HistogramLayout.WIDTH];
        for (int l = 0; l < LAYERS; l++) for (int b = 20; b < 34; b++) h[l * HistogramLayout.WIDTH + b] = 50 + rng.nextInt(50);
        if (spike) h[SPIKE_LAYER * HistogramLayout.WIDTH + EXTREME] = 5;
        float[] w = new float[LAYERS], r = new float[LAYERS];
        java.util.Arrays.fill(w, 3f);
        java.util.Arrays.fill(r, 1e-3f);
        return new StepStats(k, 0, 0, 1f, 1e-3, c, false, w, r, h, h);
    }

    static List<String> layers() {
        List<String> out = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) out.add("layer" + l);
        return out;
    }

    @Test
    void theSpikeIsDrawnAtFullStrengthAtEveryWidthAndZoom(FxRobot robot) throws Exception {
        RunViewModel live = new RunViewModel("live", layers());
        SplittableRandom rng = new SplittableRandom(1);
        for (long k = 0; k < STEPS; k++) live.append(step(k, rng));
        // a live run keeps its recent steps one per bucket: a spike among them, seen 20 steps wide, is one step wide
        long recentSpike = STEPS - 1_000 - new SplittableRandom(7).nextLong(2_000);
        RunViewModel liveRecent = new RunViewModel("live", layers());
        SplittableRandom rng2 = new SplittableRandom(1);
        for (long k = 0; k < STEPS; k++) liveRecent.append(step(k, rng2, recentSpike));
        for (int[] size : new int[][] {{900, 700}, {1500, 900}}) {
            for (long[] zoom : new long[][] {{-1, -1}, {SPIKE - 5_000, SPIKE + 5_000}, {recentSpike - 10, recentSpike + 10}}) {
                boolean deep = zoom[0] >= 0 && zoom[1] - zoom[0] < 100;
                checkDashboard(robot, deep ? liveRecent : live, deep ? recentSpike : SPIKE, size, zoom, "live");
            }
        }
    }

    /** The global-norm chart and the per-layer heatmap of a dashboard on `data`, drawn at `size` over window `zoom`. */
    private void checkDashboard(FxRobot robot, RunViewModel data, long spike, int[] size, long[] zoom, String what) {
        String where = what + " " + size[0] + "×" + size[1] + ", window " + (zoom[0] < 0 ? "all" : zoom[0] + "–" + zoom[1]);
        AtomicReference<DashboardPane> dash = new AtomicReference<>();
        robot.interact(() -> {
            DashboardPane d = new DashboardPane(data, new StepAxis());
            show(d, size[0], size[1]);
            dash.set(d);
        });
        robot.interact(() -> { }); // one layout pass
        DashboardPane d = dash.get();
        AtomicReference<WritableImage[]> img = new AtomicReference<>();
        robot.interact(() -> {
            d.axis().fromProperty().set(zoom[0]);
            d.axis().toProperty().set(zoom[1]);
            d.timeCharts().get(1).redraw();
            d.layerHeatmap().redraw();
            img.set(new WritableImage[] {d.timeCharts().get(1).canvas().snapshot(null, null), d.layerHeatmap().canvas().snapshot(null, null)});
        });
        checkNormChart(d.timeCharts().get(1), img.get()[0], spike, zoom, where);
        checkLayerHeatmap(d.layerHeatmap(), img.get()[1], spike, where);
    }

    /**
     * The norm lines (pre-clip red, post-clip blue on top of it when nothing clipped) reach higher in the spike's
     * column than anywhere else by more than half the plot's height: the one step stands out at full strength.
     */
    private static void checkNormChart(TimeChart c, WritableImage img, long spike, long[] zoom, String where) {
        double x = c.xOf(spike), top = c.plotYRange()[0], bottom = c.plotYRange()[1];
        assertTrue(!Double.isNaN(x), where);
        PixelReader pr = img.getPixelReader();
        double spikeTop = bottom, elsewhereTop = bottom;
        int high = 0; // columns whose line reaches the top quarter
        for (int px = 60; px < img.getWidth() - 10; px++) {
            for (int y = (int) Math.ceil(top) + 1; y < bottom; y++) {
                int argb = pr.getArgb(px, y), r = argb >> 16 & 255, g = argb >> 8 & 255, b = argb & 255;
                // a coloured pixel: the lines (red, blue, and their antialiased blend); grid, text and background are grey
                boolean line = Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 20;
                if (!line) continue;
                if (y < top + (bottom - top) / 4) high++;
                if (Math.abs(px - x) <= 2) spikeTop = Math.min(spikeTop, y);
                else if (Math.abs(px - x) > 40) elsewhereTop = Math.min(elsewhereTop, y); // its glyph and value label sit beside it
                break;
            }
        }
        assertTrue(elsewhereTop - spikeTop > (bottom - top) / 2, where + ": the spike's column reaches y " + spikeTop
                + ", every other column only y " + elsewhereTop + " (plot " + top + "–" + bottom + ", spike at x " + x + ")");
        if (zoom[0] >= 0 && zoom[1] - zoom[0] < 100) {
            double perStep = (img.getWidth() - 68) / (double) (zoom[1] - zoom[0]);
            assertTrue(high <= 2 * perStep + 4, where + ": one step wide (" + high + " columns high, " + perStep + " px per step)");
        }
    }

    /** The spike's layer row holds the palette's top colour in the spike's column. */
    private static void checkLayerHeatmap(HeatmapChart h, WritableImage img, long spike, String where) {
        double x = h.xOf(spike), y = h.yOfRow(SPIKE_LAYER, LAYERS);
        assertTrue(!Double.isNaN(x), where);
        assertEquals(Integer.toHexString(Palette.heat(1.0)), Integer.toHexString(img.getPixelReader().getArgb((int) x, (int) y)),
                where + ": the spike at full colour in its layer's row");
        double far = x > img.getWidth() / 2 ? x - 60 : x + 60;
        assertTrue(img.getPixelReader().getArgb((int) far, (int) y) != Palette.heat(1.0), where + ": only there");
    }

    @Test
    void theHistogramOverTimeCountsTheSpikesExtremeBinInItsColumnOnly(FxRobot robot) throws Exception {
        RunViewModel live = new RunViewModel("live", layers());
        SplittableRandom rng = new SplittableRandom(1);
        for (long k = 0; k < STEPS; k++) live.append(step(k, rng));
        for (long[] zoom : new long[][] {{-1, -1}, {SPIKE - 5_000, SPIKE + 5_000}}) checkHistogram(robot, live, SPIKE, zoom, "live");
        long recentSpike = STEPS - 300;
        RunViewModel liveRecent = new RunViewModel("live", layers());
        SplittableRandom rng2 = new SplittableRandom(1);
        for (long k = 0; k < STEPS; k++) liveRecent.append(step(k, rng2, recentSpike));
        checkHistogram(robot, liveRecent, recentSpike, new long[] {recentSpike - 10, recentSpike + 10}, "live, recent");
    }

    /**
     * The +2^14 bin's row: the spike's count is drawn in the pixel columns of the bucket that holds it (the readout
     * names its steps) and in no other; zoomed to 20 steps, in the spike's own step.
     */
    private void checkHistogram(FxRobot robot, RunViewModel data, long spike, long[] zoom, String what) {
        AtomicReference<DashboardPane> dash = new AtomicReference<>();
        robot.interact(() -> {
            DashboardPane d = new DashboardPane(data, new StepAxis());
            show(d, 1500, 900);
            dash.set(d);
        });
        AtomicReference<WritableImage> img = new AtomicReference<>();
        robot.interact(() -> {
            javafx.scene.control.ComboBox<?> picker = (javafx.scene.control.ComboBox<?>) dash.get().lookup("#layerPicker");
            picker.getSelectionModel().select(SPIKE_LAYER);
            dash.get().axis().fromProperty().set(zoom[0]);
            dash.get().axis().toProperty().set(zoom[1]);
            dash.get().histogramHeatmap().redraw();
            img.set(dash.get().histogramHeatmap().canvas().snapshot(null, null));
        });
        HeatmapChart h = dash.get().histogramHeatmap();
        String where = what + ", window " + (zoom[0] < 0 ? "all" : zoom[0] + "–" + zoom[1]);
        String span = h.readout(spike).get(0); // "step k" or "steps a–b": what the spike's pixel column covers
        long a = span.startsWith("steps ") ? Long.parseLong(span.substring(6, span.indexOf('–'))) : spike;
        long b = span.startsWith("steps ") ? Long.parseLong(span.substring(span.indexOf('–') + 1)) : spike;
        double x = h.xOf(spike), y = h.yOfRow(0, HistogramLayout.WIDTH); // row 0: the largest positive magnitudes
        double xa = Math.min(x, h.xOf(Math.max(a, zoom[0] < 0 ? 0 : zoom[0]))), xb = Math.max(x, h.xOf(Math.min(b, zoom[1] < 0 ? STEPS - 1 : zoom[1])));
        boolean deep = zoom[0] >= 0 && zoom[1] - zoom[0] < 100;
        double perStep = (img.get().getWidth() - 120) / (double) (zoom[1] - zoom[0] + 1);
        if (deep) { // zoomed in, a step spans many pixel columns: the spike's step, and only it
            xa = x - perStep - 1;
            xb = x + perStep + 1;
        }
        int bg = Palette.heat(Double.NaN);
        assertTrue(img.get().getPixelReader().getArgb((int) x, (int) y) != bg, where + ": the spike's +2^14 count drawn");
        List<Integer> others = new ArrayList<>();
        for (int px = 115; px < img.get().getWidth() - 12; px++) {
            if ((px < xa - 1 || px > xb + 1) && img.get().getPixelReader().getArgb(px, (int) y) != bg) others.add(px);
        }
        assertEquals(List.of(), others, where + ": no column outside the spike's bucket (" + span + ", x " + xa + "–" + xb + ") counted that bin");
        if (deep) {
            int drawn = 0;
            for (int px = 115; px < img.get().getWidth() - 12; px++) if (img.get().getPixelReader().getArgb(px, (int) y) != bg) drawn++;
            assertTrue(drawn <= perStep + 2, where + ": one step wide (" + drawn + " px, " + perStep + " px per step)");
        }
    }

    @Test
    void aReplayOfTheRecordedStepsHoldsTheLiveViewsSummaries(FxRobot robot, @TempDir Path tmp) throws Exception {
        ParamLayout.Builder b = new ParamLayout.Builder();
        for (int l = 0; l < LAYERS; l++) b.add("layer" + l + ".weight", "layer" + l, InitRule.uniform(1), 4);
        RunConfig rc = new RunConfig("rnn", "adding", 8, 1, 8, 16, 2, 4, 16, OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 1e-3),
                RunConfig.DEFAULT_INIT, 1);
        SessionConfig sc = new SessionConfig(rc, ClipSpec.parse("none"), NonFinitePolicy.PROPAGATE, STEPS, List.of(), 0, true);
        RunViewModel live = new RunViewModel("live", layers());
        SplittableRandom rng = new SplittableRandom(1);
        Path dir = tmp.resolve("run");
        try (RunWriter w = RunWriter.create(dir, RunManifest.create(sc, b.build(), null))) {
            for (long k = 0; k < STEPS; k++) {
                StepStats s = step(k, rng);
                live.append(s);
                w.onStep(s);
            }
        }
        try (ReplayModel m = ReplayModel.load(dir)) {
            RunViewModel replay = m.data();
            // zoomed to 20 steps anywhere in the run: that window's records, one step per bucket
            replay.attachDetail(m.detail(SPIKE - 10, SPIKE + 10));
            checkDashboard(robot, replay, SPIKE, new int[] {1500, 900}, new long[] {SPIKE - 10, SPIKE + 10}, "replay");
            checkDashboard(robot, replay, SPIKE, new int[] {900, 700}, new long[] {-1, -1}, "replay");
            checkHistogram(robot, replay, SPIKE, new long[] {SPIKE - 10, SPIKE + 10}, "replay");
            assertEquals(STEPS, replay.steps());
            assertSame(live.series(RunViewModel.Scalar.PRE_NORM), replay.series(RunViewModel.Scalar.PRE_NORM));
            for (int l = 0; l < LAYERS; l++) assertSame(live.layerPre(l), replay.layerPre(l));
            var a = live.histograms();
            var c = replay.histograms();
            assertEquals(a.columns(), c.columns());
            assertEquals(a.columnWidth(), c.columnWidth());
            for (int col = 0; col < a.columns(); col++) {
                for (int bin = 0; bin < HistogramLayout.WIDTH; bin++) {
                    assertEquals(a.count(col, SPIKE_LAYER, bin), c.count(col, SPIKE_LAYER, bin), "column " + col + " bin " + bin);
                }
            }
        }
    }

    private static void assertSame(SeriesStore a, SeriesStore b) {
        assertEquals(a.buckets(), b.buckets());
        assertEquals(a.bucketWidth(), b.bucketWidth());
        float[] amin = new float[a.buckets()], amax = new float[a.buckets()], bmin = new float[a.buckets()], bmax = new float[a.buckets()];
        for (int i = 0; i < a.buckets(); i++) {
            amin[i] = a.min(i);
            amax[i] = a.max(i);
            bmin[i] = b.min(i);
            bmax[i] = b.max(i);
        }
        assertArrayEquals(amin, bmin);
        assertArrayEquals(amax, bmax);
    }
}
