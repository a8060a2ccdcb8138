package org.gradlab.ui.chart;

import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.text.TextAlignment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One step's curves over the time steps of a sequence on a log axis — ‖∂L/∂h_t‖ for t = 1…T, one line per
 * recurrent layer — the vanishing (falling to the left) or exploding (rising to the left) picture itself. Every
 * t is drawn (T is at most a few hundred); zero or non-finite values are gaps, said so in the readout.
 */
public class CurveChart extends CanvasChart {
    private static final double LEFT = 52, RIGHT = 10, TOP = 34, BOTTOM = 22;
    private final String xLabel;
    private float[] values;
    private List<String> names = List.of();
    private int length;
    private String caption = "";
    private int hover = -1;
    private double lo, hi;

    public CurveChart(String xLabel) {
        super(0);
        this.xLabel = xLabel;
        canvas.setOnMouseMoved(e -> {
            hover = indexAt(e.getX());
            redraw();
        });
        canvas.setOnMouseExited(e -> {
            hover = -1;
            redraw();
        });
    }

    public String caption() { return caption; }

    /** Shows `values` as names.size() curves of `length` points each (curve-major); null values: nothing to show. */
    public void show(float[] values, List<String> names, int length, String caption) {
        this.values = values;
        this.names = List.copyOf(names);
        this.length = length;
        this.caption = caption;
        redraw();
    }

    private int indexAt(double x) {
        double pw = canvas.getWidth() - LEFT - RIGHT;
        if (length < 1 || x < LEFT - 2 || x > LEFT + pw + 2) return -1;
        return (int) Math.max(0, Math.min(length - 1, Math.round((x - LEFT) / pw * Math.max(1, length - 1))));
    }

    private double xOf(int i, double pw) {
        return LEFT + (length <= 1 ? pw / 2 : pw * i / (length - 1));
    }

    private double yOf(float v, double ph) {
        double t = hi > lo ? (Math.log10(v) - lo) / (hi - lo) : 0.5;
        return TOP + ph * (1 - t);
    }

    @Override
    public void redraw() {
        double w = canvas.getWidth(), h = canvas.getHeight();
        GraphicsContext g = begin(caption);
        message = "";
        double pw = w - LEFT - RIGHT, ph = h - TOP - BOTTOM;
        if (values == null || length < 1 || pw < 4 || ph < 4) {
            message = values == null ? "not in the data" : "no data yet";
            g.fillText(message, LEFT, TOP);
            return;
        }
        lo = Double.POSITIVE_INFINITY;
        hi = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            if (v > 0 && Float.isFinite(v)) {
                lo = Math.min(lo, Math.floor(Math.log10(v)));
                hi = Math.max(hi, Math.ceil(Math.log10(v)));
            }
        }
        if (!Double.isFinite(lo)) {
            message = "every value is zero or not finite";
            g.fillText(message, LEFT, TOP);
            return;
        }
        if (hi == lo) hi = lo + 1;
        drawAxes(g, pw, ph);
        g.setLineWidth(1.5);
        for (int c = 0; c < names.size(); c++) {
            g.setStroke(Palette.series(c));
            boolean down = false;
            g.beginPath();
            for (int i = 0; i < length; i++) {
                float v = values[c * length + i];
                if (!(v > 0) || !Float.isFinite(v)) {
                    down = false;
                    continue;
                }
                double x = xOf(i, pw), y = yOf(v, ph);
                if (down) g.lineTo(x, y);
                else g.moveTo(x, y);
                down = true;
            }
            g.stroke();
        }
        drawLegend(g, w);
        if (hover >= 0) drawReadout(g, readout(hover), xOf(hover, pw), LEFT, TOP, pw, i -> Palette.series(i - 1));
    }

    /** One entry per curve under the caption, each after the last one's measured width. */
    private void drawLegend(GraphicsContext g, double w) {
        javafx.scene.text.Text measure = new javafx.scene.text.Text();
        measure.setFont(g.getFont());
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        double x = 6;
        for (int c = 0; c < names.size(); c++) {
            String label = "— " + names.get(c);
            measure.setText(label);
            g.setFill(Palette.series(c));
            g.fillText(label, x, 18);
            x += measure.getLayoutBounds().getWidth() + 12;
        }
    }

    private void drawAxes(GraphicsContext g, double pw, double ph) {
        g.setLineWidth(1);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        int decades = (int) (hi - lo), every = Math.max(1, (int) Math.ceil(decades / Math.max(1, ph / 18)));
        for (int d = (int) lo; d <= hi; d += every) {
            double y = TOP + ph * (1 - (d - lo) / (hi - lo));
            g.setStroke(Palette.grid());
            g.strokeLine(LEFT, y, LEFT + pw, y);
            g.setFill(Palette.text());
            g.fillText("1e" + d, LEFT - 4, y);
        }
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        long spacing = Ticks.stepSpacing(length, 6);
        for (long t = spacing; t <= length; t += spacing) g.fillText(Long.toString(t), xOf((int) t - 1, pw), TOP + ph + 3);
        g.setTextAlign(TextAlignment.RIGHT);
        g.fillText(xLabel, LEFT - 4, TOP + ph + 3);
    }

    /** The readout at index i: its position, then each curve's exact value there. */
    public List<String> readout(int i) {
        List<String> out = new ArrayList<>();
        if (values == null || i < 0 || i >= length) return out;
        out.add(xLabel + " " + (i + 1));
        for (int c = 0; c < names.size(); c++) {
            float v = values[c * length + i];
            out.add(names.get(c) + ": " + (v > 0 && Float.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : v + " (not drawn)"));
        }
        return out;
    }

    /** The y pixel of a value as last drawn (for tests). */
    public double pixelY(float v) {
        return yOf(v, canvas.getHeight() - TOP - BOTTOM);
    }

    public double pixelX(int i) {
        return xOf(i, canvas.getWidth() - LEFT - RIGHT);
    }
}
