package org.gradlab.ui.view;

import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.gradlab.telemetry.StepStats;
import org.gradlab.ui.chart.CurveChart;
import org.gradlab.ui.chart.HeatmapChart;
import org.gradlab.ui.chart.HistogramChart;
import org.gradlab.ui.chart.Palette;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.chart.TimeChart;
import org.gradlab.ui.vm.RunViewModel;
import org.gradlab.ui.vm.RunViewModel.Scalar;

import java.util.ArrayList;
import java.util.List;

/**
 * The charts of one run on a shared step axis: loss (raw and smoothed), global gradient norm before and after
 * clipping on a log axis with the threshold, clip coefficient and rolling clip rate, a layers × steps
 * gradient-norm heatmap, the selected layer's histogram over time, the current step's histogram (pre and
 * post), weight norms and update/weight ratios. Used by the live and the replay views.
 */
public class DashboardPane extends VBox {
    private final RunViewModel data;
    private final StepAxis axis;
    private final List<TimeChart> timeCharts = new ArrayList<>();
    private final HeatmapChart layerHeat, layerHeatPost, histHeat;
    private final HistogramChart current = new HistogramChart();
    /** A recurrent run's gradient through time (heatmap and the current step's curve) and spectral radius; null otherwise. */
    private HeatmapChart throughHeat;
    private CurveChart throughCurve;
    private long curveStep = -1;
    private final ComboBox<String> layerPicker, smoothingPicker;
    private Runnable onSmoothingChanged = () -> { };
    private final org.controlsfx.control.RangeSlider zoom;
    private final Label nonFinite = new Label();
    private StepStats shown;
    private boolean followLatest = true;

    public DashboardPane(RunViewModel data, StepAxis axis) {
        this.data = data;
        this.axis = axis;
        setSpacing(4);
        setPadding(new Insets(4));
        TimeChart loss = new TimeChart("loss", false, axis)
                .line(() -> data.series(Scalar.LOSS), Palette.series(0).deriveColor(0, 1, 1, 0.5), "raw")
                .line(() -> data.series(Scalar.LOSS_SMOOTH), Palette.series(0), "smoothed")
                .nonFinite(() -> data.series(Scalar.NON_FINITE)).events(data::events);
        TimeChart norm = new TimeChart("global gradient norm (log)", true, axis)
                .line(() -> data.series(Scalar.PRE_NORM), Palette.PRE, "pre-clip")
                .line(() -> data.series(Scalar.POST_NORM), Palette.POST, "post-clip")
                .dashed(() -> data.series(Scalar.THRESHOLD), Palette.THRESHOLD, "threshold")
                .nonFinite(() -> data.series(Scalar.NON_FINITE)).events(data::events);
        TimeChart coef = new TimeChart("clip coefficient and clip rate (last 100 steps)", false, axis).yRange(0, 1.05)
                .line(() -> data.series(Scalar.COEFFICIENT), Palette.series(4), "coefficient")
                .line(() -> data.series(Scalar.CLIP_RATE), Palette.series(1), "clip rate").events(data::events);
        TimeChart weights = new TimeChart("weight norm per layer", true, axis).events(data::events);
        TimeChart ratios = new TimeChart("update / weight per layer (log)", true, axis).events(data::events);
        for (int l = 0; l < data.layers().size(); l++) {
            int layer = l;
            weights.line(() -> data.weightNorm(layer), Palette.series(layer), data.layers().get(layer));
            ratios.line(() -> data.updateRatio(layer), Palette.series(layer), data.layers().get(layer));
        }
        timeCharts.addAll(List.of(loss, norm, coef, weights, ratios));
        for (TimeChart c : timeCharts) c.runHasSteps(() -> data.steps() > 0);
        layerHeat = new HeatmapChart("per-layer gradient norm, pre-clip (log10)", axis, () -> Heatmaps.layerNorms(data, false))
                .events(data::events);
        layerHeatPost = new HeatmapChart("per-layer gradient norm, post-clip (log10)", axis, () -> Heatmaps.layerNorms(data, true))
                .events(data::events);
        histHeat = new HeatmapChart("gradient histogram over time, post-clip", axis, () -> Heatmaps.histogram(data, 0))
                .events(data::events);
        zoom = StepZoom.attach(axis, () -> data.series(Scalar.LOSS));
        layerPicker = new ComboBox<>(FXCollections.observableArrayList(data.layers()));
        layerPicker.setId("layerPicker");
        if (!data.layers().isEmpty()) layerPicker.getSelectionModel().select(0);
        layerPicker.valueProperty().addListener((o, a, b) -> {
            int l = Math.max(0, layerPicker.getSelectionModel().getSelectedIndex());
            histHeat.setSource(() -> Heatmaps.histogram(data, l));
            if (throughHeat != null) throughHeat.setSource(() -> Heatmaps.throughTime(data, recurrentLayer()));
            showHistogram(shown);
        });
        nonFinite.setId("nonFiniteLabel");
        nonFinite.setStyle("-fx-text-fill: #d00000; -fx-font-weight: bold;");
        smoothingPicker = new ComboBox<>(FXCollections.observableArrayList("EMA 0.6", "EMA 0.9", "EMA 0.99",
                "moving average 20", "moving average 100", "moving average 500"));
        smoothingPicker.setId("smoothingPicker");
        smoothingPicker.setValue("EMA 0.9");
        smoothingPicker.valueProperty().addListener((o, a, b) -> {
            String[] p = b.split(" ");
            if (b.startsWith("EMA")) data.smoothing().configure(org.gradlab.ui.vm.Smoothing.Kind.EMA, Double.parseDouble(p[1]), data.smoothing().window());
            else data.smoothing().configure(org.gradlab.ui.vm.Smoothing.Kind.MOVING_AVERAGE, data.smoothing().weight(), Integer.parseInt(p[2]));
            onSmoothingChanged.run();
        });
        HBox bar = new HBox(8, new Label("loss smoothing:"), smoothingPicker, new Label("histogram layer:"), layerPicker,
                new Label("zoom:"), zoom, nonFinite);

        List<javafx.scene.layout.Region> charts = new ArrayList<>(List.of(loss, norm, coef, layerHeat, histHeat, current, weights,
                ratios, layerHeatPost));
        org.gradlab.overview.ThroughTime tt = data.through();
        if (tt != null) {
            throughHeat = new HeatmapChart("gradient through time", axis, () -> Heatmaps.throughTime(data, recurrentLayer()))
                    .events(data::events);
            throughCurve = new CurveChart("t");
            throughCurve.setId("throughTimeCurve");
            charts.addAll(List.of(throughHeat, throughCurve));
            if (!tt.matrices().isEmpty()) {
                TimeChart rho = new TimeChart("spectral radius of the recurrent matrix", false, axis).sampled().events(data::events);
                for (int m = 0; m < tt.matrices().size(); m++) {
                    int mi = m;
                    rho.line(() -> tt.radius(mi), Palette.series(m), "ρ(" + tt.matrices().get(m) + ")");
                }
                rho.dashed(tt::one, Palette.THRESHOLD, "ρ = 1");
                rho.runHasSteps(() -> data.steps() > 0);
                timeCharts.add(rho);
                charts.add(rho);
            }
        } else {
            throughHeat = null;
            throughCurve = null;
        }
        GridPane grid = ChartGrid.of(3, charts.toArray(javafx.scene.layout.Region[]::new));
        VBox.setVgrow(grid, Priority.ALWAYS);
        getChildren().addAll(bar, grid);
    }

    public RunViewModel data() { return data; }
    public StepAxis axis() { return axis; }

    /** What to do after the smoothing setting changed (a replay re-smooths its whole history). */
    public void setOnSmoothingChanged(Runnable r) {
        onSmoothingChanged = r;
    }

    /** Live dashboards show the newest step's histogram; a replay shows the cursor's (set by the view). */
    public void setFollowLatest(boolean follow) {
        followLatest = follow;
    }
    public List<TimeChart> timeCharts() { return timeCharts; }
    public HeatmapChart layerHeatmap() { return layerHeat; }
    public HeatmapChart layerHeatmapPost() { return layerHeatPost; }
    public HeatmapChart histogramHeatmap() { return histHeat; }
    public HistogramChart currentHistogram() { return current; }
    /** The gradient-through-time heatmap and curve (null for a run without a recurrence). */
    public HeatmapChart throughTimeHeatmap() { return throughHeat; }
    public CurveChart throughTimeCurve() { return throughCurve; }

    /** The recurrent layer the picker names, or the first one when it names another layer (the head). */
    private int recurrentLayer() {
        var tt = data.through();
        if (tt == null) return 0;
        int i = tt.layers().indexOf(layerPicker.getValue());
        return Math.max(0, i);
    }

    /** Redraws what changed; call once per frame. */
    public void frame() {
        StepZoom.follow(zoom, data.series(Scalar.LOSS));
        long v = data.version() * 31 + axis.cursorProperty().get() * 7 + axis.fromProperty().get() * 13 + axis.toProperty().get();
        for (TimeChart c : timeCharts) c.refresh(v);
        layerHeat.refresh(v);
        layerHeatPost.refresh(v);
        histHeat.refresh(v);
        if (throughHeat != null) {
            throughHeat.refresh(v);
            var tt = data.through();
            if (followLatest && tt.latestStep() != curveStep) showCurve(tt.latestStep(), tt.latest());
        }
        long bad = data.nonFiniteSteps();
        nonFinite.setText(bad == 0 ? "" : "⚠ " + bad + " steps with NaN/inf loss or gradients");
        if (followLatest && (shown == null || data.histograms().latestStep() != shown.step())) showLatest();
    }

    private void showLatest() {
        var t = data.histograms();
        if (t.latestPre() == null) return;
        shown = new StepStats(t.latestStep(), 0, 0, 0, 0, null, false, new float[0], new float[0], t.latestPre(), t.latestPost());
        showHistogram(shown);
    }

    private void showCurve(long step, float[] values) {
        curveStep = step;
        var tt = data.through();
        throughCurve.show(values, tt.layers(), tt.steps(), step < 0 ? "gradient reaching each time step" : "step " + step
                + ": ‖∂L/∂h_t‖ per time step t (log)");
    }

    /** Shows one step's histograms (the live latest, or the replay cursor's record). */
    public void showHistogram(StepStats s) {
        if (throughCurve != null && s != null && !followLatest) showCurve(s.step(), s.timeGrads());
        shown = s;
        if (s == null || s.histPre() == null) return;
        int l = Math.max(0, layerPicker.getSelectionModel().getSelectedIndex());
        current.show(s.histPre(), s.histPost(), l, "step " + s.step() + " histogram of " + (l < data.layers().size() ? data.layers().get(l) : "?")
                + " (pre-clip and post-clip)");
    }
}
