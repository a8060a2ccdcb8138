package org.gradlab.ui.view;

import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.gradlab.ui.chart.HeatmapChart;
import org.gradlab.ui.chart.Palette;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.chart.TimeChart;
import org.gradlab.ui.vm.RunViewModel;
import org.gradlab.overview.SeriesStore;
import org.gradlab.ui.vm.TbRunModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;

/**
 * Every tag of the open TensorBoard runs, any of which can be plotted: a scalar as logged; a histogram tag as its
 * counts over time on GradLab's bins (one heatmap per run) under the L2 norm of its values where the writer logged
 * their sum of squares. One line per run that holds the tag; a run without it is named as such, never drawn as
 * zero. Data is copied off the FX thread.
 */
public final class TagBrowser extends BorderPane {
    private final ExecutorService io;
    private final StepAxis axis = new StepAxis();
    private final List<TbRunModel> runs = new ArrayList<>();
    private final ListView<String> list = new ListView<>();
    private final CheckBox logY = new CheckBox("log y");
    private final Label note = new Label();
    private TimeChart chart = new TimeChart("pick a tag", false, axis);
    private final List<SeriesStore> shown = new ArrayList<>();
    private final List<String> shownNames = new ArrayList<>();
    private long version;

    public TagBrowser(ExecutorService io) {
        this.io = io;
        list.setId("tagList");
        list.setPrefWidth(280);
        list.getSelectionModel().selectedItemProperty().addListener((o, a, tag) -> show(tag));
        logY.setId("tagLogY");
        logY.selectedProperty().addListener((o, a, b) -> show(selected()));
        note.setId("tagNote");
        note.setWrapText(true);
        HBox bar = new HBox(8, logY, note);
        bar.setPadding(new Insets(4));
        javafx.scene.layout.VBox.setVgrow(list, javafx.scene.layout.Priority.ALWAYS);
        setLeft(new VBox(4, new Label(" tags of the open logs"), list));
        setTop(bar);
        setCenter(new Label("pick a tag on the left: a scalar is plotted as logged, a histogram tag as its counts over time (and the L2 norm of "
                + "its values where the writer logged their sum of squares)"));
    }

    public void add(TbRunModel m) {
        runs.add(m);
        reload();
    }

    public void clear() {
        runs.clear();
        list.getItems().clear();
        show(null);
    }

    /** Re-reads the tags and the plotted tag (after a tail brought new records). */
    public void reload() {
        List<TbRunModel> rs = List.copyOf(runs);
        io.submit(() -> {
            TreeSet<String> all = new TreeSet<>();
            for (TbRunModel m : rs) all.addAll(m.tags());
            Platform.runLater(() -> {
                String keep = selected();
                if (!list.getItems().equals(new ArrayList<>(all))) {
                    list.setItems(FXCollections.observableArrayList(all));
                    if (keep != null) list.getSelectionModel().select(keep);
                }
                if (keep != null) show(keep);
            });
        });
    }

    public String selected() { return list.getSelectionModel().getSelectedItem(); }
    public List<String> tags() { return list.getItems(); }
    public TimeChart chart() { return chart; }
    /** The plotted series, one per run holding the tag (in run order). */
    public List<SeriesStore> shown() { return shown; }
    public String note() { return note.getText(); }
    /** The runs of {@link #shown}, by name. */
    public List<String> shownNames() { return shownNames; }

    public void select(String tag) {
        list.getSelectionModel().select(tag);
    }

    private void show(String tag) {
        List<TbRunModel> rs = List.copyOf(runs);
        boolean log = logY.isSelected();
        io.submit(() -> {
            List<TreeMap<Long, Double>> values = new ArrayList<>();
            List<TreeMap<Long, long[]>> rows = new ArrayList<>();
            for (TbRunModel m : rs) {
                values.add(tag == null ? new TreeMap<>() : m.values(tag));
                rows.add(tag == null ? new TreeMap<>() : m.histogramRows(tag));
            }
            Platform.runLater(() -> draw(tag, rs, values, rows, log));
        });
    }

    private final List<HeatmapChart> heatmaps = new ArrayList<>();
    private final List<TreeMap<Long, long[]>> heatmapRows = new ArrayList<>();

    /** For a histogram tag: one heatmap of its counts over time per run that holds it (in run order). */
    public List<HeatmapChart> heatmaps() { return heatmaps; }
    /** The counts behind {@link #heatmaps}, by step, on GradLab's bins. */
    public List<TreeMap<Long, long[]>> heatmapRows() { return heatmapRows; }

    private void draw(String tag, List<TbRunModel> rs, List<TreeMap<Long, Double>> values, List<TreeMap<Long, long[]>> rows, boolean log) {
        String title = tag == null ? "pick a tag" : tag.endsWith(TbRunModel.HISTOGRAM)
                ? tag.substring(0, tag.length() - TbRunModel.HISTOGRAM.length()) + ": L2 norm of the logged values" : tag;
        chart = new TimeChart(title, log, axis);
        chart.setId("tagChart");
        shown.clear();
        shownNames.clear();
        List<String> without = new ArrayList<>();
        heatmaps.clear();
        heatmapRows.clear();
        for (int i = 0; i < rs.size(); i++) {
            if (!rows.get(i).isEmpty()) { // a histogram tag: its counts over time, whatever else the writer logged
                TreeMap<Long, long[]> counts = rows.get(i);
                HeatmapChart.Source src = Heatmaps.histogramOfTag(counts, rs.get(i).data().name() + ": counts over time on GradLab's bins");
                heatmapRows.add(counts);
                heatmaps.add(new HeatmapChart("", axis, () -> src));
            }
            if (values.get(i).isEmpty()) {
                if (tag != null && rows.get(i).isEmpty()) without.add(rs.get(i).data().name());
                continue;
            }
            SeriesStore s = new SeriesStore(RunViewModel.CAPACITY);
            for (var e : values.get(i).entrySet()) s.append(e.getKey(), e.getValue().floatValue());
            shown.add(s);
            shownNames.add(rs.get(i).data().name());
            chart.line(() -> s, Palette.series(i), rs.get(i).data().name()); // colours match the comparison's
        }
        chart.runHasSteps(() -> tag != null);
        note.setText(tag == null ? "" : without.isEmpty() ? "" : String.format(Locale.ROOT, "not in %s", String.join(", ", without)));
        if (tag == null) {
            setCenter(new Label("pick a tag on the left"));
        } else if (heatmaps.isEmpty()) {
            setCenter(chart);
        } else { // the norm (where sums of squares were logged) above one heatmap per run
            VBox box = new VBox(4);
            if (!shown.isEmpty()) box.getChildren().add(chart);
            box.getChildren().addAll(heatmaps);
            for (javafx.scene.Node n : box.getChildren()) VBox.setVgrow(n, javafx.scene.layout.Priority.ALWAYS);
            setCenter(box);
        }
        version++;
    }

    public void frame() {
        chart.refresh(version);
        for (HeatmapChart h : heatmaps) h.refresh(version);
    }
}
