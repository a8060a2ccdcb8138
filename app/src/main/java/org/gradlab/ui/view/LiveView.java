package org.gradlab.ui.view;

import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import org.gradlab.clip.ClipSpec;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.vm.LiveSessionModel;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** A live run: play/pause/step/stop, clip, learning rate, spike and fork controls above its dashboard. */
public class LiveView extends BorderPane {
    private final LiveSessionModel model;
    private final DashboardPane dashboard;
    private final org.controlsfx.control.StatusBar status = new org.controlsfx.control.StatusBar();
    private final Button play = new Button("Pause");

    public LiveView(LiveSessionModel model, Consumer<List<String>> onFork, Runnable onExportPng, Runnable onExportCsv) {
        this.model = model;
        StepAxis axis = new StepAxis();
        this.dashboard = new DashboardPane(model.data(), axis);

        play.setId("playButton");
        play.setOnAction(e -> model.togglePlay());
        Button step = new Button("Step ▸");
        step.setId("stepButton");
        step.setOnAction(e -> model.step());
        Button stop = new Button("Stop");
        stop.setId("stopButton");
        stop.setOnAction(e -> model.stop());

        TextField clip = new TextField(model.clipText());
        clip.setId("clipField");
        clip.setPrefColumnCount(12);
        clip.setTooltip(new Tooltip(ClipSpec.GRAMMAR));
        Button applyClip = new Button("Set clip");
        applyClip.setId("applyClip");
        Label clipError = errorLabel("clipError");
        clipError.textProperty().bind(model.clipErrorProperty());
        applyClip.setOnAction(e -> model.applyClip(clip.getText()));
        clip.setOnAction(e -> model.applyClip(clip.getText()));

        TextField lr = new TextField(Double.toString(model.session().trainer().optimizer().lr()));
        lr.setId("lrField");
        lr.setPrefColumnCount(7);
        Button applyLr = new Button("Set lr");
        applyLr.setId("applyLr");
        Label lrError = errorLabel("lrError");
        lrError.textProperty().bind(model.lrErrorProperty());
        applyLr.setOnAction(e -> model.applyLr(lr.getText()));

        ComboBox<String> kind = new ComboBox<>(FXCollections.observableArrayList("grad", "targets", "inputs", "tokens"));
        kind.setId("spikeKind");
        kind.getSelectionModel().select(0);
        TextField factor = new TextField("1000");
        factor.setId("spikeFactor");
        factor.setPrefColumnCount(5);
        Button spike = new Button("Inject spike");
        spike.setId("spikeButton");
        Label spikeError = errorLabel("spikeError");
        spikeError.textProperty().bind(model.spikeErrorProperty());
        spike.setOnAction(e -> model.injectSpike(kind.getValue(), factor.getText()));

        TextField fork = new TextField("norm:1, value:0.01");
        fork.setId("forkField");
        fork.setPrefColumnCount(16);
        fork.setTooltip(new Tooltip("2–4 clip specs, comma-separated: each becomes a branch from this exact step"));
        Button forkButton = new Button("Fork here");
        forkButton.setId("forkButton");
        forkButton.setOnAction(e -> onFork.accept(Arrays.stream(fork.getText().split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList()));

        Button png = new Button("PNG");
        png.setOnAction(e -> onExportPng.run());
        Button csv = new Button("CSV");
        csv.setOnAction(e -> onExportCsv.run());

        FlowPane bar = new FlowPane(6, 4, play, step, stop, new Separator(), new Label("clip"), clip, applyClip, clipError,
                new Separator(), new Label("lr"), lr, applyLr, lrError, new Separator(), kind, factor, spike, spikeError,
                new Separator(), fork, forkButton, new Separator(), png, csv);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4));
        status.setId("liveStatus");
        // the status bar is narrow: the device here, the reason the GPU is not used (if any) on hover
        Label device = new Label("device: " + model.deviceName());
        device.setTooltip(new javafx.scene.control.Tooltip(model.deviceNote()));
        device.setId("liveDevice");
        status.getRightItems().add(device);
        setTop(bar);
        setCenter(dashboard);
        setBottom(status);
    }

    private static Label errorLabel(String id) {
        Label l = new Label();
        l.setId(id);
        l.setStyle("-fx-text-fill: #d00000;");
        l.setMaxWidth(380);
        return l;
    }

    public LiveSessionModel model() { return model; }
    public DashboardPane dashboard() { return dashboard; }

    /** Pulls new steps and redraws; once per frame. */
    public void frame() {
        model.pollFrame();
        dashboard.frame();
        String st = model.stateProperty().get();
        play.setText(st.startsWith("running") ? "Pause" : "Play");
        status.setText(String.format("%s · step %d · %.1f steps/s · clip %s%s%s", st, model.session().step(),
                model.stepsPerSecond(), model.clipText(), model.droppedSteps() > 0 ? " · UI skipped " + model.droppedSteps() + " steps (recorded)" : "",
                model.recordDir() == null ? "" : " · recording to " + model.recordDir()));
    }
}
