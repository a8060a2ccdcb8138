package org.gradlab.ui;

import org.testfx.framework.junit5.Start;
import javafx.stage.Stage;
import org.gradlab.ui.vm.RunViewModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TensorBoard logs in the app: opened into the comparison, tailed live, damage shown. */
class TensorBoardViewTest extends MainWindowFixture {
    @Start
    void start(Stage stage) {
        show(stage, null);
    }

    /**
     * A real TensorFlow log appended in random chunks — whole records and half records — while the view tails it:
     * the tailed run equals the file read at rest, every value, and nothing the log does not hold is shown (no
     * clip rate, no post-clip norm, no NaN, no divergence).
     */
    @Test
    void aLogWrittenInRandomChunksTailsToExactlyTheLogAtRest(FxRobot robot, @TempDir Path tmp) throws Exception {
        byte[] all = Files.readAllBytes(Path.of(TensorBoardViewTest.class.getClassLoader().getResource("tb/tf-demo").toURI())
                .resolve("events.out.tfevents.1795380284.vm.31405.0.v2"));
        Path live = tmp.resolve("job");
        Files.createDirectories(live);
        Path f = live.resolve("events.out.tfevents.1.job");
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        int start = all.length / 4 + r.nextInt(1000); // most likely in the middle of a record
        Files.write(f, Arrays.copyOf(all, start));
        robot.interact(() -> window.openTensorBoard(tmp));
        await("the run is in the comparison", () -> window.compareView().runs().size() == 1);
        RunViewModel d = window.compareView().runs().get(0);
        robot.interact(() -> window.setTail(true));
        for (int at = start; at < all.length; ) {
            int n = Math.min(all.length - at, 1 + r.nextInt(40_000));
            Files.write(f, Arrays.copyOfRange(all, at, at + n), StandardOpenOption.APPEND);
            at += n;
            Thread.sleep(r.nextInt(0, 400));
        }
        await("tailed to the end", () -> d.steps() == 120);
        robot.interact(() -> window.setTail(false));
        float[] expected = {2.036553f, 0.4831904f, 3.4688742f, 0.14745349f};
        long[] at = {0, 59, 60, 119};
        for (int i = 0; i < at.length; i++) assertEquals(expected[i], d.series(RunViewModel.Scalar.LOSS).valueAt(at[i]), 0f, "loss at " + at[i]);
        assertEquals(0, d.nonFiniteSteps(), "no divergence that is not in the file");
        assertTrue(d.series(RunViewModel.Scalar.CLIP_RATE).isEmpty(), "the log says nothing of clipping: no clip rate, not a 0% line");
        assertTrue(d.series(RunViewModel.Scalar.POST_NORM).isEmpty(), "no post-clip norm in the log");
        assertTrue(Double.isNaN(d.overallClipRate()));
        // the same directory read at rest by the importer: the same losses and norms, step by step
        org.gradlab.record.tb.TbLogDir rest = org.gradlab.record.tb.TbLogDir.open(tmp);
        org.gradlab.record.tb.TbImport plan = new org.gradlab.record.tb.TbImport(rest.runs().values().iterator().next());
        for (long k : plan.steps()) {
            var s = plan.at(k);
            assertEquals(s.loss(), d.series(RunViewModel.Scalar.LOSS).valueAt(k), 0f, "loss at " + k);
            if (s.clip() != null) assertEquals((float) s.clip().preNorm(), d.series(RunViewModel.Scalar.PRE_NORM).valueAt(k), 0f, "norm at " + k);
        }
    }

    /**
     * A logdir with two runs (TensorFlow's writer and tensorboardX's): both in the comparison, the first in Replay
     * named by its logdir and run, a picker that replays the other; the Tags tab plots any tag of either run — a
     * scalar as logged, a histogram tag as √(logged sum of squares) — and names the run that lacks it.
     */
    @Test
    void aMultiRunLogdirHasARunPickerAndATagBrowser(FxRobot robot, @TempDir Path tmp) throws Exception {
        Path res = Path.of(TensorBoardViewTest.class.getClassLoader().getResource("tb").toURI());
        for (String run : new String[] {"tf-demo", "tensorboardx"}) {
            Files.createDirectories(tmp.resolve(run));
            try (var files = Files.list(res.resolve(run))) {
                for (Path f : files.filter(f -> f.getFileName().toString().contains("tfevents")).toList()) Files.copy(f, tmp.resolve(run).resolve(f.getFileName()));
            }
        }
        robot.interact(() -> window.openTensorBoard(tmp));
        await("both runs are in the comparison", () -> window.compareView().runs().size() == 2);
        await("a run replays, with a run picker", () -> window.replayView() != null && robot.lookup("#tbRunPicker").tryQuery().isPresent());
        @SuppressWarnings("unchecked")
        javafx.scene.control.ComboBox<String> picker = robot.lookup("#tbRunPicker").queryAs(javafx.scene.control.ComboBox.class);
        assertEquals(java.util.Set.of("tf-demo", "tensorboardx"), new java.util.HashSet<>(picker.getItems()));
        String first = picker.getItems().get(0), second = picker.getItems().get(1);
        assertTrue(title(robot).contains(tmp.toAbsolutePath() + "/" + first), "named by its logdir and run: " + title(robot));
        robot.interact(() -> picker.setValue(second));
        await("the picked run replays", () -> title(robot).contains(tmp.toAbsolutePath() + "/" + second));
        assertEquals(second.equals("tensorboardx") ? 50 : 120, window.replayView().model().data().steps());

        var tags = window.tagBrowser();
        await("the tags of both runs are listed", () -> tags.tags().contains("loss") && tags.tags().contains("grad/rnn.weight_ih_l0" + org.gradlab.ui.vm.TbRunModel.HISTOGRAM));
        com.fasterxml.jackson.databind.JsonNode tbx = new com.fasterxml.jackson.databind.ObjectMapper().readTree(res.resolve("tensorboardx/expected.json").toFile());
        com.fasterxml.jackson.databind.JsonNode tf = new com.fasterxml.jackson.databind.ObjectMapper().readTree(res.resolve("tf-demo/expected.json").toFile());
        robot.interact(() -> tags.select("train/loss"));
        await("TensorFlow's train/loss is plotted", () -> tags.shown().size() == 1 && tags.chart().title().equals("train/loss"));
        for (int k : new int[] {0, 17, 119}) assertEquals((float) tf.get("loss").get(k).asDouble(), tags.shown().get(0).valueAt(k), 0f, "tf-demo loss at " + k);
        assertTrue(tags.note().contains("not in") && tags.note().contains("tensorboardx"), tags.note());
        robot.interact(() -> tags.select("loss"));
        await("tensorboardX's loss is plotted", () -> tags.shown().size() == 1 && tags.chart().title().equals("loss"));
        com.fasterxml.jackson.databind.JsonNode losses = tbx.get("scalars").get("loss");
        assertEquals(50, losses.size());
        for (com.fasterxml.jackson.databind.JsonNode v : losses) {
            assertEquals((float) v.get(1).asDouble(), tags.shown().get(0).valueAt(v.get(0).asLong()), 0f, "tensorboardx loss " + v);
        }
        String hist = "grad/rnn.weight_ih_l0" + org.gradlab.ui.vm.TbRunModel.HISTOGRAM;
        robot.interact(() -> tags.select(hist));
        await("the histogram tag is plotted for both runs", () -> tags.shown().size() == 2 && tags.chart().title().startsWith("grad/rnn.weight_ih_l0"));
        int x = tags.shownNames().get(0).endsWith("tensorboardx") ? 0 : 1;
        assertTrue(tags.shownNames().get(x).endsWith("tensorboardx"), tags.shownNames().toString());
        for (com.fasterxml.jackson.databind.JsonNode h : tbx.get("histograms").get("grad/rnn.weight_ih_l0")) {
            long k = h.get("step").asLong();
            double norm = Math.sqrt(h.get("sum_squares").asDouble());
            assertEquals((float) norm, tags.shown().get(x).valueAt(k), 1e-6f * (float) norm, "√(sum of squares) at step " + k);
        }
        assertEquals("", tags.note(), "both runs hold it");
        // and drawn as what it is: counts over time, one heatmap per run, every logged value counted in some bin
        assertEquals(2, tags.heatmaps().size());
        for (com.fasterxml.jackson.databind.JsonNode h : tbx.get("histograms").get("grad/rnn.weight_ih_l0")) {
            long[] row = tags.heatmapRows().get(x).get(h.get("step").asLong());
            long sum = 0;
            for (long c : row) sum += c;
            assertEquals(Math.round(h.get("num").asDouble()), sum, "the logged count at step " + h.get("step"));
        }
        // each replayed run is an imported copy in a temporary directory, deleted when the window closes; the logs stay
        List<Path> snapshots = window.tbSnapshots();
        assertEquals(2, snapshots.size(), "the first run and the picked one: " + snapshots);
        for (Path p : snapshots) assertTrue(Files.isDirectory(p.resolve("run")), p + " holds the imported run");
        robot.interact(() -> window.shutdown());
        for (Path p : snapshots) assertFalse(Files.exists(p), p + " is deleted at shutdown");
        for (String run : new String[] {"tf-demo", "tensorboardx"}) {
            try (var files = Files.list(tmp.resolve(run))) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().contains("tfevents")), run + "'s log is untouched");
            }
        }
    }

    /** A log without clip data: the clip and post-clip panels say so, and draw no line at zero. */
    @Test
    void aLogWithoutClipDataShowsItsClipPanelsAsNotInTheData(FxRobot robot, @TempDir Path tmp) throws Exception {
        openTfDemo(robot, tmp);
        await("it replays", () -> window.replayView() != null && window.replayView().model().data().steps() == 120);
        var dash = window.replayView().dashboard();
        robot.interact(() -> {
            dash.frame();
            dash.timeCharts().get(2).redraw();
            dash.layerHeatmapPost().redraw();
            dash.timeCharts().get(1).redraw();
        });
        assertEquals("not in the data", dash.timeCharts().get(2).message(), "clip coefficient and rate: absent, not a 0% line");
        assertEquals("not in the data", dash.layerHeatmapPost().message(), "post-clip layer norms: absent, not a copy of the pre-clip ones");
        assertEquals("", dash.timeCharts().get(1).message(), "the logged gradient norm is drawn");
        assertTrue(dash.data().series(RunViewModel.Scalar.CLIP_RATE).isEmpty() && dash.data().series(RunViewModel.Scalar.COEFFICIENT).isEmpty());
    }

    /** A spike no event records (a TensorFlow job's, at step 60) is found, listed, and reached with N. */
    @Test
    void aSpikeFoundInTheLogIsListedAndReachedWithN(FxRobot robot, @TempDir Path tmp) throws Exception {
        openTfDemo(robot, tmp);
        await("it replays", () -> window.replayView() != null && robot.lookup("#scrubber").tryQuery().isPresent());
        var replay = window.replayView();
        await("the spike at step 60 is in the navigator", () -> replay.navigatorEntries().stream()
                .anyMatch(e -> e.step() == 60 && e.type() == org.gradlab.run.RunEvent.Type.SPIKE && e.value().startsWith("detected")));
        javafx.scene.control.Slider s = robot.lookup("#scrubber").queryAs(javafx.scene.control.Slider.class);
        robot.clickOn("#scrubber");
        robot.interact(() -> s.setValue(10));
        robot.type(javafx.scene.input.KeyCode.N);
        await("N reaches it", () -> replay.axis().cursorProperty().get() == 60);
    }

    /** The TensorFlow demo log (120 steps, no clip data, a spike at step 60) as a one-run logdir, opened. */
    private void openTfDemo(FxRobot robot, Path tmp) throws Exception {
        Path res = Path.of(TensorBoardViewTest.class.getClassLoader().getResource("tb/tf-demo").toURI());
        Files.createDirectories(tmp.resolve("job"));
        Files.copy(res.resolve("events.out.tfevents.1795380284.vm.31405.0.v2"), tmp.resolve("job/events.out.tfevents.1795380284.vm.31405.0.v2"));
        robot.interact(() -> window.openTensorBoard(tmp));
    }

    private static String title(FxRobot robot) {
        var l = robot.lookup("#replayTitle").tryQueryAs(javafx.scene.control.Label.class);
        return l.isPresent() ? l.get().getText() : "";
    }

    @Test
    void tailAGrowingLogAndFlagDamage(FxRobot robot, @TempDir Path tmp) throws Exception {
        byte[] all = Files.readAllBytes(Path.of(TensorBoardViewTest.class.getClassLoader().getResource("tb/tf-demo").toURI()).resolve("events.out.tfevents.1795380284.vm.31405.0.v2"));
        Path live = tmp.resolve("job");
        Files.createDirectories(live);
        Path f = live.resolve("events.out.tfevents.1.job");
        int cut = all.length / 3;
        Files.write(f, Arrays.copyOf(all, cut));
        robot.interact(() -> window.openTensorBoard(tmp));
        await("the run is in the comparison", () -> window.compareView().runs().size() == 1);
        RunViewModel d = window.compareView().runs().get(0);
        await("records shown", () -> d.steps() > 5);
        long before = d.steps();
        assertTrue(before < 120);
        robot.interact(() -> window.setTail(true));
        Files.write(f, Arrays.copyOfRange(all, cut, all.length), StandardOpenOption.APPEND);
        long t0 = System.nanoTime();
        await("tailed to the end", () -> d.steps() == 120);
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "new records appear promptly");
        assertEquals(2.036553f, d.series(RunViewModel.Scalar.LOSS).valueAt(0), 0f);
        // a second, damaged file in the same run: flagged, the rest keeps working
        byte[] bad = all.clone();
        bad[all.length / 2] ^= 0x10;
        Files.write(live.resolve("events.out.tfevents.2.job"), bad);
        await("damage is shown", () -> window.compareView().notes().contains("at byte"));
        assertEquals(120, d.steps());
    }
}
