package org.gradlab.ui.view;

import javafx.beans.property.SimpleStringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.gradlab.ui.chart.Palette;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.chart.TimeChart;
import org.gradlab.ui.vm.LiveSessionModel;
import org.gradlab.ui.vm.RunViewModel;
import org.gradlab.ui.vm.RunViewModel.Scalar;
import org.gradlab.ui.vm.SeriesStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs side by side on shared charts — one colour per run, one step axis and cursor for all — with a table
 * of key figures. Holds live fork branches (which it can play and pause together) and recorded runs alike.
 */
public class CompareView extends BorderPane {
    /** One row of the key-figures table. */
    public record Row(String run, String clip, String steps, String finalLoss, String minLoss, String clipRate, String maxNorm,
                      String diverged) {}

    private final StepAxis axis = new StepAxis();
    private final List<RunViewModel> runs = new ArrayList<>();
    private final List<java.util.function.Supplier<String>> clips = new ArrayList<>();
    private final List<LiveSessionModel> live = new ArrayList<>();
    private final TimeChart loss = new TimeChart("loss (smoothed)", false, axis);
    private final TimeChart norm = new TimeChart("pre-clip gradient norm (log)", true, axis);
    private final TimeChart post = new TimeChart("post-clip gradient norm (log)", true, axis);
    private final TimeChart rate = new TimeChart("clip rate (last 100 steps)", false, axis).yRange(0, 1.05);
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final TableView<Row> table = new TableView<>(rows);
    private final Slider cursor = new Slider(0, 1, 0);
    private final Label cursorLabel = new Label();
    private final Label notes = new Label();
    private long version = -1;
    private final GridPane grid;

    public CompareView() {
        for (TimeChart c : List.of(loss, norm, post, rate)) c.runHasSteps(() -> runs.stream().anyMatch(r -> r.steps() > 0));
        table.setId("compareTable");
        String[][] cols = {{"run", "run"}, {"clip", "clip"}, {"steps", "steps"}, {"final loss", "finalLoss"}, {"min loss", "minLoss"},
            {"clipped steps (all)", "clipRate"}, {"max pre-norm", "maxNorm"}, {"diverged", "diverged"}};
        for (String[] c : cols) {
            TableColumn<Row, String> col = new TableColumn<>(c[0]);
            String field = c[1];
            col.setCellValueFactory(cd -> new SimpleStringProperty(field(cd.getValue(), field)));
            table.getColumns().add(col);
        }
        table.setPrefHeight(150);
        Button playAll = new Button("Play all");
        playAll.setId("playAll");
        playAll.setOnAction(e -> live.forEach(LiveSessionModel::play));
        Button pauseAll = new Button("Pause all");
        pauseAll.setOnAction(e -> live.forEach(LiveSessionModel::pause));
        cursor.setId("compareCursor");
        cursor.valueProperty().addListener((o, a, b) -> axis.cursorProperty().set(Math.round(b.doubleValue())));
        HBox.setHgrow(cursor, Priority.ALWAYS);
        HBox top = new HBox(8, playAll, pauseAll, new Label("cursor"), cursor, cursorLabel);
        top.setPadding(new Insets(4));
        notes.setId("compareNotes");
        notes.setWrapText(true);
        notes.setStyle("-fx-text-fill: #b00000;");
        grid = ChartGrid.of(2, loss, norm, rate, post);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        VBox.setVgrow(grid, Priority.ALWAYS);
        setTop(new VBox(top, notes));
        setCenter(grid);
        setBottom(table);
    }

    private static String field(Row r, String f) {
        return switch (f) {
            case "run" -> r.run();
            case "clip" -> r.clip();
            case "steps" -> r.steps();
            case "finalLoss" -> r.finalLoss();
            case "minLoss" -> r.minLoss();
            case "clipRate" -> r.clipRate();
            case "maxNorm" -> r.maxNorm();
            default -> r.diverged();
        };
    }

    public StepAxis axis() { return axis; }
    /** The charts alone (what a PNG export shows). */
    public javafx.scene.Node charts() { return grid; }
    public List<RunViewModel> runs() { return runs; }
    public List<LiveSessionModel> liveRuns() { return live; }
    public ObservableList<Row> rows() { return rows; }

    public void addLive(LiveSessionModel m) {
        live.add(m);
        add(m.data(), m::clipText);
    }

    public void add(RunViewModel d, String clip) {
        add(d, () -> clip);
    }

    private void add(RunViewModel d, java.util.function.Supplier<String> clip) {
        int i = runs.size();
        runs.add(d);
        clips.add(clip);
        loss.line(() -> d.series(Scalar.LOSS_SMOOTH), Palette.series(i), d.name());
        norm.line(() -> d.series(Scalar.PRE_NORM), Palette.series(i), d.name());
        post.line(() -> d.series(Scalar.POST_NORM), Palette.series(i), d.name());
        rate.line(() -> d.series(Scalar.CLIP_RATE), Palette.series(i), d.name());
        if (i == 0) {
            loss.events(d::events);
            norm.events(d::events);
        }
        version = -1;
    }

    /** A line under the toolbar: warnings about damaged log files, tags shown under their own names. */
    public void addNote(String line) {
        notes.setText(notes.getText().isEmpty() ? line : notes.getText() + "\n" + line);
    }

    public String notes() {
        return notes.getText();
    }

    public void clear() {
        notes.setText("");
        live.forEach(LiveSessionModel::close);
        live.clear();
        runs.clear();
        clips.clear();
        for (TimeChart c : List.of(loss, norm, post, rate)) c.clearLines();
        rows.clear();
    }

    public void frame() {
        for (LiveSessionModel m : live) m.pollFrame();
        long v = 0, lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (RunViewModel d : runs) {
            v = v * 31 + d.version();
            SeriesStore s = d.series(Scalar.LOSS);
            if (!s.isEmpty()) {
                lo = Math.min(lo, s.firstStep());
                hi = Math.max(hi, s.lastStep());
            }
        }
        v = v * 31 + axis.cursorProperty().get();
        if (lo <= hi) {
            cursor.setMin(lo);
            cursor.setMax(Math.max(hi, lo + 1));
        }
        cursorLabel.setText(axis.cursorProperty().get() < 0 ? "" : "step " + axis.cursorProperty().get());
        for (TimeChart c : List.of(loss, norm, post, rate)) c.refresh(v);
        if (v != version) {
            version = v;
            updateTable();
        }
    }

    private void updateTable() {
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunViewModel d = runs.get(i);
            SeriesStore l = d.series(Scalar.LOSS), n = d.series(Scalar.PRE_NORM);
            float fin = l.isEmpty() ? Float.NaN : l.last(l.buckets() - 1);
            float min = Float.NaN, max = Float.NaN;
            long diverged = -1;
            for (int b = 0; b < l.buckets(); b++) {
                if (!(min <= l.min(b)) && !Float.isNaN(l.min(b))) min = l.min(b);
                if (diverged < 0 && l.nonFinite(b) > 0) diverged = l.bucketStart(b);
            }
            for (int b = 0; b < n.buckets(); b++) if (!(max >= n.max(b)) && !Float.isNaN(n.max(b))) max = n.max(b);
            String clip = clips.get(i).get();
            out.add(new Row(d.name(), clip, Long.toString(d.steps()), f(fin), f(min),
                    Double.isNaN(d.overallClipRate()) ? "not in the data" : String.format(Locale.ROOT, "%.1f%%", 100 * d.overallClipRate()), f(max),
                    diverged < 0 ? "no" : "≈ step " + diverged));
        }
        rows.setAll(out);
    }

    private static String f(float v) {
        return Float.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.5g", v);
    }
}
