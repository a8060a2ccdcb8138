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
import org.gradlab.ui.vm.DifferenceSeries;
import org.gradlab.ui.vm.LiveSessionModel;
import org.gradlab.ui.vm.RunViewModel;
import org.gradlab.ui.vm.RunViewModel.Scalar;
import org.gradlab.overview.SeriesStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs side by side on shared charts — one colour per run, one step axis and cursor for all — with a table
 * of key figures. Holds live fork branches (which it can play and pause together) and recorded runs alike.
 */
public class CompareView extends BorderPane {
    /** One row of the key-figures table. */
    public record Row(String run, String clip, String steps, String lossAtCursor, String deltaAtCursor, String meanDelta, String clipRate,
                      String maxNorm, String diverged) {}

    private final StepAxis axis = new StepAxis();
    private final List<RunViewModel> runs = new ArrayList<>();
    private final List<java.util.function.Supplier<String>> clips = new ArrayList<>();
    private final List<LiveSessionModel> live = new ArrayList<>();
    private final TimeChart loss = new TimeChart("loss (smoothed)", false, axis);
    private final TimeChart norm = new TimeChart("pre-clip gradient norm (log)", true, axis);
    private final TimeChart post = new TimeChart("post-clip gradient norm (log)", true, axis);
    private final TimeChart rate = new TimeChart("clip rate (last 100 steps)", false, axis).yRange(0, 1.05);
    private final TimeChart diff = new TimeChart("loss − parent (raw dashed; smoothed from the fork)", false, axis);
    /** The run the others forked from, and the fork step (-1: runs compared without a fork). */
    private RunViewModel parent;
    private long forkStep = -1;
    private final List<DifferenceSeries> rawDiffs = new ArrayList<>(), smoothDiffs = new ArrayList<>();
    private final Label windowLabel = new Label();
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final TableView<Row> table = new TableView<>(rows);
    private final Slider cursor = new Slider(0, 1, 0);
    private final Label cursorLabel = new Label();
    private final Label notes = new Label();
    private long version = -1;
    private GridPane grid;
    /** Recurrent runs compared on their own pictures: one gradient-through-time heatmap per run, the curves, ρ. */
    private final List<org.gradlab.ui.chart.HeatmapChart> throughHeats = new ArrayList<>();
    private final org.gradlab.ui.chart.CurveChart throughCurves = new org.gradlab.ui.chart.CurveChart("t");
    private final TimeChart radius = new TimeChart("spectral radius of W_hh (ρ = 1 dashed)", false, axis).sampled();

    public CompareView() {
        for (TimeChart c : List.of(loss, norm, post, rate)) c.runHasSteps(() -> runs.stream().anyMatch(r -> r.steps() > 0));
        diff.setId("differenceChart");
        table.setId("compareTable");
        String[][] cols = {{"run", "run"}, {"clip", "clip"}, {"steps", "steps"}, {"loss at cursor (raw)", "lossAtCursor"},
            {"− parent at cursor (smoothed from the fork)", "deltaAtCursor"}, {"mean raw loss − parent (window)", "meanDelta"},
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
        Button zoomFork = new Button("Zoom to fork");
        zoomFork.setId("zoomFork");
        zoomFork.setTooltip(new javafx.scene.control.Tooltip("Show the steps from just before the fork to the branches' last"));
        zoomFork.setOnAction(e -> zoomToFork());
        Button zoomAll = new Button("All steps");
        zoomAll.setOnAction(e -> {
            axis.fromProperty().set(-1);
            axis.toProperty().set(-1);
        });
        Button remove = new Button("Remove run");
        remove.setId("removeRun");
        remove.setTooltip(new javafx.scene.control.Tooltip("Remove the run selected in the table from the comparison"));
        remove.setOnAction(e -> {
            int i = table.getSelectionModel().getSelectedIndex();
            if (i >= 0) remove(i);
        });
        windowLabel.setId("compareWindow");
        HBox top = new HBox(8, playAll, pauseAll, zoomFork, zoomAll, remove, new Label("cursor"), cursor, cursorLabel);
        top.setPadding(new Insets(4));
        notes.setId("compareNotes");
        table.getSelectionModel().setSelectionMode(javafx.scene.control.SelectionMode.SINGLE);
        notes.setWrapText(true);
        notes.setStyle("-fx-text-fill: #b00000;");
        grid = ChartGrid.of(2, loss, norm, rate, post, diff);
        throughCurves.setId("compareThroughTime");
        radius.runHasSteps(() -> runs.stream().anyMatch(r -> r.steps() > 0));
        for (TimeChart c : allCharts()) c.events(this::markers);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        VBox.setVgrow(grid, Priority.ALWAYS);
        setTop(new VBox(top, windowLabel, notes));
        diff.runHasSteps(() -> parent != null);
        setCenter(grid);
        setBottom(table);
    }

    private static String field(Row r, String f) {
        return switch (f) {
            case "run" -> r.run();
            case "clip" -> r.clip();
            case "steps" -> r.steps();
            case "lossAtCursor" -> r.lossAtCursor();
            case "deltaAtCursor" -> r.deltaAtCursor();
            case "meanDelta" -> r.meanDelta();
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
    public long forkStep() { return forkStep; }
    public TimeChart differenceChart() { return diff; }
    /** branch − parent, per step: the raw loss difference of run i (null for the parent or without a fork). */
    public org.gradlab.overview.SeriesStore rawDifference(int i) { return i < rawDiffs.size() && rawDiffs.get(i) != null ? rawDiffs.get(i).get() : null; }
    public org.gradlab.overview.SeriesStore smoothedDifference(int i) { return i < smoothDiffs.size() && smoothDiffs.get(i) != null ? smoothDiffs.get(i).get() : null; }

    private List<TimeChart> allCharts() {
        return List.of(loss, norm, post, rate, diff, radius);
    }

    /** The gradient-through-time heatmaps, one per recurrent run in the comparison (empty when none is recurrent). */
    public List<org.gradlab.ui.chart.HeatmapChart> throughTimeHeatmaps() { return throughHeats; }
    public org.gradlab.ui.chart.CurveChart throughTimeCurves() { return throughCurves; }
    public TimeChart radiusChart() { return radius; }

    /**
     * The charts for the runs now compared: loss, norms and clip rate; and where runs are recurrent, each one's
     * gradient-through-time heatmap side by side on the shared step axis, their latest ‖∂L/∂h_t‖ curves on one log
     * axis, and their spectral radii — the pictures that tell initialisations apart, which global norms do not.
     */
    private void layoutCharts() {
        throughHeats.clear();
        List<javafx.scene.layout.Region> cells = new ArrayList<>();
        for (RunViewModel d : runs) {
            if (d.through() == null) continue;
            throughHeats.add(new org.gradlab.ui.chart.HeatmapChart(d.name(), axis, () -> Heatmaps.throughTime(d, 0, d.name() + ": "))
                    .events(this::markers));
        }
        if (throughHeats.isEmpty()) {
            grid = ChartGrid.of(2, loss, norm, rate, post, diff);
        } else {
            cells.addAll(List.of(loss, norm, rate));
            cells.addAll(throughHeats);
            while (cells.size() % 3 != 0) cells.add(new javafx.scene.layout.Pane());
            cells.addAll(List.of(throughCurves, radius, parent != null ? diff : post));
            grid = ChartGrid.of(3, cells.toArray(javafx.scene.layout.Region[]::new));
        }
        VBox.setVgrow(grid, Priority.ALWAYS);
        setCenter(grid);
    }

    /** Each recurrent run's newest ‖∂L/∂h_t‖ of its first layer, on one log axis. */
    private void showCurves() {
        List<String> names = new ArrayList<>();
        List<RunViewModel> rec = runs.stream().filter(d -> d.through() != null).toList();
        int len = 0;
        for (RunViewModel d : rec) len = Math.max(len, d.through().steps());
        if (rec.isEmpty() || len == 0) return;
        float[] v = new float[rec.size() * len];
        java.util.Arrays.fill(v, Float.NaN);
        boolean any = false;
        for (int i = 0; i < rec.size(); i++) {
            var tt = rec.get(i).through();
            names.add(rec.get(i).name() + (tt.latestStep() < 0 ? "" : " @" + tt.latestStep()));
            if (tt.latest() == null) continue;
            System.arraycopy(tt.latest(), 0, v, i * len, tt.steps());
            any = true;
        }
        throughCurves.show(any ? v : null, names, len, "each run's latest step: ‖∂L/∂h_t‖ per t (log)");
    }

    /**
     * Marks a fork: its parent (already in the comparison, or added now) and the step the branches start at. The
     * fork is marked on every chart, the difference chart shows each branch minus the parent, the table's
     * differences are against it.
     */
    public void setFork(RunViewModel parent, String clip, long step) {
        if (!runs.contains(parent)) add(parent, clip);
        this.parent = parent;
        this.forkStep = step;
        rebuildLines();
    }

    /**
     * The comparison's keys: Space plays or pauses the live runs, ← → move the cursor a step (Shift: 100), Z zooms
     * to the fork, A shows all steps, Delete removes the run selected in the table.
     */
    boolean key(javafx.scene.input.KeyEvent e) {
        switch (e.getCode()) {
            case SPACE -> {
                boolean anyRunning = live.stream().anyMatch(m -> !m.idle());
                live.forEach(anyRunning ? LiveSessionModel::pause : LiveSessionModel::play);
            }
            case RIGHT, LEFT -> {
                long d = (e.getCode() == javafx.scene.input.KeyCode.RIGHT ? 1 : -1) * (e.isShiftDown() ? 100 : 1);
                long at = axis.cursorProperty().get() < 0 ? Math.round(cursor.getMin()) : axis.cursorProperty().get();
                cursor.setValue(Math.max(cursor.getMin(), Math.min(cursor.getMax(), at + d)));
            }
            case Z -> zoomToFork();
            case A -> {
                axis.fromProperty().set(-1);
                axis.toProperty().set(-1);
            }
            case DELETE, BACK_SPACE -> {
                int i = table.getSelectionModel().getSelectedIndex();
                if (i < 0) return false;
                remove(i);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Window from just before the fork to the branches' last step. */
    public void zoomToFork() {
        if (forkStep < 0) return;
        long last = forkStep + 1;
        for (RunViewModel d : runs) if (d != parent && !d.series(Scalar.LOSS).isEmpty()) last = Math.max(last, d.series(Scalar.LOSS).lastStep());
        long before = Math.max(5, (last - forkStep) / 10);
        axis.fromProperty().set(Math.max(0, forkStep - before));
        axis.toProperty().set(last);
    }

    /** Removes run i (a live branch is closed). */
    public void remove(int i) {
        RunViewModel d = runs.remove(i);
        clips.remove(i);
        for (LiveSessionModel m : List.copyOf(live)) {
            if (m.data() == d) {
                m.close();
                live.remove(m);
            }
        }
        if (d == parent) {
            parent = null;
            forkStep = -1;
        }
        rebuildLines();
    }

    /** The fork (where there is one) and the first run's events, on every chart. */
    private List<org.gradlab.run.RunEvent> markers() {
        List<org.gradlab.run.RunEvent> out = new ArrayList<>();
        if (forkStep >= 0) out.add(new org.gradlab.run.RunEvent(forkStep, 0, org.gradlab.run.RunEvent.Type.FORK, "fork"));
        if (!runs.isEmpty()) out.addAll(runs.get(0).events());
        return out;
    }

    private void rebuildLines() {
        for (TimeChart c : allCharts()) c.clearLines();
        diff.setVisible(parent != null); // a difference needs a fork
        diff.setManaged(parent != null);
        rawDiffs.clear();
        smoothDiffs.clear();
        for (int i = 0; i < runs.size(); i++) {
            RunViewModel d = runs.get(i);
            javafx.scene.paint.Color c = Palette.series(i);
            String name = d == parent ? d.name() + " (parent)" : d.name(); // the legends say which run the others forked from
            loss.line(() -> d.series(Scalar.LOSS_SMOOTH), c, name);
            norm.line(() -> d.series(Scalar.PRE_NORM), c, name);
            post.line(() -> d.series(Scalar.POST_NORM), c, name);
            rate.line(() -> d.series(Scalar.CLIP_RATE), c, name);
            if (d.through() != null) {
                for (int m = 0; m < d.through().matrices().size(); m++) {
                    int mi = m;
                    radius.line(() -> d.through().radius(mi), c, d.through().matrices().size() == 1 ? name : name + " " + d.through().matrices().get(m));
                }
            }
            DifferenceSeries raw = parent == null || d == parent ? null : new DifferenceSeries(d, parent, Scalar.LOSS, false);
            DifferenceSeries smooth = parent == null || d == parent ? null : new DifferenceSeries(d, parent, Scalar.LOSS, true);
            rawDiffs.add(raw);
            smoothDiffs.add(smooth);
            if (raw != null) {
                diff.dashed(raw::get, c.deriveColor(0, 1, 1, 0.45), d.name() + " raw");
                diff.line(smooth::get, c, d.name());
            }
        }
        if (runs.stream().anyMatch(d -> d.through() != null && !d.through().matrices().isEmpty())) {
            RunViewModel first = runs.stream().filter(d -> d.through() != null && !d.through().matrices().isEmpty()).findFirst().get();
            radius.dashed(() -> first.through().one(), Palette.text().deriveColor(0, 1, 1, 0.5), "ρ = 1");
        }
        layoutCharts();
        version = -1;
    }

    public void addLive(LiveSessionModel m) {
        live.add(m);
        add(m.data(), m::clipText);
    }

    public void add(RunViewModel d, String clip) {
        add(d, () -> clip);
    }

    private void add(RunViewModel d, java.util.function.Supplier<String> clip) {
        runs.add(d);
        clips.add(clip);
        rebuildLines();
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
        parent = null;
        forkStep = -1;
        rebuildLines();
        axis.fromProperty().set(-1);
        axis.toProperty().set(-1);
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
        v = v * 31 + axis.fromProperty().get() * 7 + axis.toProperty().get();
        if (lo <= hi) {
            cursor.setMin(lo);
            cursor.setMax(Math.max(hi, lo + 1));
        }
        cursorLabel.setText(axis.cursorProperty().get() < 0 ? "" : "step " + axis.cursorProperty().get());
        for (TimeChart c : allCharts()) c.refresh(v);
        for (var h : throughHeats) h.refresh(v);
        if (v != version) {
            version = v;
            updateTable();
            if (!throughHeats.isEmpty()) showCurves();
        }
    }

    /**
     * The table at one step for every run — the cursor, or where there is none the last step all runs share —
     * and over one window (the visible steps after the fork): never one raw loss of each run at different steps.
     */
    private void updateTable() {
        long common = Long.MAX_VALUE, from = Long.MIN_VALUE;
        for (RunViewModel d : runs) {
            SeriesStore l = d.series(Scalar.LOSS);
            if (l.isEmpty()) continue;
            common = Math.min(common, l.lastStep());
            from = Math.max(from, l.firstStep());
        }
        long at = axis.cursorProperty().get() >= 0 ? axis.cursorProperty().get() : common == Long.MAX_VALUE ? -1 : common;
        long w0 = Math.max(forkStep, axis.fromProperty().get()), w1 = axis.toProperty().get() < 0 ? common : Math.min(common, axis.toProperty().get());
        windowLabel.setText(at < 0 ? "" : "table at step " + at + (forkStep >= 0 && w1 >= w0 ? "; window steps " + w0 + "–" + w1 : ""));
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunViewModel d = runs.get(i);
            SeriesStore n = d.series(Scalar.PRE_NORM), raw = d.series(Scalar.LOSS);
            float max = Float.NaN;
            long diverged = -1;
            for (int b = 0; b < raw.buckets(); b++) if (diverged < 0 && raw.nonFinite(b) > 0) diverged = raw.bucketStart(b);
            for (int b = 0; b < n.buckets(); b++) if (!(max >= n.max(b)) && !Float.isNaN(n.max(b))) max = n.max(b);
            float atCursor = raw.exactlyAt(at);
            String here = Float.isNaN(atCursor) ? "—" : f(atCursor);
            String delta = "—", mean = "—";
            SeriesStore sd = smoothedDifference(i), rd = rawDifference(i);
            if (sd != null) {
                if (!rawDiffs.get(i).exact()) {
                    delta = mean = "runs too long for a per-step difference";
                } else {
                    float x = sd.exactlyAt(at);
                    delta = Float.isNaN(x) ? "—" : signed(x);
                    mean = meanOver(rd, w0, w1);
                }
            }
            out.add(new Row(d.name() + (d == parent ? " (parent)" : ""), clips.get(i).get(), Long.toString(d.steps()), here, delta, mean,
                    Double.isNaN(d.overallClipRate()) ? "not in the data" : String.format(Locale.ROOT, "%.1f%%", 100 * d.overallClipRate()), f(max),
                    diverged < 0 ? "no" : "≈ step " + diverged));
        }
        rows.setAll(out);
    }

    private static String meanOver(SeriesStore s, long from, long to) {
        double sum = 0;
        int n = 0;
        for (long k = Math.max(from, s.isEmpty() ? 0 : s.firstStep()); !s.isEmpty() && k <= Math.min(to, s.lastStep()); k++) {
            float v = s.exactlyAt(k);
            if (Float.isNaN(v)) continue;
            sum += v;
            n++;
        }
        return n == 0 ? "—" : signed((float) (sum / n)) + " (" + n + " steps)";
    }

    private static String signed(float v) {
        return (v > 0 ? "+" : "") + String.format(Locale.ROOT, "%.4g", v);
    }

    private static String f(float v) {
        return Float.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.5g", v);
    }
}
