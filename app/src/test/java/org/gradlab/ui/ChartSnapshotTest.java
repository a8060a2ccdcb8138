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
        PixelReader pr = img.getPixelReader();
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                Color c = pr.getColor(x, y);
                if (Math.abs(c.getRed() - want.getRed()) < tol && Math.abs(c.getGreen() - want.getGreen()) < tol
                        && Math.abs(c.getBlue() - want.getBlue()) < tol) n++;
            }
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
        int green = 0;
        PixelReader gp = norm.getPixelReader();
        for (int y = 25; y < norm.getHeight(); y++) {
            for (int x = 60; x < norm.getWidth(); x++) {
                Color c = gp.getColor(x, y);
                if (c.getGreen() > 0.45 && c.getRed() < 0.4 && c.getBlue() < 0.4) green++;
            }
        }
        assertTrue(green > 80, "threshold line (green, dashed) drawn: " + green + " pixels");
        assertTrue(count(norm, Palette.MARKER, 0.08) > 40, "spike marker (purple) drawn");
        int red = 0;
        PixelReader np = norm.getPixelReader();
        for (int y = 25; y < norm.getHeight() / 2; y++) {
            for (int x = 60; x < norm.getWidth(); x++) {
                Color c = np.getColor(x, y);
                if (c.getRed() > 0.6 && c.getGreen() < 0.45 && c.getBlue() < 0.45) red++;
            }
        }
        assertTrue(red > 40, "the pre-clip spike (red) rises far above the threshold: " + red + " pixels");
        WritableImage heat = snap(robot, dash.layerHeatmap().canvas(), out.resolve("layer-heatmap.png"));
        int coloured = 0;
        PixelReader pr = heat.getPixelReader();
        for (int y = 30; y < heat.getHeight() - 25; y++) {
            for (int x = 120; x < heat.getWidth() - 15; x++) {
                Color c = pr.getColor(x, y);
                if (Math.abs(c.getRed() - c.getGreen()) > 0.1 || Math.abs(c.getGreen() - c.getBlue()) > 0.1) coloured++;
            }
        }
        assertTrue(coloured > 2000, "heatmap cells painted: " + coloured);
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
        int solid = 0;
        PixelReader sp = narrow.getPixelReader();
        for (int y = 25; y < narrow.getHeight() / 3; y++) {
            for (int x = 50; x < narrow.getWidth(); x++) {
                Color c = sp.getColor(x, y);
                if (c.getRed() > 0.7 && c.getGreen() < 0.3 && c.getBlue() < 0.3) solid++;
            }
        }
        assertTrue(solid > 15, "the spike is a solid red stroke above the marker: " + solid + " pixels");
    }
}
