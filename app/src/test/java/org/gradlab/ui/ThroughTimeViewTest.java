package org.gradlab.ui;

import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.gradlab.cli.CliTest;
import org.gradlab.telemetry.StepStats;
import org.gradlab.ui.chart.HeatmapChart;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.view.CompareView;
import org.gradlab.ui.view.DashboardPane;
import org.gradlab.ui.vm.ReplayModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recurrent pictures on screen, from three short recorded runs with Pascanu's initialisations: Compare puts
 * one gradient-through-time heatmap per run side by side (sigmoid's underflowed rows black, not blank), the
 * curves' readouts equal the records' values (what inspect --step prints), and a replay's curve follows the cursor.
 */
@ExtendWith(ApplicationExtension.class)
class ThroughTimeViewTest {
    static Path dir;
    static final String[] INITS = {"sigmoid", "basic-tanh", "smart-tanh"};
    final List<ReplayModel> models = new ArrayList<>();
    CompareView compare;

    @BeforeAll
    static void record() throws Exception {
        dir = Files.createTempDirectory("through-time");
        for (String init : INITS) {
            CliTest.Result r = CliTest.run("train", "--model", init.equals("sigmoid") ? "rnn-sigmoid" : "rnn", "--init", init, "--task",
                    "temporal-order", "--hidden", "50", "--seq", "50", "--batch", "20", "--optimizer", "sgd", "--lr", "0.01", "--clip",
                    "norm:1", "--steps", "120", "--radius-every", "20", "--eval", "0", "--threads", "1", "--out", dir.resolve(init).toString());
            assertEquals(0, r.code(), r.err());
        }
        CliTest.Result gpt = CliTest.run("train", "--model", "gpt", "--task", "charlm", "--dim", "16", "--heads", "2", "--layers", "1",
                "--seq", "16", "--batch", "4", "--steps", "3", "--eval", "0", "--threads", "1", "--out", dir.resolve("gpt").toString());
        assertEquals(0, gpt.code(), gpt.err());
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (var w = Files.walk(dir)) {
            w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Start
    void start(Stage s) throws Exception {
        compare = new CompareView();
        for (String init : INITS) {
            ReplayModel m = ReplayModel.load(dir.resolve(init));
            models.add(m);
            compare.add(m.data(), "norm:1");
        }
        s.setScene(new Scene(compare, 1500, 1000));
        s.show();
    }

    @Test
    void compareShowsEachInitialisationsGradientThroughTimeSideBySide(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> compare.frame());
        List<HeatmapChart> heats = compare.throughTimeHeatmaps();
        assertEquals(3, heats.size());
        AtomicReference<WritableImage> img = new AtomicReference<>();
        robot.interact(() -> {
            heats.get(0).redraw();
            img.set(heats.get(0).canvas().snapshot(null, null));
        });
        // sigmoid: the gradient reaching the early time steps underflows to exactly 0 — black rows at the top, colour below
        StepStats last = models.get(0).record(119);
        float[] g = last.timeGrads();
        assertEquals(0f, g[0], "sigmoid's gradient at t=1 underflowed");
        assertTrue(g[49] > 0);
        PixelReader pr = img.get().getPixelReader();
        int h = (int) img.get().getHeight(), x = (int) img.get().getWidth() - 40;
        int top = pr.getArgb(x, 22 + 5), bottom = pr.getArgb(x, h - 20 - 5);
        assertEquals(HeatmapChart.ZERO, top, "t=1 is drawn black (exactly zero)");
        assertTrue(bottom != HeatmapChart.ZERO && (bottom & 0xFFFFFF) != 0xFFFFFF, "t=50 has a colour: " + Integer.toHexString(bottom));

        // the curves: each run's last step, every value as the record (inspect --step) has it
        List<String> at50 = compare.throughTimeCurves().readout(49), at1 = compare.throughTimeCurves().readout(0);
        assertEquals("t 50", at50.get(0));
        for (int i = 0; i < 3; i++) {
            float[] v = models.get(i).record(119).timeGrads();
            assertTrue(at50.get(i + 1).startsWith(models.get(i).data().name() + " @119: "), at50.get(i + 1));
            assertEquals(v[49], value(at50.get(i + 1)), 5e-4 * v[49], at50.get(i + 1));
            if (v[0] > 0) assertEquals(v[0], value(at1.get(i + 1)), 5e-4 * v[0], at1.get(i + 1));
            else assertTrue(at1.get(i + 1).endsWith("(not drawn)"), at1.get(i + 1));
        }
        // the spectral radii, measured every 20 steps, on one chart with the line ρ = 1
        assertEquals(0.95f, models.get(2).record(0).radii()[0], 0.01f);
        assertTrue(compare.radiusChart().message().isEmpty(), compare.radiusChart().message());
    }

    @Test
    void aHoverDrawsOverTheKeptImageAndAZoomRecomputesIt(FxRobot robot) {
        robot.interact(() -> compare.frame());
        HeatmapChart h = compare.throughTimeHeatmaps().get(2);
        AtomicReference<long[]> counts = new AtomicReference<>();
        robot.interact(() -> {
            long before = h.imagesComputed();
            for (long k = 10; k < 110; k += 10) compare.axis().hoverProperty().set(k); // the readout follows the mouse
            long afterHover = h.imagesComputed();
            compare.axis().fromProperty().set(20);
            compare.axis().toProperty().set(80);
            counts.set(new long[] {before, afterHover, h.imagesComputed()});
        });
        assertEquals(counts.get()[0], counts.get()[1], "ten hover moves recomputed no image");
        assertTrue(counts.get()[2] > counts.get()[1], "a zoom recomputes it");
        List<String> r = h.readout(50);
        assertTrue(r.get(0).equals("step 50"), r.toString());
    }

    private static double value(String readout) {
        return Double.parseDouble(readout.substring(readout.lastIndexOf(' ') + 1));
    }

    @Test
    void aReplayedDashboardsCurveFollowsTheCursorsRecord(FxRobot robot) throws Exception {
        AtomicReference<DashboardPane> dash = new AtomicReference<>();
        robot.interact(() -> {
            DashboardPane d = new DashboardPane(models.get(2).data(), new StepAxis());
            d.setFollowLatest(false);
            dash.set(d);
        });
        assertNotNull(dash.get().throughTimeHeatmap());
        StepStats at37 = models.get(2).record(37);
        robot.interact(() -> dash.get().showHistogram(at37));
        assertTrue(dash.get().throughTimeCurve().caption().startsWith("step 37:"), dash.get().throughTimeCurve().caption());
        List<String> r = dash.get().throughTimeCurve().readout(10);
        assertEquals(at37.timeGrads()[10], value(r.get(1)), 5e-4 * at37.timeGrads()[10], r.toString());
    }

    @Test
    void aRunWithoutARecurrenceHasNoSuchPanel(FxRobot robot) throws Exception {
        ReplayModel m = ReplayModel.load(dir.resolve("gpt"));
        AtomicReference<DashboardPane> dash = new AtomicReference<>();
        robot.interact(() -> dash.set(new DashboardPane(m.data(), new StepAxis())));
        assertNull(dash.get().throughTimeHeatmap());
        m.close();
    }
}
