package org.gradlab.ui.chart;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import org.gradlab.run.RunEvent;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What every chart shares: a Canvas that follows the region's size, and a cleared background with a title. */
abstract class CanvasChart extends Region {
    protected final Canvas canvas = new Canvas();
    private final long minRedrawNanos;
    private long drawnVersion = -1, drawnAt;

    /** minRedrawNanos: the shortest interval between redraws caused by new data (see {@link #refresh}). */
    CanvasChart(long minRedrawNanos) {
        this.minRedrawNanos = minRedrawNanos;
        getChildren().add(canvas);
        setMinSize(200, 120);
        setPrefSize(420, 200);
    }

    public Canvas canvas() {
        return canvas;
    }

    @Override
    protected void layoutChildren() {
        if (canvas.getWidth() != getWidth() || canvas.getHeight() != getHeight()) {
            canvas.setWidth(getWidth());
            canvas.setHeight(getHeight());
            invalidate();
            redraw();
        }
    }

    public abstract void redraw();

    /** The data, size or theme changed: what a chart keeps between redraws (a computed image) must be made again. */
    protected void invalidate() {}

    /** What the last drawing said instead of data ("not in the data", "no data yet"), or "" when it drew data. */
    protected String message = "";

    public String message() { return message; }

    /** Redraws when the data version changed, at most once per minRedrawNanos; called every frame by the view. */
    public void refresh(long version) {
        long now = System.nanoTime();
        boolean themeChanged = drawnTheme != Palette.theme(); // an idle chart repaints in the new theme too
        if (themeChanged || (version != drawnVersion && now - drawnAt >= minRedrawNanos)) {
            drawnVersion = version;
            drawnAt = now;
            drawnTheme = Palette.theme();
            invalidate();
            redraw();
        }
    }

    private int drawnTheme = Palette.theme();

    /** Clears to the theme's background and writes the title top-left; leaves text settings for labels. */
    protected GraphicsContext begin(String title) {
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Palette.background());
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        g.setFont(Font.font(11));
        g.setFill(Palette.text());
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText(title, 6, 4);
        return g;
    }

    /** Dashed vertical lines with a short label at each event in [x0, x1] whose type is in {@code shown}. */
    protected static void drawEventMarkers(GraphicsContext g, List<RunEvent> events, Set<RunEvent.Type> shown,
                                           long x0, long x1, double left, double top, double pw, double ph) {
        g.setLineWidth(1);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        List<RunEvent> inView = new java.util.ArrayList<>();
        for (RunEvent e : events) if (shown.contains(e.type()) && e.step() >= x0 && e.step() <= x1) inView.add(e);
        inView.sort(java.util.Comparator.comparingLong(RunEvent::step));
        javafx.scene.text.Text measure = new javafx.scene.text.Text();
        measure.setFont(g.getFont());
        double[] xs = new double[inView.size()], widths = new double[inView.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = left + (inView.get(i).step() - x0) * pw / (double) (x1 - x0);
            measure.setText(markerLabel(inView.get(i)));
            widths[i] = measure.getLayoutBounds().getWidth();
        }
        int[] rows = labelRows(xs, widths);
        double lineHeight = measure.getLayoutBounds().getHeight() + 1;
        for (int i = 0; i < xs.length; i++) {
            g.setStroke(Palette.MARKER);
            g.setLineDashes(3, 3);
            g.strokeLine(xs[i], top, xs[i], top + ph);
            g.setLineDashes();
            g.setFill(Palette.MARKER);
            g.fillText(markerLabel(inView.get(i)), xs[i] + 3, top + 2 + rows[i] * lineHeight);
        }
    }

    /**
     * Events as small triangles in the margins just above and below the plot, at their step: for heatmaps, whose
     * one-step columns a line through the data would cover (a spike's column stays whole at full colour).
     */
    protected static void drawEdgeMarkers(GraphicsContext g, List<RunEvent> events, Set<RunEvent.Type> shown,
                                          long x0, long x1, double left, double top, double pw, double ph) {
        g.setFill(Palette.MARKER);
        for (RunEvent e : events) {
            if (!shown.contains(e.type()) || e.step() < x0 || e.step() > x1) continue;
            double x = left + (e.step() + 0.5 - x0) * pw / (double) (x1 - x0); // the middle of the step's column
            g.fillPolygon(new double[] {x - 4, x + 4, x}, new double[] {top - 7, top - 7, top - 1}, 3);
            g.fillPolygon(new double[] {x - 4, x + 4, x}, new double[] {top + ph + 7, top + ph + 7, top + ph + 1}, 3);
        }
    }

    /**
     * Rows for marker labels drawn at x + 3 (xs ascending): each goes to the first row whose last label ends
     * before it starts, so neighbouring markers' labels stack instead of overprinting.
     */
    static int[] labelRows(double[] xs, double[] widths) {
        int[] rows = new int[xs.length];
        List<Double> rowEnds = new java.util.ArrayList<>();
        for (int i = 0; i < xs.length; i++) {
            int row = 0;
            while (row < rowEnds.size() && rowEnds.get(row) > xs[i] + 1) row++;
            if (row == rowEnds.size()) rowEnds.add(0.0);
            rowEnds.set(row, xs[i] + 3 + widths[i] + 4);
            rows[i] = row;
        }
        return rows;
    }

    /** A readout box beside a dashed crosshair at x: the first row in the text colour, the rest as rowColor says. */
    protected static void drawReadout(GraphicsContext g, List<String> rows, double x, double left, double top, double pw) {
        drawReadout(g, rows, x, left, top, pw, i -> Palette.text());
    }

    protected static void drawReadout(GraphicsContext g, List<String> rows, double x, double left, double top, double pw,
                                      java.util.function.IntFunction<javafx.scene.paint.Color> rowColor) {
        if (rows.isEmpty()) return;
        g.setStroke(Palette.text().deriveColor(0, 1, 1, 0.5));
        g.setLineWidth(1);
        g.setLineDashes(2, 2);
        g.strokeLine(x, top, x, g.getCanvas().getHeight() - 18);
        g.setLineDashes();
        javafx.scene.text.Text measure = new javafx.scene.text.Text();
        measure.setFont(g.getFont());
        double w = 0, lh = 13;
        int shown = Math.min(rows.size(), (int) Math.max(2, (g.getCanvas().getHeight() - top - 10) / lh));
        for (int i = 0; i < shown; i++) {
            measure.setText(rows.get(i));
            w = Math.max(w, measure.getLayoutBounds().getWidth());
        }
        double bw = w + 10, bh = shown * lh + 6;
        double bx = x + 8 + bw > left + pw ? x - 8 - bw : x + 8, by = top + 4;
        g.setFill(Palette.background().deriveColor(0, 1, 1, 0.92));
        g.fillRect(bx, by, bw, bh);
        g.setStroke(Palette.text().deriveColor(0, 1, 1, 0.4));
        g.strokeRect(bx, by, bw, bh);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        for (int i = 0; i < shown; i++) {
            g.setFill(i == 0 ? Palette.text() : rowColor.apply(i));
            g.fillText(i == shown - 1 && shown < rows.size() ? "… " + (rows.size() - shown + 1) + " more" : rows.get(i), bx + 5, by + 3 + i * lh);
        }
    }

    /** The shared step cursor: a solid line at {@code cursor} when it lies in [x0, x1]. */
    protected static void drawCursor(GraphicsContext g, long cursor, long x0, long x1,
                                     double left, double top, double pw, double ph) {
        if (cursor < x0 || cursor > x1) return;
        double x = left + (cursor - x0) * pw / (double) (x1 - x0);
        g.setStroke(Palette.CURSOR);
        g.setLineWidth(1.5);
        g.setLineDashes();
        g.strokeLine(x, top, x, top + ph);
    }

    static String markerLabel(RunEvent e) {
        return switch (e.type()) {
            case CLIP -> "clip " + e.value();
            case LR -> "lr " + e.value();
            case SPIKE -> "spike " + e.value().substring(e.value().indexOf(':') + 1);
            case FORK -> "fork";
            case PAUSE -> "pause";
            case RESUME -> "resume";
            default -> e.type().name().toLowerCase(Locale.ROOT);
        };
    }
}
