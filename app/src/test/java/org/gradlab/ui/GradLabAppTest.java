package org.gradlab.ui;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Slider;
import javafx.stage.Stage;
import org.gradlab.run.RunEvent;
import org.gradlab.ui.vm.LiveSessionModel;
import org.gradlab.ui.vm.RunViewModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The app driven by clicks, headless (TestFX + Monocle). */
class GradLabAppTest extends MainWindowFixture {
    @TempDir
    static Path runs;

    @Start
    void start(Stage stage) {
        show(stage, runs);
    }

    private void startScenario(FxRobot robot, String title) {
        robot.clickOn(title);
        robot.clickOn("#startScenario");
    }

    @Test
    void startScenarioChangeClipMidRunAndEveryChartGetsTheMarker(FxRobot robot) throws Exception {
        startScenario(robot, "LSTM character language model");
        await("the run advances", () -> window.liveView() != null && window.liveView().model().data().steps() > 10);
        LiveSessionModel m = window.liveView().model();
        type(robot, "#clipField", "norm:0.25");
        robot.clickOn("#applyClip");
        await("the strategy changed", () -> m.clipText().equals("norm:0.25"));
        await("the event reached the view", () -> m.data().events().stream()
                .anyMatch(e -> e.type() == RunEvent.Type.CLIP && e.value().equals("norm:0.25")));
        RunEvent marker = m.data().events().stream().filter(e -> e.type() == RunEvent.Type.CLIP).findFirst().orElseThrow();
        assertTrue(marker.step() > 0);
        await("steps after the change", () -> m.data().lastStep() > marker.step() + 3);
        RunViewModel d = m.data();
        assertEquals(0.25f, d.series(RunViewModel.Scalar.THRESHOLD).valueAt(d.lastStep()), 1e-6, "threshold line follows the change");
        for (var chart : window.liveView().dashboard().timeCharts()) {
            assertTrue(chart.isVisible(), chart.title());
        }
        robot.clickOn("#playButton");
        await("paused", () -> m.state() == org.gradlab.run.SessionState.PAUSED);
        long at = m.step();
        robot.clickOn("#stepButton");
        await("one step", () -> m.step() == at + 1);
    }

    @Test
    void badThresholdIsRefusedBesideTheFieldAndTheRunIsUnchanged(FxRobot robot) throws Exception {
        startScenario(robot, "GRU character language model");
        await("running", () -> window.liveView() != null && window.liveView().model().data().steps() > 2);
        LiveSessionModel m = window.liveView().model();
        String before = m.clipText();
        for (String bad : List.of("norm:0", "norm:-1", "norm:NaN", "value:abc")) {
            type(robot, "#clipField", bad);
            robot.clickOn("#applyClip");
            WaitForAsyncUtils.waitForFxEvents();
            Label err = robot.lookup("#clipError").queryAs(Label.class);
            assertTrue(err.getText().startsWith("invalid clip spec '" + bad + "'"), err.getText());
            assertEquals(before, m.clipText());
        }
        type(robot, "#lrField", "-3");
        robot.clickOn("#applyLr");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#lrError").queryAs(Label.class).getText().contains("> 0"));
    }

    @Test
    void forkIntoBranchesThatAdvanceFromTheSameState(FxRobot robot) throws Exception {
        startScenario(robot, "LSTM character language model");
        await("running", () -> window.liveView() != null && window.liveView().model().data().steps() > 12);
        type(robot, "#forkField", "norm:1, norm:1, value:0.0001");
        robot.clickOn("#forkButton");
        await("three branches", () -> window.compareView().liveRuns().size() == 3);
        robot.clickOn("#playAll");
        List<LiveSessionModel> b = window.compareView().liveRuns();
        await("all advance", () -> b.stream().allMatch(x -> x.data().steps() >= 8));
        RunViewModel a = b.get(0).data(), same = b.get(1).data(), other = b.get(2).data();
        long first = a.series(RunViewModel.Scalar.LOSS).firstStep();
        assertEquals(first, other.series(RunViewModel.Scalar.LOSS).firstStep(), "branches start at the fork step");
        assertEquals(a.series(RunViewModel.Scalar.LOSS).valueAt(first), other.series(RunViewModel.Scalar.LOSS).valueAt(first),
                "the first branch step's loss comes before any clipping differs");
        for (long k = first; k < first + 8; k++) {
            assertEquals(a.series(RunViewModel.Scalar.LOSS).valueAt(k), same.series(RunViewModel.Scalar.LOSS).valueAt(k),
                    "identical clip ⇒ identical losses at step " + k);
        }
        await("table rows: three branches and the parent", () -> window.compareView().rows().size() == 4);
    }

    @Test
    void theExplodingRnnStopsOnItsFirstNonFiniteStepByItself(FxRobot robot) throws Exception {
        startScenario(robot, "Exploding tanh RNN on the adding task");
        await("paused by its rule", () -> window.liveView() != null && window.liveView().model().state() == org.gradlab.run.SessionState.PAUSED);
        LiveSessionModel m = window.liveView().model();
        String why = m.detailProperty().get();
        assertTrue(why.startsWith("first non-finite step: "), why);
        long first = Long.parseLong(why.substring("first non-finite step: ".length()));
        assertEquals(first + 1, m.step(), "it paused right after that step");
        assertEquals(first, m.data().lastStep(), "and the view has every step up to it");
        assertEquals(1, m.data().nonFiniteSteps(), "exactly one non-finite step happened");
        assertTrue(m.alerts().stream().anyMatch(a -> a.kind().equals("non-finite") && a.step() == first), "an alert said so: " + m.alerts());
        assertTrue(robot.lookup("#ruleNonFinite").queryAs(javafx.scene.control.CheckBox.class).isSelected(), "the rule shows as on");
        await("the window stops drawing frames while paused", () -> !window.drawing());
    }

    @Test
    void oneBadBatchPausesBeforeItsSpikeAndForksThereWithoutManualStepping(FxRobot robot) throws Exception {
        startScenario(robot, "One bad batch");
        await("paused before the bad batch", () -> window.liveView() != null && window.liveView().model().state() == org.gradlab.run.SessionState.PAUSED);
        LiveSessionModel m = window.liveView().model();
        assertEquals(300, m.step(), m.detailProperty().get());
        assertEquals("before the scheduled event at step 300", m.detailProperty().get());
        type(robot, "#forkField", "norm:1, value:0.01");
        robot.clickOn("#forkButton");
        await("two branches", () -> window.compareView().liveRuns().size() == 2);
        robot.clickOn("#playAll");
        List<LiveSessionModel> b = window.compareView().liveRuns();
        await("both past the spike", () -> b.stream().allMatch(x -> x.data().steps() >= 3));
        for (LiveSessionModel x : b) {
            assertEquals(300, x.data().series(RunViewModel.Scalar.LOSS).firstStep(), "a branch starts at the fork step");
            assertTrue(x.data().events().stream().anyMatch(e -> e.type() == RunEvent.Type.SPIKE && e.step() == 300),
                    "each branch meets the bad batch at its first step");
        }
    }

    /** Opens a sample run in Replay, moves the scrubber to step at and forks there into norm:1 and value:0.01. */
    private void forkSampleAt(FxRobot robot, String sampleRun, long at) throws Exception {
        Path sample = Path.of("..", "sample-runs", sampleRun);
        robot.interact(() -> window.openRun(sample, false));
        await("replay view", () -> window.replayView() != null && robot.lookup("#replayForkButton").tryQuery().isPresent());
        Slider s = robot.lookup("#scrubber").queryAs(Slider.class);
        robot.interact(() -> s.setValue(at));
        type(robot, "#replayForkField", "norm:1, value:0.01");
        robot.clickOn("#replayForkButton");
    }

    @Test
    void forkFromTheReplayTabAtTheCursor(FxRobot robot) throws Exception {
        forkSampleAt(robot, "spike-lstm-no-clip", 390);
        await("the branches open in the comparison", () -> window.compareView().liveRuns().size() == 2);
        for (LiveSessionModel x : window.compareView().liveRuns()) {
            assertEquals(390, x.step());
            assertEquals(org.gradlab.run.SessionState.PAUSED, x.state(), "branches start paused");
        }
        assertEquals(3, window.compareView().runs().size(), "the two branches and the recorded run");
    }

    /**
     * A fork's comparison compares: the fork step is marked and one click zooms to it, the difference chart is
     * branch − parent step by step, the table reads every run at the cursor's step and follows it, a run can go.
     */
    @Test
    void aForkComparisonAlignsAtTheForkDiffersStepByStepAndFollowsTheCursor(FxRobot robot) throws Exception {
        forkSampleAt(robot, "spike-lstm-clip-norm1", 390);
        org.gradlab.ui.view.CompareView c = window.compareView();
        await("the branches open in the comparison", () -> c.liveRuns().size() == 2 && c.runs().size() == 3);
        assertEquals(390, c.forkStep());
        robot.clickOn("#playAll");
        await("both branches ran 30 steps", () -> c.liveRuns().stream().allMatch(x -> x.data().steps() >= 30));
        robot.interact(() -> c.liveRuns().forEach(LiveSessionModel::pause));
        await("paused", () -> c.liveRuns().stream().allMatch(x -> x.state() == org.gradlab.run.SessionState.PAUSED));
        robot.clickOn("#zoomFork");
        long from = c.axis().fromProperty().get(), to = c.axis().toProperty().get();
        // from just before the fork (a tenth of the branches' span, at least 5 steps) to their last step: exact,
        // however many steps the branches ran before the pause took hold (a busy host ran 165 and left from at 374)
        assertTrue(to >= 419, "zoomed to the branches' last step: " + from + "–" + to);
        assertEquals(390 - Math.max(5, (to - 390) / 10), from, "zoomed to just before the fork: " + from + "–" + to);
        RunViewModel parent = c.runs().get(2), branch = c.runs().get(0);
        // the smoothed difference: the raw one smoothed from the fork with the runs' EMA (0.9, debiased), which is
        // what the two runs' smoothed losses would differ by had both been smoothed from the fork
        double ema = 0, debias = 0;
        for (long k = 390; k <= 415; k++) {
            float raw = branch.series(RunViewModel.Scalar.LOSS).valueAt(k) - parent.series(RunViewModel.Scalar.LOSS).valueAt(k);
            ema = 0.9 * ema + 0.1 * raw;
            debias = 0.9 * debias + 0.1;
            if (k != 390 && k != 400 && k != 415) continue;
            assertEquals(raw, c.rawDifference(0).valueAt(k), 0f, "raw difference at " + k);
            assertEquals((float) (ema / debias), c.smoothedDifference(0).valueAt(k), 1e-6f, "smoothed difference at " + k);
        }
        assertEquals(0f, c.smoothedDifference(0).valueAt(390), 0f, "the same state and batch at the fork step: no difference");
        assertEquals(390, c.smoothedDifference(0).firstStep(), "the difference starts at the fork");
        Slider cur = robot.lookup("#compareCursor").queryAs(Slider.class);
        for (long k : new long[] {395, 400, 412}) {
            robot.interact(() -> {
                cur.setValue(k);
                c.frame();
            });
            String want = String.format(java.util.Locale.ROOT, "%.5g", branch.series(RunViewModel.Scalar.LOSS).valueAt(k));
            await("the table reads step " + k, () -> c.rows().size() == 3 && c.rows().get(0).lossAtCursor().equals(want));
            float d = c.smoothedDifference(0).valueAt(k);
            assertEquals(d, Float.parseFloat(c.rows().get(0).deltaAtCursor()), 1e-3f * Math.max(1e-3f, Math.abs(d)), "difference at " + k);
            assertTrue(c.rows().get(2).run().endsWith("(parent)"), c.rows().get(2).run());
        }
        javafx.scene.control.TableView<?> table = robot.lookup("#compareTable").queryAs(javafx.scene.control.TableView.class);
        robot.interact(() -> table.getSelectionModel().select(1));
        robot.clickOn("#removeRun");
        robot.interact(c::frame);
        await("one branch removed", () -> c.runs().size() == 2 && c.liveRuns().size() == 1 && c.rows().size() == 2);
        assertEquals(390, c.forkStep(), "the parent stays: the fork is still marked");
    }

    /** The Cliff tab: a click on the map starts both descents there; the unclipped one is thrown far off the wall. */
    @Test
    void clickingTheCliffMapDrawsBothTrajectoriesFromThatPoint(FxRobot robot) throws Exception {
        javafx.scene.control.Tab cliff = window.tabs().getTabs().stream().filter(t -> t.getText().equals("Cliff")).findFirst().orElseThrow();
        robot.interact(() -> window.tabs().getSelectionModel().select(cliff));
        await("the cliff view", () -> window.cliffView() != null && robot.lookup("#cliffCanvas").tryQuery().isPresent());
        org.gradlab.ui.view.CliffView v = window.cliffView();
        WaitForAsyncUtils.waitForFxEvents();
        double[] at = v.toCanvas(3.6, -1.9);
        javafx.geometry.Point2D screen = v.canvas().localToScreen(at[0], at[1]);
        robot.clickOn(screen);
        await("both trajectories start at the click", () -> !v.unclipped().isEmpty() && !v.clippedPath().isEmpty());
        var p0 = v.unclipped().get(0);
        assertEquals(3.6, p0.w(), 0.03, "w of the click");
        assertEquals(-1.9, p0.b(), 0.03, "b of the click");
        assertEquals(p0.w(), v.clippedPath().get(0).w(), 0.0);
        assertEquals(31, v.unclipped().size(), "30 steps each");
        assertEquals(31, v.clippedPath().size());
        double plainJump = Math.hypot(v.unclipped().get(1).w() - p0.w(), v.unclipped().get(1).b() - p0.b());
        double clippedJump = Math.hypot(v.clippedPath().get(1).w() - p0.w(), v.clippedPath().get(1).b() - p0.b());
        assertTrue(clippedJump <= 2 * 0.1 + 1e-9 && plainJump > 5 * clippedJump, "thrown off: " + plainJump + " vs clipped " + clippedJump);
        assertTrue(robot.lookup("#cliffStatus").queryAs(Label.class).getText().contains("lowest loss"));
    }

    @Test
    void recordedBranchesOpenedForComparisonBringTheirParentAndTheForkStep(FxRobot robot) throws Exception {
        Path forks = Path.of("..", "sample-runs", "fork-spike-3-clips");
        for (String b : new String[] {"branch-1-norm_1", "branch-2-value_0.01"}) robot.interact(() -> window.openRun(forks.resolve(b), true));
        org.gradlab.ui.view.CompareView c = window.compareView();
        await("the two branches and their parent", () -> c.runs().size() == 3 && c.forkStep() == 390);
        robot.interact(c::frame);
        await("the parent is named as such", () -> c.rows().size() == 3 && c.rows().stream().filter(r -> r.run().endsWith("(parent)")).count() == 1);
        assertTrue(c.rows().stream().anyMatch(r -> r.run().equals("spike-lstm-no-clip (parent)")), c.rows().toString());
        assertEquals(390, c.smoothedDifference(0).firstStep(), "branch − parent from the fork step");
        // the comparison's keys: → moves the cursor one step, Shift+→ a hundred, Z zooms to the fork, Delete removes
        robot.clickOn("#compareTable");
        Slider cur = robot.lookup("#compareCursor").queryAs(Slider.class);
        robot.interact(() -> {
            c.frame(); // the slider's range follows the runs
            cur.setValue(450);
        });
        robot.type(javafx.scene.input.KeyCode.RIGHT);
        assertEquals(451, c.axis().cursorProperty().get(), "→ moves the cursor one step");
        robot.press(javafx.scene.input.KeyCode.SHIFT).type(javafx.scene.input.KeyCode.RIGHT).release(javafx.scene.input.KeyCode.SHIFT);
        assertEquals(551, c.axis().cursorProperty().get(), "Shift+→ a hundred");
        assertEquals("Compare", window.tabs().getSelectionModel().getSelectedItem().getText(), "arrows move the cursor, not the tab");
        robot.type(javafx.scene.input.KeyCode.Z);
        assertTrue(c.axis().fromProperty().get() >= 0 && c.axis().fromProperty().get() < 390, "zoomed to the fork");
        javafx.scene.control.TableView<?> table = robot.lookup("#compareTable").queryAs(javafx.scene.control.TableView.class);
        robot.interact(() -> table.getSelectionModel().select(0));
        robot.type(javafx.scene.input.KeyCode.DELETE);
        await("Delete removed the selected run", () -> c.runs().size() == 2);
        robot.type(javafx.scene.input.KeyCode.F1);
        await("F1 lists the keys", () -> robot.lookup("#helpText").tryQuery().isPresent());
        assertTrue(robot.lookup("#helpText").queryAs(Label.class).getText().contains("Z  zoom to the fork"));
    }

    @Test
    void aSampleRunFromTheMenuOpensInReplayNamedAndExportsItsChartsWithACaption(FxRobot robot, @TempDir Path tmp) throws Exception {
        // the menu's own item, fired as a click would (Monocle shows no menu popups to click in)
        javafx.scene.control.MenuBar bar = robot.lookup(".menu-bar").queryAs(javafx.scene.control.MenuBar.class);
        javafx.scene.control.Menu samples = (javafx.scene.control.Menu) bar.getMenus().get(0).getItems().stream()
                .filter(i -> "menuSamples".equals(i.getId())).findFirst().orElseThrow();
        robot.interact(() -> samples.getItems().stream().filter(i -> i.getText().equals("spike-lstm-clip-norm1")).findFirst().orElseThrow().fire());
        await("the Replay tab shows it", () -> window.tabs().getSelectionModel().getSelectedItem().getText().equals("Replay")
                && robot.lookup("#replayTitle").tryQuery().isPresent());
        String title = robot.lookup("#replayTitle").queryAs(Label.class).getText();
        assertTrue(title.contains("spike-lstm-clip-norm1") && title.contains("lstm on charlm, clip norm:1") && title.endsWith("steps 0–999"), title);
        Path png = tmp.resolve("replay.png");
        robot.interact(() -> {
            try {
                window.exportPng(png);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        javafx.geometry.Bounds charts = window.replayView().dashboard().getLayoutBounds();
        assertEquals((int) Math.ceil(charts.getWidth()), img.getWidth(), 1, "the dashboard's width: no events list, no toolbar");
        double caption = img.getHeight() - charts.getHeight();
        assertTrue(caption > 10 && caption < 40, "one caption line above the charts, not the toolbar: " + caption + " px");
    }

    @Test
    void openASampleRunAndScrub(FxRobot robot) throws Exception {
        Path sample = Path.of("..", "sample-runs", "spike-lstm-clip-norm1");
        assertTrue(Files.isDirectory(sample), "sample run shipped with the app");
        robot.interact(() -> window.openRun(sample, false));
        // the tab's skin puts the new view into the scene graph on a later pulse than the one that made it
        await("replay view", () -> window.replayView() != null && robot.lookup("#scrubber").tryQuery().isPresent());
        Slider s = robot.lookup("#scrubber").queryAs(Slider.class);
        // N / P jump between the run's events (its injected spike is at step 400)
        robot.interact(() -> s.setValue(100));
        robot.clickOn("#scrubber");
        robot.interact(() -> s.setValue(100));
        long firstAfter = window.replayView().model().data().events().stream().mapToLong(RunEvent::step).filter(k -> k > 100).min().orElse(-1);
        assertEquals(400, firstAfter, "the sample's first event after step 100 is its spike");
        robot.type(javafx.scene.input.KeyCode.N);
        await("N jumps to the spike event", () -> window.replayView().axis().cursorProperty().get() == 400);
        long before = window.replayView().model().data().events().stream().mapToLong(RunEvent::step).filter(k -> k < 400).max().orElse(400);
        robot.type(javafx.scene.input.KeyCode.P);
        assertEquals(before, Math.round(s.getValue()), "P: the event before (or stay where there is none)");
        robot.interact(() -> s.setValue(400));
        await("cursor moved", () -> window.replayView().axis().cursorProperty().get() == 400);
        await("the step's record is shown", () -> robot.lookup("#replayPosition").queryAs(Label.class).getText().startsWith("step 400"));
        await("the histogram panel shows the cursor's step",
                () -> window.replayView().dashboard().currentHistogram().caption().startsWith("step 400 "));
        org.controlsfx.control.RangeSlider zoom = robot.lookup("#zoomSlider").queryAs(org.controlsfx.control.RangeSlider.class);
        robot.interact(() -> {
            zoom.setHighValue(600);
            zoom.setLowValue(300);
        });
        assertEquals(300, window.replayView().axis().fromProperty().get(), "zooming moves every chart's step window");
        assertEquals(600, window.replayView().axis().toProperty().get());
        robot.interact(() -> {
            zoom.setLowValue(zoom.getMin());
            zoom.setHighValue(zoom.getMax());
        });
        assertEquals(-1, window.replayView().axis().fromProperty().get(), "both thumbs at the ends: the whole run");
        @SuppressWarnings("unchecked")
        javafx.scene.control.ComboBox<String> smoothing = robot.lookup("#smoothingPicker").queryAs(javafx.scene.control.ComboBox.class);
        robot.interact(() -> smoothing.setValue("moving average 20"));
        var replayData = window.replayView().model().data();
        double mean = 0;
        for (long k = 81; k <= 100; k++) mean += replayData.series(RunViewModel.Scalar.LOSS).valueAt(k);
        assertEquals(mean / 20, replayData.series(RunViewModel.Scalar.LOSS_SMOOTH).valueAt(100), 1e-5,
                "a replay re-smooths its whole history with the chosen moving average");
        robot.interact(() -> s.setValue(10));
        @SuppressWarnings("unchecked")
        ListView<RunEvent> events = robot.lookup("#eventsList").queryAs(ListView.class);
        assertTrue(events.getItems().stream().anyMatch(e -> e.type() == RunEvent.Type.SPIKE));
        robot.interact(() -> events.getSelectionModel().select(events.getItems().stream()
                .filter(e -> e.type() == RunEvent.Type.SPIKE).findFirst().orElseThrow()));
        await("jumped to the spike", () -> window.replayView().axis().cursorProperty().get() == 400);
    }

    @Test
    void aCorruptRunGetsADialogAndTheAppStaysUsable(FxRobot robot, @TempDir Path tmp) throws Exception {
        Path src = Path.of("..", "sample-runs", "adding-rnn-clip-norm1"), bad = tmp.resolve("bad");
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : files.toList()) {
                Path t = bad.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        Files.writeString(bad.resolve("run.json"), "{\"format\": \"gradlab-run\", \"formatVersion\": 1, \"config\": ");
        robot.interact(() -> window.openRun(bad, false));
        await("dialog", () -> robot.lookup("#errorDialog").tryQuery().isPresent());
        Node dialog = robot.lookup("#errorDialog").query();
        String text = ((javafx.scene.control.DialogPane) dialog).getContentText();
        assertTrue(text.contains("run.json"), text);
        robot.interact(() -> ((javafx.stage.Stage) dialog.getScene().getWindow()).close());
        robot.clickOn("Start");
        assertNotNull(robot.lookup("#scenarioList").query());
    }

    @Test
    void theDeviceChoiceSaysWhichGpuOrWhyNotAndIsHonoured(FxRobot robot) throws Exception {
        org.gradlab.engine.cuda.CudaProbe.Status gpu = org.gradlab.engine.cuda.CudaProbe.status();
        Label status = robot.lookup("#deviceStatus").queryAs(Label.class);
        await("the probe's line", () -> !status.getText().startsWith("GPU: checking"));
        assertEquals(gpu.available() ? "GPU: " + gpu.device() : "GPU: not used — " + gpu.reason(), status.getText());
        @SuppressWarnings("unchecked")
        javafx.scene.control.ComboBox<String> device = robot.lookup("#deviceChoice").queryAs(javafx.scene.control.ComboBox.class);
        assertEquals(List.of("auto", "cpu", "cuda"), device.getItems());
        assertEquals("auto", device.getValue());
        if (!gpu.available()) {
            robot.interact(() -> device.setValue("cuda"));
            startScenario(robot, "GRU character language model");
            await("dialog", () -> robot.lookup("#errorDialog").tryQuery().isPresent());
            Node dialog = robot.lookup("#errorDialog").query();
            String text = ((javafx.scene.control.DialogPane) dialog).getContentText();
            assertTrue(text.contains(gpu.reason()), text);
            robot.interact(() -> ((javafx.stage.Stage) dialog.getScene().getWindow()).close());
            assertTrue(window.liveView() == null, "no run was started");
        }
        robot.interact(() -> device.setValue("cpu"));
        startScenario(robot, "GRU character language model");
        await("running on the CPU", () -> window.liveView() != null && window.liveView().model().data().steps() > 1);
        Label used = robot.lookup("#liveDevice").queryAs(Label.class);
        assertTrue(used.getText().startsWith("device: cpu ("), used.getText());
        assertTrue(used.getTooltip().getText().startsWith(used.getText()), "the full line, reason included, on hover");
    }
}
