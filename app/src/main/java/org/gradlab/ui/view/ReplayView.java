package org.gradlab.ui.view;

import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Slider;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.gradlab.run.RunEvent;
import org.gradlab.telemetry.StepStats;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.vm.ReplayModel;

import java.util.Locale;
import java.util.concurrent.ExecutorService;

/**
 * A recorded run: the dashboard plus a timeline scrubber that moves every chart's cursor and loads that
 * step's full record (off the FX thread) into the histogram panel; play/pause at a chosen speed; the run's
 * events as a clickable list.
 */
public class ReplayView extends BorderPane {
    private final ReplayModel model;
    private final StepAxis axis = new StepAxis();
    private final DashboardPane dashboard;
    private final Slider scrubber;
    private final Label position = new Label();
    private final ExecutorService io;
    private boolean playing;
    private double speed = 100;
    private long lastFrame = -1;
    private double carry;
    private long requested = -1;

    public ReplayView(ReplayModel model, ExecutorService io) {
        this.model = model;
        this.io = io;
        this.dashboard = new DashboardPane(model.data(), axis);
        dashboard.setFollowLatest(false);
        dashboard.setOnSmoothingChanged(model::resmooth);
        long first = model.firstStep(), last = Math.max(model.lastStep(), first);
        scrubber = new Slider(first, Math.max(last, first + 1), first);
        scrubber.setId("scrubber");
        HBox.setHgrow(scrubber, Priority.ALWAYS);
        scrubber.valueProperty().addListener((o, a, b) -> seek(Math.round(b.doubleValue())));
        Button play = new Button("Play");
        play.setId("replayPlay");
        play.setOnAction(e -> {
            playing = !playing;
            play.setText(playing ? "Pause" : "Play");
            lastFrame = -1;
        });
        ComboBox<String> speeds = new ComboBox<>(FXCollections.observableArrayList("10 steps/s", "100 steps/s", "1000 steps/s", "10000 steps/s"));
        speeds.getSelectionModel().select(1);
        speeds.valueProperty().addListener((o, a, b) -> speed = Double.parseDouble(b.split(" ")[0]));
        position.setId("replayPosition");
        HBox controls = new HBox(8, play, speeds, scrubber, position);
        controls.setPadding(new Insets(4));
        Label warning = new Label(model.damageWarning() == null ? "" : "⚠ " + model.damageWarning());
        warning.setStyle("-fx-text-fill: #d00000;");
        ListView<RunEvent> events = new ListView<>(FXCollections.observableArrayList(model.data().events()));
        events.setId("eventsList");
        events.setPrefWidth(230);
        events.setCellFactory(lv -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(RunEvent e, boolean empty) {
                super.updateItem(e, empty);
                setText(empty || e == null ? null : "step " + e.step() + "  " + e.type().name().toLowerCase(Locale.ROOT) + " " + e.value());
            }
        });
        events.getSelectionModel().selectedItemProperty().addListener((o, a, e) -> {
            if (e != null) scrubber.setValue(e.step());
        });
        setTop(new VBox(controls, warning));
        setCenter(dashboard);
        setRight(new VBox(new Label("events (click to jump)"), events));
        seek(first);
    }

    public ReplayModel model() { return model; }
    public DashboardPane dashboard() { return dashboard; }
    public Slider scrubber() { return scrubber; }
    public StepAxis axis() { return axis; }

    private void seek(long step) {
        axis.cursorProperty().set(step);
        model.data().cursorProperty().set(step);
        position.setText("step " + step + " of " + model.firstStep() + "–" + model.lastStep());
        requested = step;
        io.submit(() -> {
            if (requested != step) return;
            try {
                StepStats s = model.record(step);
                Platform.runLater(() -> {
                    if (requested == step) dashboard.showHistogram(s);
                });
            } catch (Exception e) {
                Platform.runLater(() -> position.setText("step " + step + ": " + e.getMessage()));
            }
        });
    }

    public void frame(long nowNanos) {
        if (playing) {
            if (lastFrame > 0) {
                carry += speed * (nowNanos - lastFrame) / 1e9;
                long adv = (long) carry;
                carry -= adv;
                if (adv > 0) {
                    double v = Math.min(scrubber.getMax(), scrubber.getValue() + adv);
                    scrubber.setValue(v);
                    if (v >= scrubber.getMax()) playing = false;
                }
            }
            lastFrame = nowNanos;
        }
        dashboard.frame();
    }
}
