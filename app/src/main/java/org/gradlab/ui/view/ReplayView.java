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

import java.util.List;
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
    private final javafx.scene.control.ProgressBar forkBar = new javafx.scene.control.ProgressBar(0);
    private final Label forkMessage = new Label();
    private final javafx.scene.control.TextField forkField = new javafx.scene.control.TextField("norm:1, value:0.01");
    private java.util.function.DoubleSupplier forkProgress;
    private final Button play = new Button("Play"), forkButton = new Button("Fork at cursor");
    private final HBox controls;
    private final ListView<RunEvent> events;

    /** The navigator's entries: the run's events and the spikes found in it, by step. */
    public List<RunEvent> navigatorEntries() { return events.getItems(); }

    /** Puts a chooser in front of the replay controls (the run picker of a multi-run TensorBoard logdir). */
    public void setPicker(javafx.scene.Node picker) {
        controls.getChildren().add(0, picker);
    }

    public ReplayView(ReplayModel model, ExecutorService io, java.util.function.Consumer<java.util.List<String>> onFork) {
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
        // a zoom narrower than the whole run's buckets: that window's records are read, one step per bucket
        new DetailLoader(axis, model.data(), model::detail, io, position::setText);
        play.setId("replayPlay");
        play.setTooltip(new javafx.scene.control.Tooltip("Play / pause the replay (Space); ← → move the cursor one step"));
        play.setOnAction(e -> togglePlay());
        ComboBox<String> speeds = new ComboBox<>(FXCollections.observableArrayList("10 steps/s", "100 steps/s", "1000 steps/s", "10000 steps/s"));
        speeds.getSelectionModel().select(1);
        speeds.valueProperty().addListener((o, a, b) -> speed = Double.parseDouble(b.split(" ")[0]));
        position.setId("replayPosition");
        forkField.setId("replayForkField");
        forkField.setPrefColumnCount(16);
        forkField.setTooltip(new javafx.scene.control.Tooltip("2–4 clip specs, comma-separated: each becomes a branch from the cursor's step (F)"));
        forkButton.setId("replayForkButton");
        forkButton.setOnAction(e -> onFork.accept(forkSpecs()));
        forkBar.setId("forkProgress");
        forkBar.setVisible(false);
        forkBar.setPrefWidth(120);
        forkMessage.setId("replayForkMessage");
        forkMessage.setStyle("-fx-text-fill: #d00000;");
        controls = new HBox(8, play, speeds, scrubber, position);
        controls.setPadding(new Insets(4));
        HBox forkRow = new HBox(8, new Label("fork"), forkField, forkButton, forkBar, forkMessage);
        forkRow.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        forkRow.setPadding(new Insets(0, 4, 4, 4));
        Label warning = new Label(model.damageWarning() == null ? "" : "⚠ " + model.damageWarning());
        warning.setStyle("-fx-text-fill: #d00000;");
        events = new ListView<>(FXCollections.observableArrayList(model.data().events()));
        events.setId("eventsList");
        // spikes the run did not record as events join the list (and N / P) once found, off the FX thread
        io.submit(() -> {
            try {
                List<RunEvent> found = model.detectedSpikes();
                if (!found.isEmpty()) Platform.runLater(() -> {
                    List<RunEvent> all = new java.util.ArrayList<>(events.getItems());
                    all.addAll(found);
                    all.sort(java.util.Comparator.comparingLong(RunEvent::step));
                    events.getItems().setAll(all);
                });
            } catch (Exception ex) {
                // no navigation by spikes then; the Diagnose button reports what went wrong
            }
        });
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
        var manifest = model.reader().manifest();
        // an imported log is named by where it came from (its logdir and run), not by the snapshot folder
        Label title = new Label("replaying " + (manifest.imported() != null ? manifest.imported().source()
                : model.reader().dir().toAbsolutePath().normalize()) + " · "
                + (manifest.imported() != null ? "imported from " + manifest.imported().format()
                : manifest.session().run().model() + " on " + manifest.session().run().task() + ", clip " + manifest.clipText())
                + " · steps " + model.firstStep() + "–" + model.lastStep());
        title.setId("replayTitle");
        title.setStyle("-fx-font-weight: bold;");
        title.setPadding(new Insets(4, 4, 0, 4));
        setTop(new VBox(title, controls, forkRow, warning));
        setCenter(dashboard);
        javafx.scene.control.TextArea report = new javafx.scene.control.TextArea();
        report.setId("diagnosisText");
        report.setEditable(false);
        report.setWrapText(true);
        report.setPrefRowCount(16);
        report.setStyle("-fx-font-family: monospace; -fx-font-size: 11px;");
        Button diagnose = new Button("Diagnose");
        diagnose.setId("diagnoseButton");
        diagnose.setTooltip(new javafx.scene.control.Tooltip("Read this run's clipping, spikes, trends and NaN/inf, and rank their likely causes "
                + "(the same as ./gradlab diagnose)"));
        diagnose.setOnAction(e -> {
            report.setText("diagnosing…");
            io.submit(() -> {
                String text;
                try {
                    text = model.diagnosis().text();
                } catch (Exception ex) {
                    text = "cannot diagnose: " + ex.getMessage();
                }
                String t = text;
                Platform.runLater(() -> report.setText(t));
            });
        });
        VBox side = new VBox(4, new Label("events (click to jump)"), events, diagnose, report);
        VBox.setVgrow(report, Priority.ALWAYS);
        side.setPrefWidth(300);
        setRight(side);
        seek(first);
    }

    public ReplayModel model() { return model; }
    public boolean playing() { return playing; }

    java.util.List<String> forkSpecs() {
        return java.util.Arrays.stream(forkField.getText().split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    private void togglePlay() {
        playing = !playing;
        play.setText(playing ? "Pause" : "Play");
        lastFrame = -1;
    }

    /** The replay's keys: Space plays/pauses, ← → move the cursor a step (Shift: 100 steps), N / P jump to the next / previous event, F forks. */
    boolean key(javafx.scene.input.KeyEvent e) {
        switch (e.getCode()) {
            case SPACE -> togglePlay();
            case RIGHT, LEFT -> {
                long d = (e.getCode() == javafx.scene.input.KeyCode.RIGHT ? 1 : -1) * (e.isShiftDown() ? 100 : 1);
                scrubber.setValue(Math.max(scrubber.getMin(), Math.min(scrubber.getMax(), Math.round(scrubber.getValue()) + d)));
            }
            case F -> forkButton.fire();
            case N, P -> jumpToEvent(e.getCode() == javafx.scene.input.KeyCode.N);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Moves the cursor to the next (or previous) entry of the navigator — an event of the run or a spike found in it. */
    public void jumpToEvent(boolean next) {
        long at = Math.round(scrubber.getValue());
        long best = -1;
        for (RunEvent ev : events.getItems()) {
            long k = ev.step();
            if (next ? k > at && (best < 0 || k < best) : k < at && (best < 0 || k > best)) best = k;
        }
        if (best >= 0) scrubber.setValue(best);
    }

    /** Shows a fork's rebuild progress (null: none under way). */
    public void showForkProgress(java.util.function.DoubleSupplier p) {
        forkProgress = p;
        forkBar.setVisible(p != null);
        if (p != null) forkMessage.setText("rebuilding the state at step " + axis.cursorProperty().get() + "…");
        else if (forkMessage.getText().startsWith("rebuilding")) forkMessage.setText("");
    }

    public void forkError(String message) {
        forkMessage.setText(message == null ? "fork failed" : message.lines().findFirst().orElse(message));
    }
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
        if (forkProgress != null) forkBar.setProgress(forkProgress.getAsDouble());
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
