package org.gradlab.ui;

import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.Background;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.gradlab.ui.chart.Palette;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.view.CompareView;
import org.gradlab.ui.view.DashboardPane;
import org.gradlab.ui.view.Exporter;
import org.gradlab.ui.vm.ReplayModel;
import org.gradlab.ui.vm.RunViewModel;
import org.gradlab.ui.vm.TbRunModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code gradlab render}: the app's own views drawn off screen into a PNG of exactly the asked size — a caption
 * line naming the runs and steps, then the dashboard, the comparison or one chart. JavaFX runs headless
 * (Monocle, software rendering) unless the app's toolkit is already up in this process.
 */
public final class Render {
    private Render() {}

    /** One run's data and how it is named and clipped. */
    private record Loaded(RunViewModel data, String clip, Path dir, Path parent, long forkStep, StepStatsSource last) {}

    /** The record of one step, for the histogram panel (null for a TensorBoard run). */
    private interface StepStatsSource {
        org.gradlab.telemetry.StepStats at(long step) throws Exception;
    }

    public static String render(List<Path> targets, String view, int width, int height, long from, long to, Path out) throws Exception {
        List<Loaded> runs = new ArrayList<>();
        for (Path t : targets) runs.addAll(load(t, from, to)); // off the FX thread: the reading
        if (runs.isEmpty()) throw new IllegalArgumentException("nothing to draw in " + targets);
        startToolkit();
        CompletableFuture<String> done = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                done.complete(draw(runs, view, width, height, from, to, out));
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done.get(5, TimeUnit.MINUTES);
    }

    private static List<Loaded> load(Path target, long from, long to) throws Exception {
        if (Files.exists(target.resolve("run.json"))) {
            ReplayModel m = ReplayModel.load(target);
            if (from >= 0 && to >= 0) m.data().attachDetail(m.detail(from, to)); // --steps: that window one step per bucket, as Replay's zoom
            var manifest = m.reader().manifest();
            Path parent = manifest.parent() == null ? null : target.resolve(manifest.parent().run()).toAbsolutePath().normalize();
            return List.of(new Loaded(m.data(), manifest.imported() != null ? "imported" : manifest.clipText(), target.toAbsolutePath().normalize(),
                    parent, manifest.parent() == null ? -1 : manifest.parent().step(), k -> m.reader().step(m.reader().index().stepAt(atOrBefore(m, k)))));
        }
        List<Loaded> out = new ArrayList<>();
        for (TbRunModel m : TbRunModel.open(target)) {
            // two reads: the second completes each run's newest step (as the app's first open does)
            for (int pass = 0; pass < 2; pass++) m.poll(pass == 1, (records, warnings) -> records.forEach(m::append));
            out.add(new Loaded(m.data(), "tensorboard", null, null, -1, null));
        }
        return out;
    }

    /** The index position of the last recorded step at or before k. */
    private static int atOrBefore(ReplayModel m, long k) {
        var ix = m.reader().index();
        int lo = 0, hi = m.reader().stepCount() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (ix.stepAt(mid) <= k) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /** Starts JavaFX headless where no toolkit runs yet (it must be told before it starts). */
    private static void startToolkit() {
        if (System.getProperty("glass.platform") == null) {
            System.setProperty("glass.platform", "Monocle");
            System.setProperty("monocle.platform", "Headless");
            System.setProperty("prism.order", "sw");
            System.setProperty("java.awt.headless", "true");
        }
        Platform.setImplicitExit(false);
        GradLabApp.quietToolkitStartup();
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException alreadyRunning) {
            // the app or a test harness started it: draw there
        }
    }

    private static String draw(List<Loaded> runs, String view, int width, int height, long from, long to, Path out) throws Exception {
        StepAxis axis;
        Node node;
        Runnable frame;
        if (view.equals("compare")) {
            CompareView c = new CompareView();
            for (Loaded l : runs) c.add(l.data(), l.clip());
            for (Loaded b : runs) { // a branch drawn with its parent: aligned and differenced at the fork
                for (Loaded p : runs) if (b.parent() != null && b.parent().equals(p.dir())) c.setFork(p.data(), p.clip(), b.forkStep());
            }
            axis = c.axis();
            node = c.charts();
            frame = c::frame;
        } else {
            DashboardPane d = new DashboardPane(runs.get(0).data(), new StepAxis());
            d.setFollowLatest(false);
            axis = d.axis();
            node = switch (view) {
                case "dashboard" -> d;
                case "loss" -> d.timeCharts().get(0);
                case "norm" -> d.timeCharts().get(1);
                case "clip" -> d.timeCharts().get(2);
                case "weights" -> d.timeCharts().get(3);
                case "ratios" -> d.timeCharts().get(4);
                case "layers" -> d.layerHeatmap();
                case "layers-post" -> d.layerHeatmapPost();
                default -> d.histogramHeatmap();
            };
            frame = d::frame;
            Loaded first = runs.get(0);
            if (first.last() != null && !first.data().series(RunViewModel.Scalar.LOSS).isEmpty()) {
                // the histogram panel shows the last step drawn (the replay view shows the cursor's)
                long at = to >= 0 ? to : first.data().series(RunViewModel.Scalar.LOSS).lastStep();
                d.showHistogram(first.last().at(at));
            }
        }
        List<String> names = new ArrayList<>();
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        for (Loaded l : runs) {
            names.add(l.data().name());
            var loss = l.data().series(RunViewModel.Scalar.LOSS);
            if (!loss.isEmpty()) {
                first = Math.min(first, loss.firstStep());
                last = Math.max(last, loss.lastStep());
            }
        }
        String steps = from >= 0 ? "steps " + from + "–" + to : first <= last ? "steps " + first + "–" + last : "no steps";
        Label caption = new Label(String.join(", ", names) + " · " + steps + " · " + view);
        caption.setStyle("-fx-font-size: 13px; -fx-font-weight: bold;");
        caption.setTextFill(Palette.text());
        caption.setPadding(new Insets(4, 8, 4, 8));
        VBox page = new VBox(caption, node); // a single chart leaves the dashboard's grid for the page (JavaFX moves it)
        VBox.setVgrow(node, Priority.ALWAYS);
        page.setBackground(Background.fill(Palette.background()));
        Scene scene = new Scene(page, width, height);
        page.applyCss();
        page.layout();
        frame.run(); // the zoom slider learns the run's extent first, then takes the window
        if (from >= 0) {
            axis.fromProperty().set(from);
            axis.toProperty().set(to);
        }
        page.layout();
        frame.run();
        Exporter.writePng(scene.getRoot().snapshot(null, null), out);
        return "wrote " + out + " (" + width + "×" + height + "): " + caption.getText();
    }
}
