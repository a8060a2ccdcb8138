package org.gradlab.ui.view;

import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.gradlab.clip.ClipSpec;
import org.gradlab.run.PauseRules;
import org.gradlab.run.SessionState;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.vm.LiveSessionModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A live run: time control (play/pause, step, run to a step, pause at a step, a speed limit, pause rules),
 * then clip, learning rate, spike and fork, above its dashboard. Two fixed rows and one message line, so a
 * refusal never reflows the toolbar or moves the charts.
 */
public class LiveView extends BorderPane {
    private final LiveSessionModel model;
    private final DashboardPane dashboard;
    private final org.controlsfx.control.StatusBar status = new org.controlsfx.control.StatusBar();
    private final Button play = new Button("Pause");
    private final TextField forkField = new TextField("norm:1, value:0.01");

    /** io: where a zoom on older steps reads them from the run's recording (one step per bucket, as Replay). */
    public LiveView(LiveSessionModel model, java.util.concurrent.Executor io, Consumer<List<String>> onFork, Runnable onExportPng,
                    Runnable onExportCsv) {
        this.model = model;
        StepAxis axis = new StepAxis();
        this.dashboard = new DashboardPane(model.data(), axis);
        new DetailLoader(axis, model.data(), model::detail, io, status::setText);

        play.setId("playButton");
        play.setTooltip(new Tooltip("Play / pause (Space)"));
        play.setOnAction(e -> model.togglePlay());
        Button step = button("stepButton", "Step ▸", "One step, then pause (→)", model::stepOnce);
        Button stop = button("stopButton", "Stop", "End the run (it stays recorded)", model::stop);

        TextField runTo = field("runToField", "", 7, "a step number: run to it and pause there (Enter)");
        runTo.setPromptText("step");
        runTo.setOnAction(e -> model.runTo(runTo.getText()));
        Button runToButton = button("runToButton", "Run to", "Run to the step in the field and pause there", () -> model.runTo(runTo.getText()));
        TextField pauseAt = field("pauseAtField", "", 7, "a step number: pause when the run gets there (empty clears)");
        pauseAt.setPromptText("step");
        pauseAt.setOnAction(e -> model.pauseAt(pauseAt.getText()));
        Button pauseAtButton = button("pauseAtButton", "Pause at", "Pause when the run reaches the step in the field", () -> model.pauseAt(pauseAt.getText()));
        ComboBox<String> speed = new ComboBox<>(FXCollections.observableArrayList("max", "1000 steps/s", "100 steps/s",
                "10 steps/s", "2 steps/s"));
        speed.setId("speedChoice");
        speed.setEditable(true);
        speed.setValue("max");
        speed.setPrefWidth(120);
        speed.setTooltip(new Tooltip("Speed limit: at most this many steps per second (max: as fast as the machine goes)"));
        speed.valueProperty().addListener((o, a, b) -> {
            if (b != null) model.setSpeed(b);
        });
        List<CheckBox> rules = new ArrayList<>();
        CheckBox onNan = rule("ruleNonFinite", "NaN", "Pause after the first step with NaN/inf loss or gradients", "nonfinite", rules);
        CheckBox onSpike = rule("ruleSpike", "spike", "Pause after a pre-clip norm above 10× its median over the last 100 steps", "spike", rules);
        CheckBox onRate = rule("ruleClipRate", "clip rate", "Pause when more than half of the last 100 steps were clipped", "clip-rate", rules);
        CheckBox onEvent = rule("ruleEvent", "events", "Pause just before a scheduled bad batch", "event", rules);
        Runnable showRules = () -> { // the rules in force, as the session last said
            PauseRules r = model.pauseRules();
            onNan.setSelected(r.nonFinite());
            onSpike.setSelected(r.spikeFactor() > 0);
            onRate.setSelected(r.clipRate() > 0);
            onEvent.setSelected(r.beforeEvent());
        };
        showRules.run();
        model.rulesProperty().addListener((o, a, b) -> showRules.run());
        for (CheckBox c : rules) c.setOnAction(e -> model.setPauseRules(rulesText(rules)));

        TextField clip = field("clipField", model.clipText(), 12, ClipSpec.GRAMMAR);
        clip.setOnAction(e -> model.applyClip(clip.getText()));
        Button applyClip = button("applyClip", "Set clip", "Use this clip spec from the next step on (Enter)", () -> model.applyClip(clip.getText()));
        TextField lr = field("lrField", Double.toString(model.lrProperty().get()), 7, "learning rate from the next step on (Enter)");
        lr.setOnAction(e -> model.applyLr(lr.getText()));
        Button applyLr = button("applyLr", "Set lr", "Use this learning rate from the next step on (Enter)", () -> model.applyLr(lr.getText()));
        ComboBox<String> kind = new ComboBox<>(FXCollections.observableArrayList("grad", "targets", "inputs", "tokens"));
        kind.setId("spikeKind");
        kind.getSelectionModel().select(0);
        TextField factor = field("spikeFactor", "1000", 5, "the spike's factor (tokens: the fraction replaced)");
        Button spike = button("spikeButton", "Inject spike", "One bad batch at the next step", () -> model.injectSpike(kind.getValue(), factor.getText()));
        forkField.setId("forkField");
        forkField.setPrefColumnCount(16);
        forkField.setTooltip(new Tooltip("2–4 clip specs, comma-separated: each becomes a branch from this exact step (F)"));
        Button forkButton = button("forkButton", "Fork here", "Pause and branch into one run per clip spec (F)", () -> onFork.accept(forkSpecs()));
        Button png = button("pngButton", "PNG", "Save the dashboard as a picture", onExportPng);
        Button csv = button("csvButton", "CSV", "Save the recorded steps as CSV", onExportCsv);

        HBox time = row(play, step, stop, new Separator(), runTo, runToButton, pauseAt, pauseAtButton, new Separator(),
                new Label("speed"), speed, new Separator(), new Label("pause on"), onNan, onSpike, onRate, onEvent);
        HBox steer = row(new Label("clip"), clip, applyClip, new Separator(), new Label("lr"), lr, applyLr, new Separator(),
                kind, factor, spike, new Separator(), forkField, forkButton, new Separator(), png, csv);
        HBox messages = row(errorLabel("clipError", model.clipErrorProperty()), errorLabel("lrError", model.lrErrorProperty()),
                errorLabel("spikeError", model.spikeErrorProperty()), errorLabel("timeError", model.timeErrorProperty()));
        messages.setMinHeight(18);
        messages.setPrefHeight(18);
        messages.setMaxHeight(18);
        status.setId("liveStatus");
        // the status bar is narrow: the device here, the reason the GPU is not used (if any) on hover
        Label device = new Label("device: " + model.deviceName());
        device.setTooltip(new Tooltip(model.deviceNote()));
        device.setId("liveDevice");
        status.getRightItems().add(device);
        setTop(new VBox(time, steer, messages));
        setCenter(dashboard);
        setBottom(status);
    }

    private static HBox row(Node... nodes) {
        HBox b = new HBox(6, nodes);
        b.setAlignment(Pos.CENTER_LEFT);
        b.setPadding(new Insets(2, 4, 2, 4));
        return b;
    }

    private static Button button(String id, String text, String tip, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        return b;
    }

    private static TextField field(String id, String value, int columns, String tip) {
        TextField t = new TextField(value);
        t.setId(id);
        t.setPrefColumnCount(columns);
        t.setTooltip(new Tooltip(tip));
        return t;
    }

    private static CheckBox rule(String id, String text, String tip, String rule, List<CheckBox> all) {
        CheckBox c = new CheckBox(text);
        c.setId(id);
        c.setUserData(rule);
        c.setTooltip(new Tooltip(tip));
        all.add(c);
        return c;
    }

    private static String rulesText(List<CheckBox> rules) {
        List<String> on = new ArrayList<>();
        for (CheckBox c : rules) if (c.isSelected()) on.add((String) c.getUserData());
        return on.isEmpty() ? "none" : String.join(",", on);
    }

    /** A one-line message; the row it sits in has a fixed height, and long text is cut with its full text on hover. */
    private static Label errorLabel(String id, javafx.beans.value.ObservableValue<String> text) {
        Label l = new Label();
        l.setId(id);
        l.setStyle("-fx-text-fill: #d00000;");
        l.setMaxWidth(600);
        l.textProperty().bind(text);
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(text);
        l.setTooltip(tip);
        return l;
    }

    /** The fork field's specs. */
    List<String> forkSpecs() {
        return Arrays.stream(forkField.getText().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public LiveSessionModel model() { return model; }
    public DashboardPane dashboard() { return dashboard; }

    /** Pulls new stream items and redraws; once per frame. */
    public void frame() {
        model.pollFrame();
        dashboard.frame();
        SessionState st = model.state();
        play.setText(st == SessionState.RUNNING ? "Pause" : "Play");
        String detail = model.detailProperty().get();
        double limit = model.speedProperty().get();
        status.setText(String.format(Locale.ROOT, "%s%s · step %d · %.1f steps/s%s · clip %s · lr %.3g%s%s",
                st.name().toLowerCase(Locale.ROOT), detail.isEmpty() ? "" : " — " + detail, model.step(), model.stepsPerSecond(),
                Double.isInfinite(limit) ? "" : String.format(Locale.ROOT, " (limit %.3g)", limit), model.clipText(), model.lrProperty().get(),
                model.droppedSteps() > 0 ? " · UI skipped " + model.droppedSteps() + " steps (recorded)" : "",
                model.recordDir() == null ? "" : " · recording to " + model.recordDir()));
    }
}
