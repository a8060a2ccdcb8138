package org.gradlab.ui.chart;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import org.gradlab.run.RunEvent;
import org.gradlab.overview.SeriesStore;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A step-axis chart on a Canvas: each series is decimated per pixel column (min–max band plus a line through
 * the last value of each column) — never a node per point. Draws an optional threshold line, event markers
 * with labels, the shared cursor, and non-finite steps as red ticks along the top (loudly, not as a gap).
 */
public class TimeChart extends CanvasChart {
    /** One line: where its data is, colour, legend label, and whether it is dashed (e.g. a threshold). */
    public record Line(Supplier<SeriesStore> data, Color color, String label, boolean dashed) {}

    /** Events drawn as markers: clip/lr changes, spikes, fork points and non-finite stops. */
    private static final Set<RunEvent.Type> MARKED = EnumSet.of(RunEvent.Type.CLIP, RunEvent.Type.LR,
            RunEvent.Type.SPIKE, RunEvent.Type.FORK, RunEvent.Type.NONFINITE_STOP);
    private static final double LEFT = 58, RIGHT = 10, TOP = 22, BOTTOM = 20, LEGEND_ROW = 13;
    /** The plot's top edge: below the title and every row of the legend (legends wrap, never cut off). */
    private double top = TOP;

    private final String title;
    private boolean logY;
    private final StepAxis axis;
    private final List<Line> lines = new ArrayList<>();
    private Supplier<List<RunEvent>> events = List::of;
    private Supplier<SeriesStore> nonFinite;
    private double fixedMin = Double.NaN, fixedMax = Double.NaN;

    public TimeChart(String title, boolean logY, StepAxis axis) {
        // ~30 Hz: with a thousand steps a second every frame brings new data; redrawing every chart every frame
        // would cost the frame rate more than the eye gains (cursor moves and resizes still redraw at once)
        super(33_000_000L);
        this.title = title;
        this.logY = logY;
        this.axis = axis;
        getStyleClass().add("time-chart");
        axis.cursorProperty().addListener((o, a, b) -> redraw());
        axis.hoverProperty().addListener((o, a, b) -> redraw());
        canvas.setOnMouseMoved(e -> axis.hoverProperty().set(stepAt(e.getX())));
        canvas.setOnMouseExited(e -> axis.hoverProperty().set(-1));
        // the wheel zooms the step axis about the step under the mouse, a drag pans it, a double click shows
        // everything: on the shared axis, so every chart of the view follows
        canvas.setOnScroll(e -> {
            long at = stepAt(e.getX());
            if (at >= 0 && e.getDeltaY() != 0) zoom(at, e.getDeltaY() > 0 ? 0.8 : 1.25);
        });
        canvas.setOnMousePressed(e -> {
            dragX = e.getX();
            dragFrom = drawnFrom;
            dragTo = drawnTo;
        });
        canvas.setOnMouseDragged(e -> {
            double pw = canvas.getWidth() - LEFT - RIGHT;
            if (dragFrom < 0 || pw <= 0) return;
            long shift = Math.round((dragX - e.getX()) / pw * (dragTo - dragFrom));
            setWindow(dragFrom + shift, dragTo + shift, true);
        });
        canvas.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2) setWindow(-1, -1, false);
        });
        canvas.setOnContextMenuRequested(e -> {
            javafx.scene.control.CheckMenuItem log = new javafx.scene.control.CheckMenuItem("Log scale (y)");
            log.setSelected(logY);
            log.setOnAction(a -> setLogY(log.isSelected()));
            javafx.scene.control.MenuItem all = new javafx.scene.control.MenuItem("Show every step");
            all.setOnAction(a -> setWindow(-1, -1, false));
            new javafx.scene.control.ContextMenu(log, all).show(canvas, e.getScreenX(), e.getScreenY());
        });
        axis.fromProperty().addListener((o, a, b) -> redraw());
        axis.toProperty().addListener((o, a, b) -> redraw());
    }

    public String title() { return title; }
    public boolean logY() { return logY; }

    /** Log or linear y axis (the chart's context menu); values ≤ 0 are left out of a log axis, as they have no place on it. */
    public void setLogY(boolean log) {
        logY = log;
        redraw();
    }
    public TimeChart line(Supplier<SeriesStore> data, Color color, String label) {
        lines.add(new Line(data, color, label, false));
        return this;
    }

    public TimeChart dashed(Supplier<SeriesStore> data, Color color, String label) {
        lines.add(new Line(data, color, label, true));
        return this;
    }

    /**
     * The series are measured every few steps, not every step: pixel columns without a measurement are passed over
     * and the measurements joined, instead of each standing alone as a dot between gaps.
     */
    public TimeChart sampled() {
        sampled = true;
        return this;
    }

    private boolean sampled;

    public TimeChart events(Supplier<List<RunEvent>> e) {
        events = e;
        return this;
    }

    public TimeChart nonFinite(Supplier<SeriesStore> s) {
        nonFinite = s;
        return this;
    }

    /** Fixes the y range (e.g. [0, 1] for a coefficient). */
    public TimeChart yRange(double min, double max) {
        fixedMin = min;
        fixedMax = max;
        return this;
    }

    public void clearLines() {
        lines.clear();
    }

    @Override
    public void redraw() {
        double w = canvas.getWidth(), h = canvas.getHeight();
        GraphicsContext g = begin(title);
        message = "";
        double[][] legend = legendLayout(g, w);
        double pw = w - LEFT - RIGHT, ph = h - top - BOTTOM;
        if (pw < 10 || ph < 10) return;
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        for (Line l : lines) {
            SeriesStore s = l.data().get();
            if (s == null || s.isEmpty()) continue;
            first = Math.min(first, s.firstStep());
            last = Math.max(last, s.lastStep());
        }
        long x0 = first == Long.MAX_VALUE ? 0 : axis.resolveFrom(first), x1 = Math.max(first == Long.MAX_VALUE ? 1 : axis.resolveTo(last), x0 + 1);
        dataFirst = first == Long.MAX_VALUE ? -1 : first;
        dataLast = first == Long.MAX_VALUE ? -1 : last;
        if (first == Long.MAX_VALUE || !anyValue(x0, x1)) {
            // a run with steps but none of these values: absent from its data (a log that never recorded them),
            // never a line at zero
            g.setTextAlign(TextAlignment.CENTER);
            g.setFill(Palette.text());
            message = runHasSteps.getAsBoolean() ? "not in the data" : "no data yet";
            g.fillText(message, LEFT + pw / 2, top + ph / 2);
            return;
        }
        double[] range = yRange(x0, x1);
        double ymin = range[0], ymax = range[1];
        drawGrid(g, pw, ph, x0, x1, ymin, ymax);
        spikes.clear();
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            SeriesStore s = window(l.data().get(), x0, x1);
            if (s == null || s.isEmpty()) continue;
            drawSeries(g, s, l, pw, ph, x0, x1, ymin, ymax);
            double lx = legend[i][0], ly = legend[i][1];
            g.setFill(l.color());
            g.fillRect(lx, ly + 4, 10, 3);
            g.setFill(Palette.text());
            g.setTextBaseline(VPos.TOP);
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText(l.label(), lx + 13, ly);
        }
        drawNonFinite(g, pw, x0, x1);
        drawEventMarkers(g, events.get(), MARKED, x0, x1, LEFT, top, pw, ph);
        drawSpikes(g);
        drawCursor(g, axis.cursorProperty().get(), x0, x1, LEFT, top, pw, ph);
        drawnFrom = x0;
        drawnTo = x1;
        drawReadout(g, axis.hoverProperty().get(), x0, x1, pw, ph);
    }

    /**
     * Where each line's legend entry goes ({x, y}), after the title, wrapping onto further rows where the width
     * ends; sets {@link #top} below the last row. Lines without data keep a place, so colours and labels stay
     * paired as data arrives.
     */
    private double[][] legendLayout(GraphicsContext g, double width) {
        javafx.scene.text.Text measure = new javafx.scene.text.Text(title);
        measure.setFont(g.getFont());
        double x = 6 + measure.getLayoutBounds().getWidth() + 12, y = 4;
        double[][] at = new double[lines.size()][];
        for (int i = 0; i < lines.size(); i++) {
            measure.setText(lines.get(i).label());
            double w = 13 + measure.getLayoutBounds().getWidth() + 12;
            if (x + w > width - 4 && x > 6 + 1) { // no room left on this row: the next one, from the left edge
                x = 6;
                y += LEGEND_ROW;
            }
            at[i] = new double[] {x, y};
            x += w;
        }
        top = TOP + (y - 4);
        return at;
    }

    /**
     * Where the last drawing put `step`: the x of the centre of the pixel column holding it (as drawSeries splits
     * the window into columns), or NaN outside the window. For tests that look for a step's pixels.
     */
    public double xOf(long step) {
        double pw = canvas.getWidth() - LEFT - RIGHT;
        int cols = (int) Math.max(1, Math.floor(pw));
        long span = drawnTo - drawnFrom;
        if (drawnFrom < 0 || step < drawnFrom || step > drawnTo || span <= 0) return Double.NaN;
        int c = 0;
        while (c < cols - 1 && drawnFrom + (long) Math.floor(span * (double) (c + 1) / cols) <= step) c++;
        return LEFT + c + 0.5;
    }

    /** The plot's top and bottom y in the last drawing (below the legend, above the step labels). */
    public double[] plotYRange() {
        return new double[] {top, canvas.getHeight() - BOTTOM};
    }

    /** Rows the legend took in the last drawing. */
    public int legendRows() {
        return (int) Math.round((top - TOP) / LEGEND_ROW) + 1;
    }

    /** The step range of the last drawing (for the mouse → step mapping) and the lines' whole extent. */
    private long drawnFrom = -1, drawnTo = -1, dataFirst = -1, dataLast = -1;
    private double dragX;
    private long dragFrom = -1, dragTo = -1;

    /** Zooms the shared step axis about step `at` by `factor` (below 1: in), down to a 10-step window. */
    public void zoom(long at, double factor) {
        if (drawnFrom < 0) return;
        long from = at - Math.round((at - drawnFrom) * factor), to = at + Math.round((drawnTo - at) * factor);
        if (to - from < 10) return;
        setWindow(from, to, false);
    }

    /** Shows [from, to] (clamped to the data; the whole extent, or from = -1, means "everything"). */
    private void setWindow(long from, long to, boolean keepWidth) {
        if (from < 0 && to < 0 || dataFirst < 0) {
            axis.fromProperty().set(-1);
            axis.toProperty().set(-1);
            return;
        }
        long width = to - from;
        if (keepWidth) { // a pan keeps the window's width at the ends
            if (from < dataFirst) {
                from = dataFirst;
                to = from + width;
            }
            if (to > dataLast) {
                to = dataLast;
                from = Math.max(dataFirst, to - width);
            }
        }
        from = Math.max(dataFirst, from);
        to = Math.min(dataLast, to);
        boolean all = from <= dataFirst && to >= dataLast;
        axis.fromProperty().set(all ? -1 : from);
        axis.toProperty().set(all ? -1 : to);
    }

    /** The step under x (canvas pixels), or -1 outside the plot. */
    long stepAt(double x) {
        double pw = canvas.getWidth() - LEFT - RIGHT;
        if (drawnFrom < 0 || x < LEFT || x > LEFT + pw || pw <= 0) return -1;
        return drawnFrom + Math.round((x - LEFT) / pw * (drawnTo - drawnFrom));
    }

    /**
     * What every line holds at a step, exactly: its value where the store keeps that step alone; where a bucket
     * holds several steps, their min and max and the steps they span (never one of them passed off as the step's).
     */
    public List<String> readout(long step) {
        List<String> out = new ArrayList<>();
        out.add("step " + step);
        for (Line l : lines) {
            SeriesStore s = window(l.data().get(), drawnFrom, drawnTo);
            if (s == null || s.isEmpty() || step < s.firstStep() || step > s.lastStep()) {
                out.add(l.label() + ": —");
                continue;
            }
            int b = s.bucketOf(step);
            long from = s.bucketStart(b), to = Math.min(s.lastStep(), from + s.bucketWidth() - 1);
            String bad = s.nonFinite(b) > 0 ? (s.bucketWidth() == 1 ? "NaN/inf" : s.nonFinite(b) + " NaN/inf") : "";
            if (s.bucketWidth() == 1) {
                out.add(l.label() + ": " + (bad.isEmpty() ? (Float.isNaN(s.last(b)) ? "—" : num(s.last(b))) : bad));
            } else {
                String range = Float.isNaN(s.min(b)) ? "—" : s.min(b) == s.max(b) ? num(s.min(b)) : num(s.min(b)) + " … " + num(s.max(b));
                out.add(l.label() + ": " + range + (bad.isEmpty() ? "" : ", " + bad) + " (steps " + from + "–" + to + ")");
            }
        }
        return out;
    }

    private static String num(float v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private void drawReadout(GraphicsContext g, long step, long x0, long x1, double pw, double ph) {
        if (step < x0 || step > x1 || lines.isEmpty()) return;
        double x = LEFT + (step - x0) * pw / (double) (x1 - x0);
        drawReadout(g, readout(step), x, LEFT, top, pw, i -> lines.get(i - 1).color());
    }


    /**
     * A one-step spike squeezed into a pixel column with many other steps shows only in the translucent band,
     * and an event marker on the same column can cover it: columns whose band reaches far beyond their
     * neighbours' are redrawn as solid strokes above everything else.
     */
    private void collectSpikes(Line l, int cols) {
        for (int c = 0; c < cols; c++) {
            double e = colBot[c] - colTop[c];
            if (!(e >= 6)) continue;
            double around = 1;
            for (int d = -3; d <= 3; d++) {
                int k = c + d;
                if (d == 0 || k < 0 || k >= cols) continue;
                double ek = colBot[k] - colTop[k];
                if (ek > around) around = ek;
            }
            if (e > 3 * around) spikes.add(new Spike(LEFT + c + 0.5, colTop[c], colBot[c], l.color()));
        }
    }

    private void drawSpikes(GraphicsContext g) {
        g.setLineDashes();
        g.setLineWidth(1.5);
        for (Spike sp : spikes) {
            g.setStroke(sp.color());
            g.strokeLine(sp.x(), sp.top() - 0.5, sp.x(), sp.bottom() + 0.5);
        }
    }

    /** The store to draw [x0, x1] from: a finer one where the window is narrower than the store's buckets can show. */
    private static SeriesStore window(SeriesStore s, long x0, long x1) {
        return s == null ? null : s.forWindow(x0, x1);
    }

    /** Whether any line holds a value (finite, or a recorded NaN/inf) between x0 and x1. */
    private boolean anyValue(long x0, long x1) {
        for (Line l : lines) {
            SeriesStore s = window(l.data().get(), x0, x1);
            if (s == null || s.isEmpty()) continue;
            for (int b = s.bucketOf(x0); b <= s.bucketOf(x1); b++) if (!Float.isNaN(s.max(b)) || s.nonFinite(b) > 0) return true;
        }
        return false;
    }

    private java.util.function.BooleanSupplier runHasSteps = () -> false;

    /** Tells "no data yet" (the run has no steps) from "not in the data" (it has steps, none with these values). */
    public TimeChart runHasSteps(java.util.function.BooleanSupplier s) {
        runHasSteps = s;
        return this;
    }

    private double[] yRange(long x0, long x1) {
        if (!Double.isNaN(fixedMin)) return new double[] {fixedMin, fixedMax};
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Line l : lines) {
            SeriesStore s = window(l.data().get(), x0, x1);
            if (s == null || s.isEmpty()) continue;
            int b0 = s.bucketOf(x0), b1 = s.bucketOf(x1);
            for (int b = b0; b <= b1; b++) {
                float mn = s.min(b), mx = s.max(b);
                if (logY) {
                    if (mn > 0) lo = Math.min(lo, mn);
                    else if (mx > 0) lo = Math.min(lo, mx);
                } else if (Float.isFinite(mn)) {
                    lo = Math.min(lo, mn);
                }
                if (Float.isFinite(mx) && (!logY || mx > 0)) hi = Math.max(hi, mx);
            }
        }
        if (!(lo <= hi)) return logY ? new double[] {1e-3, 1} : new double[] {0, 1};
        if (logY) {
            double a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
            if (b <= a) b = a + 1;
            return new double[] {Math.pow(10, a), Math.pow(10, b)};
        }
        return Ticks.niceRange(lo, hi, 4);
    }

    private double yPix(double v, double ph, double ymin, double ymax) {
        double t = logY ? (Math.log10(Math.max(v, ymin * 1e-3)) - Math.log10(ymin)) / (Math.log10(ymax) - Math.log10(ymin))
                : (v - ymin) / (ymax - ymin);
        t = Math.max(-0.02, Math.min(1.02, t));
        return top + ph * (1 - t);
    }

    private void drawGrid(GraphicsContext g, double pw, double ph, long x0, long x1, double ymin, double ymax) {
        g.setStroke(Palette.grid());
        g.setLineWidth(1);
        g.setLineDashes();
        g.setFill(Palette.text());
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        if (logY) {
            for (double d = Math.log10(ymin); d <= Math.log10(ymax) + 1e-9; d++) {
                double y = yPix(Math.pow(10, d), ph, ymin, ymax);
                g.strokeLine(LEFT, y, LEFT + pw, y);
                g.fillText(String.format(Locale.ROOT, "1e%d", (int) Math.round(d)), LEFT - 4, y);
            }
        } else {
            double spacing = Ticks.spacing(ymax - ymin, 4);
            for (double v : Ticks.values(ymin, ymax, spacing)) {
                double y = yPix(v, ph, ymin, ymax);
                g.strokeLine(LEFT, y, LEFT + pw, y);
                g.fillText(Ticks.label(v, spacing), LEFT - 4, y);
            }
        }
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        long spacing = Ticks.stepSpacing(x1 - x0, 4);
        for (long s = Math.floorDiv(x0 + spacing - 1, spacing) * spacing; s <= x1; s += spacing) {
            double x = LEFT + pw * (s - x0) / (double) (x1 - x0);
            g.strokeLine(x, top, x, top + ph);
            g.fillText(Long.toString(s), Math.min(Math.max(x, LEFT + 12), LEFT + pw - 12), top + ph + 3);
        }
    }

    private double[] bx = new double[0], bTop = new double[0], bBot = new double[0], lx = new double[0], ly = new double[0];
    /** Per column of the series being drawn: its band's pixel extent (top, bottom), NaN where it has none. */
    private double[] colTop = new double[0], colBot = new double[0];
    /** An isolated extreme found while drawing a series: its column and pixel extent, drawn last. */
    private record Spike(double x, double top, double bottom, Color color) {}
    /** This frame's spikes, drawn after the markers so no marker or band hides them. */
    private final java.util.List<Spike> spikes = new java.util.ArrayList<>();

    /**
     * One pass over the pixel columns collects, per column, the min/max band and the last value; each
     * contiguous run is then drawn as one filled polygon (band) and one polyline (line) — a handful of canvas
     * commands per series however many steps there are.
     */
    private void drawSeries(GraphicsContext g, SeriesStore s, Line l, double pw, double ph, long x0, long x1,
                            double ymin, double ymax) {
        int cols = (int) Math.max(1, Math.floor(pw));
        if (bx.length < cols) {
            bx = new double[cols];
            bTop = new double[cols];
            bBot = new double[cols];
            lx = new double[cols];
            ly = new double[cols];
            colTop = new double[cols];
            colBot = new double[cols];
        }
        double span = x1 - x0;
        Color band = l.color().deriveColor(0, 1, 1, 0.45);
        int nb = 0, nl = 0;
        for (int c = 0; c < cols; c++) {
            long sa = x0 + (long) Math.floor(span * c / cols), sb = x0 + (long) Math.floor(span * (c + 1) / cols);
            boolean inRange = !(sa > s.lastStep() || sb < s.firstStep());
            float mn = Float.NaN, mx = Float.NaN, last = Float.NaN;
            boolean measured = false;
            if (inRange) {
                int b0 = s.bucketOf(sa), b1 = s.bucketOf(Math.max(sa, sb - 1));
                for (int b = b0; b <= b1; b++) {
                    float a = s.min(b), z = s.max(b);
                    if (!Float.isNaN(a) && !(mn <= a)) mn = a;
                    if (!Float.isNaN(z) && !(mx >= z)) mx = z;
                    boolean here = !Float.isNaN(s.last(b)) || s.nonFinite(b) > 0;
                    if (here || !sampled) last = s.last(b);
                    measured |= here;
                }
            }
            if (sampled && !measured) continue;
            double x = LEFT + c + 0.5;
            boolean bandOk = !l.dashed() && Float.isFinite(mn) && Float.isFinite(mx) && (!logY || mn > 0);
            colTop[c] = colBot[c] = Double.NaN;
            if (bandOk) {
                bx[nb] = x;
                bTop[nb] = yPix(mx, ph, ymin, ymax);
                bBot[nb] = yPix(mn, ph, ymin, ymax);
                colTop[c] = bTop[nb];
                colBot[c] = bBot[nb];
                nb++;
            } else if (nb > 0) {
                fillBand(g, band, nb);
                nb = 0;
            }
            if (Float.isFinite(last) && (!logY || last > 0)) {
                lx[nl] = x;
                ly[nl] = yPix(last, ph, ymin, ymax);
                nl++;
            } else if (nl > 0) {
                strokeLine(g, l, nl);
                nl = 0;
            }
        }
        if (nb > 0) fillBand(g, band, nb);
        if (nl > 0) strokeLine(g, l, nl);
        g.setLineDashes();
        if (!l.dashed()) collectSpikes(l, cols);
    }

    /** The band as a staircase: each column spans its full pixel width, so a one-step spike stays visible. */
    private void fillBand(GraphicsContext g, Color band, int n) {
        double[] px = new double[4 * n], py = new double[4 * n];
        for (int i = 0; i < n; i++) {
            px[2 * i] = bx[i] - 0.5;
            px[2 * i + 1] = bx[i] + 0.5;
            py[2 * i] = py[2 * i + 1] = bTop[i] - 0.5;
            px[4 * n - 1 - 2 * i] = bx[i] - 0.5;
            px[4 * n - 2 - 2 * i] = bx[i] + 0.5;
            py[4 * n - 1 - 2 * i] = py[4 * n - 2 - 2 * i] = bBot[i] + 0.5;
        }
        g.setFill(band);
        g.fillPolygon(px, py, 4 * n);
    }

    private void strokeLine(GraphicsContext g, Line l, int n) {
        g.setStroke(l.color());
        g.setLineWidth(l.dashed() ? 1.2 : 1.4);
        if (l.dashed()) g.setLineDashes(5, 4);
        else g.setLineDashes();
        if (n == 1) g.strokeLine(lx[0] - 0.5, ly[0], lx[0] + 0.5, ly[0]);
        else g.strokePolyline(lx, ly, n);
    }

    private void drawNonFinite(GraphicsContext g, double pw, long x0, long x1) {
        if (nonFinite == null) return;
        SeriesStore s = window(nonFinite.get(), x0, x1);
        if (s == null || s.isEmpty()) return;
        g.setStroke(Palette.NON_FINITE);
        g.setLineWidth(2);
        boolean any = false;
        for (int b = s.bucketOf(x0); b >= 0 && b <= s.bucketOf(x1); b++) {
            if (s.nonFinite(b) == 0 && !(s.max(b) > 0)) continue;
            double x = LEFT + (s.bucketStart(b) - x0) * pw / (double) (x1 - x0);
            if (x < LEFT || x > LEFT + pw) continue;
            g.strokeLine(x, top - 4, x, top + 6);
            any = true;
        }
        if (any) {
            g.setFill(Palette.NON_FINITE);
            g.setTextAlign(TextAlignment.RIGHT);
            g.setTextBaseline(VPos.TOP);
            g.fillText("NaN/inf steps", LEFT + pw, 4);
        }
    }
}
