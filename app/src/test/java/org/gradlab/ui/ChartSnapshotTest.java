package org.gradlab.ui;

import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.gradlab.ui.chart.Palette;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.view.DashboardPane;
import org.gradlab.ui.view.Exporter;
import org.gradlab.ui.vm.ReplayModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Charts rendered from a fixed recorded run (sample-runs/spike-lstm-clip-norm1: clip norm:1, a spike at step
 * 400) to PNG, with pixels that must be there: the threshold line, the spike marker, a non-empty heatmap.
 */
@ExtendWith(ApplicationExtension.class)
class ChartSnapshotTest {
    DashboardPane dash;
    Stage stage;

    @Start
    void start(Stage s) throws Exception {
        stage = s;
        ReplayModel m = ReplayModel.load(Path.of("..", "sample-runs", "spike-lstm-clip-norm1"));
        dash = new DashboardPane(m.data(), new StepAxis());
        s.setScene(new Scene(dash, 1500, 900));
        s.show();
    }

    private static int count(WritableImage img, Color want, double tol) {
        return count(img, 0, 0, img.getWidth(), img.getHeight(), c -> Math.abs(c.getRed() - want.getRed()) < tol
                && Math.abs(c.getGreen() - want.getGreen()) < tol && Math.abs(c.getBlue() - want.getBlue()) < tol);
    }

    /** Pixels with x0 ≤ x < x1 and y0 ≤ y < y1 whose colour passes the test. */
    private static int count(WritableImage img, int x0, int y0, double x1, double y1, java.util.function.Predicate<Color> test) {
        PixelReader pr = img.getPixelReader();
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) if (test.test(pr.getColor(x, y))) n++;
        }
        return n;
    }

    private WritableImage snap(FxRobot robot, Canvas c, Path png) throws Exception {
        AtomicReference<WritableImage> img = new AtomicReference<>();
        robot.interact(() -> {
            dash.frame();
            img.set(c.snapshot(null, null));
        });
        Exporter.writePng(img.get(), png);
        assertTrue(Files.size(png) > 1000, "PNG written: " + png);
        return img.get();
    }

    @Test
    void chartsShowThresholdMarkerAndHeatmap(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        Path out = Path.of("target", "snapshots");
        WritableImage norm = snap(robot, dash.timeCharts().get(1).canvas(), out.resolve("norm.png"));
        int green = count(norm, 60, 25, norm.getWidth(), norm.getHeight(), c -> c.getGreen() > 0.45 && c.getRed() < 0.4 && c.getBlue() < 0.4);
        assertTrue(green > 80, "threshold line (green, dashed) drawn: " + green + " pixels");
        assertTrue(count(norm, Palette.MARKER, 0.08) > 40, "spike marker (purple) drawn");
        int red = count(norm, 60, 25, norm.getWidth(), norm.getHeight() / 2, c -> c.getRed() > 0.6 && c.getGreen() < 0.45 && c.getBlue() < 0.45);
        assertTrue(red > 40, "the pre-clip spike (red) rises far above the threshold: " + red + " pixels");
        WritableImage heat = snap(robot, dash.layerHeatmap().canvas(), out.resolve("layer-heatmap.png"));
        int coloured = count(heat, 120, 30, heat.getWidth() - 15, heat.getHeight() - 25,
                c -> Math.abs(c.getRed() - c.getGreen()) > 0.1 || Math.abs(c.getGreen() - c.getBlue()) > 0.1);
        assertTrue(coloured > 2000, "heatmap cells painted: " + coloured);
        // the spike's marker stands in the margins, so no cell of the spike's column is covered
        java.util.function.Predicate<Color> marker = c -> Math.abs(c.getRed() - Palette.MARKER.getRed()) < 0.08
                && Math.abs(c.getGreen() - Palette.MARKER.getGreen()) < 0.08 && Math.abs(c.getBlue() - Palette.MARKER.getBlue()) < 0.08;
        assertEquals(0, count(heat, 110, 22, heat.getWidth() - 10, heat.getHeight() - 20, marker), "no marker over the heatmap's cells");
        assertTrue(count(heat, 110, 0, heat.getWidth() - 10, 22, marker) > 10, "the spike's marker above the heatmap");
        WritableImage hist = snap(robot, dash.histogramHeatmap().canvas(), out.resolve("histogram-heatmap.png"));
        assertTrue(count(hist, Palette.MARKER, 0.08) > 10, "marker on the histogram heatmap too");
        snap(robot, dash.timeCharts().get(0).canvas(), out.resolve("loss.png"));
        // squeezed to several steps per pixel, with the spike marker on the spike's own column, the one-step
        // spike must still be drawn solid (not only as the translucent min/max band)
        robot.interact(() -> stage.setWidth(620));
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage narrow = snap(robot, dash.timeCharts().get(1).canvas(), out.resolve("norm-narrow.png"));
        double plotWidth = narrow.getWidth() - 60;
        assertTrue(1000 / plotWidth > 4, "several steps per pixel: " + plotWidth + " px for 1000 steps");
        int solid = count(narrow, 50, 25, narrow.getWidth(), narrow.getHeight() / 3, c -> c.getRed() > 0.7 && c.getGreen() < 0.3 && c.getBlue() < 0.3);
        assertTrue(solid > 15, "the spike is a solid red stroke above the marker: " + solid + " pixels");
    }

    /** The loss chart switched to a log y axis (its context menu's toggle) redraws on a log axis and back. */
    @Test
    void theLossChartTogglesBetweenLinearAndLogY(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        var loss = dash.timeCharts().get(0);
        Path out = Path.of("target", "snapshots");
        WritableImage linear = snap(robot, loss.canvas(), out.resolve("loss-linear.png"));
        robot.interact(() -> loss.setLogY(true));
        WritableImage log = snap(robot, loss.canvas(), out.resolve("loss-log.png"));
        assertTrue(loss.logY());
        int differ = 0;
        for (int y = 0; y < linear.getHeight(); y++) {
            for (int x = 0; x < linear.getWidth(); x++) if (!linear.getPixelReader().getColor(x, y).equals(log.getPixelReader().getColor(x, y))) differ++;
        }
        assertTrue(differ > 500, "a different picture on a log axis: " + differ + " pixels changed");
        assertEquals("", loss.message(), "the loss is drawn, not replaced by a message");
        robot.interact(() -> loss.setLogY(false));
        assertTrue(!loss.logY());
    }

    /** Eight long legend entries in a narrow chart wrap onto more rows instead of running off the edge. */
    @Test
    void aLongLegendWrapsInsteadOfBeingCutOff(FxRobot robot) throws Exception {
        AtomicReference<Integer> rows = new AtomicReference<>();
        robot.interact(() -> {
            org.gradlab.ui.chart.TimeChart c = new org.gradlab.ui.chart.TimeChart("per-layer gradient norm", true, new StepAxis());
            org.gradlab.overview.SeriesStore s = new org.gradlab.overview.SeriesStore(16);
            for (int k = 0; k < 10; k++) s.append(k, 1 + k);
            for (int i = 0; i < 8; i++) c.line(() -> s, Palette.series(i), "blocks." + i + ".attn.qkv");
            javafx.scene.layout.StackPane p = new javafx.scene.layout.StackPane(c);
            new Scene(p, 420, 220);
            p.applyCss();
            p.layout();
            c.redraw();
            rows.set(c.legendRows());
        });
        assertTrue(rows.get() >= 3, "8 entries of ~130 px in 420 px take several rows: " + rows.get());
    }

    /** Switching the theme repaints idle charts too: no data changed, the next frame draws them dark. */
    @Test
    void aThemeSwitchRepaintsIdleCharts(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        Canvas c = dash.layerHeatmap().canvas();
        AtomicReference<Color> before = new AtomicReference<>(), after = new AtomicReference<>();
        try {
            robot.interact(() -> {
                dash.frame();
                before.set(c.snapshot(null, null).getPixelReader().getColor(2, 2));
                Palette.setDark(true);
                dash.frame();
                after.set(c.snapshot(null, null).getPixelReader().getColor(2, 2));
            });
        } finally {
            robot.interact(() -> Palette.setDark(false));
        }
        assertTrue(before.get().getBrightness() > 0.9, "light background first: " + before.get());
        assertTrue(after.get().getBrightness() < 0.2, "dark after the switch, with no new data: " + after.get());
    }

    /**
     * The readout under the mouse: every line's exact value at the step (the spike at step 400: pre-clip 294.31,
     * post-clip at the threshold), the same step on every chart of the view; a bucket of several steps reads as
     * their min … max and the steps it spans.
     */
    @Test
    void hoverReadsEveryLineExactlyAndMovesTheCrosshairOnEveryChart(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        var norm = dash.timeCharts().get(1);
        java.util.List<String> r = norm.readout(400);
        var d = dash.data();
        assertEquals("step 400", r.get(0));
        assertTrue(r.contains("pre-clip: " + String.format(java.util.Locale.ROOT, "%.6g", d.series(org.gradlab.ui.vm.RunViewModel.Scalar.PRE_NORM).valueAt(400))), r.toString());
        assertTrue(r.contains("post-clip: " + String.format(java.util.Locale.ROOT, "%.6g", d.series(org.gradlab.ui.vm.RunViewModel.Scalar.POST_NORM).valueAt(400))), r.toString());
        assertTrue(r.get(1).startsWith("pre-clip: 294.3"), r.toString());
        // the same numbers as `inspect --step 400` prints (to the readout's six digits)
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        try {
            System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(0, org.gradlab.cli.Main.run("inspect", "../sample-runs/spike-lstm-clip-norm1", "--step", "400"));
        } finally {
            System.setOut(old);
        }
        String inspect = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        for (String[] k : new String[][] {{"pre-clip norm", "pre-clip"}, {"post-clip norm", "post-clip"}}) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(k[0] + " ([-0-9.eE+]+)").matcher(inspect);
            assertTrue(m.find(), inspect);
            String want = k[1] + ": " + String.format(java.util.Locale.ROOT, "%.6g", Float.parseFloat(m.group(1)));
            assertTrue(r.contains(want), "readout " + r + " vs inspect's " + m.group());
        }
        // the per-layer heatmap reads its pixel column: each layer's largest pre-clip norm over the column's steps
        robot.interact(() -> dash.layerHeatmap().redraw());
        java.util.List<String> hr = dash.layerHeatmap().readout(400);
        java.util.regex.Matcher span = java.util.regex.Pattern.compile("steps? (\\d+)(?:–(\\d+))?").matcher(hr.get(0));
        assertTrue(span.matches(), hr.toString());
        long a = Long.parseLong(span.group(1)), z = span.group(2) == null ? a : Long.parseLong(span.group(2));
        assertTrue(a <= 400 && 400 <= z, hr.get(0));
        for (int l = 0; l < d.layers().size(); l++) {
            float mx = Float.NEGATIVE_INFINITY;
            for (long k = a; k <= z; k++) mx = Math.max(mx, d.layerPre(l).valueAt(k));
            String want = d.layers().get(l) + ": " + String.format(java.util.Locale.ROOT, a == z ? "%.4g" : "%.4g (largest)", mx);
            assertTrue(hr.contains(want), "heatmap readout " + hr + " lacks " + want);
        }
        // the mouse over one chart: the hovered step is shared by all charts of the view
        javafx.geometry.Bounds b = norm.canvas().localToScreen(norm.canvas().getBoundsInLocal());
        robot.moveTo(new javafx.geometry.Point2D(b.getMinX() + b.getWidth() * 0.5, b.getMinY() + b.getHeight() * 0.5));
        WaitForAsyncUtils.waitForFxEvents();
        long hovered = dash.axis().hoverProperty().get();
        assertTrue(hovered > 300 && hovered < 700, "about the middle of 0–999: " + hovered);
        assertEquals("step " + hovered, dash.timeCharts().get(0).readout(hovered).get(0), "the loss chart reads the same step");
        // the wheel zooms about the step under the mouse (a positive deltaY, which TestFX's DOWN sends here, zooms in),
        // on every chart of the view; a drag pans; a double click shows all
        robot.scroll(2, javafx.geometry.VerticalDirection.DOWN);
        WaitForAsyncUtils.waitForFxEvents();
        long from = dash.axis().fromProperty().get(), to = dash.axis().toProperty().get();
        assertTrue(from > 0 && to < 999 && from < hovered && hovered < to && to - from < 800, "zoomed about step " + hovered + ": " + from + "–" + to);
        for (int i = 0; i < 30 && dash.axis().toProperty().get() - dash.axis().fromProperty().get() > 20; i++) {
            robot.scroll(1, javafx.geometry.VerticalDirection.DOWN);
            WaitForAsyncUtils.waitForFxEvents();
        }
        long narrow = dash.axis().toProperty().get() - dash.axis().fromProperty().get();
        assertTrue(narrow <= 20 && narrow >= 10, "the wheel reaches a 20-step window: " + narrow);
        robot.interact(() -> {
            dash.axis().fromProperty().set(from);
            dash.axis().toProperty().set(to);
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.drag(javafx.scene.input.MouseButton.PRIMARY).moveBy(-100, 0).drop();
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(dash.axis().fromProperty().get() > from && dash.axis().toProperty().get() - dash.axis().fromProperty().get() == to - from,
                "a drag to the left pans later, same width: " + dash.axis().fromProperty().get() + "–" + dash.axis().toProperty().get());
        robot.doubleClickOn(javafx.scene.input.MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(-1, dash.axis().fromProperty().get(), "a double click shows every step");
        // a store with several steps per bucket: min … max over the steps, not one of them
        org.gradlab.overview.SeriesStore coarse = new org.gradlab.overview.SeriesStore(4);
        for (int k = 0; k < 10; k++) coarse.append(k, k == 5 ? 50f : k);
        AtomicReference<java.util.List<String>> rows = new AtomicReference<>();
        robot.interact(() -> rows.set(new org.gradlab.ui.chart.TimeChart("t", false, new StepAxis()).line(() -> coarse, Color.RED, "x").readout(5)));
        assertEquals("x: 4.00000 … 50.0000 (steps 4–7)", rows.get().get(1));
    }
}
