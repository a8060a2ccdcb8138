package org.gradlab.ui.chart;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.text.TextAlignment;
import org.gradlab.run.RunEvent;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A rows × steps heatmap (per-layer gradient norms, or one layer's histogram over time) drawn into a
 * WritableImage one pixel column at a time from a {@link Source}, then scaled onto a Canvas with labels,
 * markers (in the margins, so a column of data is never covered) and the cursor. Only the image is rewritten per
 * frame; no scene-graph node per cell.
 */
public class HeatmapChart extends CanvasChart {
    /** What to draw: rows, their labels, the step range, and the value of a row over a step interval. */
    public interface Source {
        int rows();
        String rowLabel(int row);
        long firstStep();
        long lastStep();
        /** log10-scaled value in any range (NaN for no data, −∞ for exactly zero) of `row` over steps [from, to). */
        double value(int row, long from, long to);
        /** True where the row holds non-finite values in [from, to) (drawn red). */
        default boolean nonFinite(int row, long from, long to) { return false; }
        /** A row that keeps its label however densely rows are packed (the zero bin of a histogram). */
        default boolean keyRow(int row) { return false; }
        /** The steps [x0, x1) about to be drawn (a source may read them from a finer store when zoomed in). */
        default void window(long x0, long x1) {}
        /** A title that says what is shown when it is not what the chart's title says (null: the chart's title). */
        default String title() { return null; }
        /** The steps the value of [from, to) really covers (a store that keeps several steps per bucket covers more). */
        default long[] span(long from, long to) { return new long[] {from, to - 1}; }
        /** The readout's text for a row's value over [from, to) (null: leave the row out). */
        default String readout(int row, long from, long to) {
            double v = value(row, from, to);
            return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.4g", Math.pow(10, v)) : null;
        }
    }

    /** The heatmaps mark setting changes and spikes; fork and stop markers stay on the line charts. */
    private static final Set<RunEvent.Type> MARKED = EnumSet.of(RunEvent.Type.CLIP, RunEvent.Type.LR, RunEvent.Type.SPIKE);
    private static final double LEFT = 110, RIGHT = 10, TOP = 22, BOTTOM = 20;
    /** The colour of an exact zero (an underflowed gradient). */
    public static final int ZERO = 0xFF000000;

    private final String title;
    private final StepAxis axis;
    private Supplier<Source> source;
    private Supplier<List<RunEvent>> events = List::of;
    private WritableImage image;
    private int[] pixels = new int[0];

    public HeatmapChart(String title, StepAxis axis, Supplier<Source> source) {
        // 10 Hz: a heatmap over a long run barely changes between frames and a full recompute costs the most
        super(100_000_000L);
        this.title = title;
        this.axis = axis;
        this.source = source;
        // the cursor and the hover readout are drawn over the kept image: only data, zoom, size or theme recompute it
        axis.cursorProperty().addListener((o, a, b) -> redraw());
        axis.hoverProperty().addListener((o, a, b) -> redraw());
        canvas.setOnMouseMoved(e -> axis.hoverProperty().set(stepAt(e.getX())));
        canvas.setOnMouseExited(e -> axis.hoverProperty().set(-1));
        // a zoom redraws at once, like the time charts: a heatmap of a finished run gets no new data to refresh it
        axis.fromProperty().addListener((o, a, b) -> {
            invalidate();
            redraw();
        });
        axis.toProperty().addListener((o, a, b) -> {
            invalidate();
            redraw();
        });
    }

    /** Whether the kept image must be computed again before it is drawn. */
    private boolean imageStale = true;
    private long imageFrom = -1, imageTo = -1;
    private double imageLo, imageHi;
    private boolean imageZeros;

    @Override
    protected void invalidate() {
        imageStale = true;
    }

    /** Images computed so far (for tests: a hover must not recompute one). */
    private long imagesComputed;

    public long imagesComputed() {
        return imagesComputed;
    }

    public HeatmapChart events(Supplier<List<RunEvent>> e) {
        events = e;
        return this;
    }

    public void setSource(Supplier<Source> s) {
        source = s;
        invalidate();
        redraw();
    }

    @Override
    public void redraw() {
        double w = canvas.getWidth(), h = canvas.getHeight();
        Source s = source.get();
        GraphicsContext g = begin(s == null || s.title() == null ? title : s.title());
        message = "";
        int pw = (int) (w - LEFT - RIGHT), ph = (int) (h - TOP - BOTTOM);
        if (s == null || s.rows() == 0 || s.lastStep() < s.firstStep() || pw < 4 || ph < 4) {
            message = "no data yet";
            g.fillText(message, LEFT, TOP + 4);
            return;
        }
        int rows = s.rows();
        long x0 = axis.resolveFrom(s.firstStep()), x1 = Math.max(axis.resolveTo(s.lastStep()) + 1, x0 + 1);
        s.window(x0, x1);
        boolean zeros;
        double lo, hi;
        if (imageStale || image == null || image.getWidth() != pw || image.getHeight() != rows || imageFrom != x0 || imageTo != x1) {
            if (image == null || image.getWidth() != pw || image.getHeight() != rows) {
                image = new WritableImage(pw, rows);
                pixels = new int[pw * rows];
            }
            double[] vals = new double[pw * rows];
            lo = Double.POSITIVE_INFINITY;
            hi = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < pw; c++) {
                long a = x0 + (x1 - x0) * c / pw, b = Math.max(a + 1, x0 + (x1 - x0) * (c + 1) / pw);
                for (int r = 0; r < rows; r++) {
                    double v = s.value(r, a, b);
                    vals[r * pw + c] = v;
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            zeros = false;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < pw; c++) {
                    double v = vals[r * pw + c];
                    long a = x0 + (x1 - x0) * c / pw, b = Math.max(a + 1, x0 + (x1 - x0) * (c + 1) / pw);
                    zeros |= v == Double.NEGATIVE_INFINITY;
                    // exactly zero has no place on a log scale: black, below the palette's darkest, never blank (blank is "no data")
                    pixels[r * pw + c] = s.nonFinite(r, a, b) ? 0xFFFF0000 : v == Double.NEGATIVE_INFINITY ? ZERO
                            : Palette.heat(Double.isFinite(v) ? (hi > lo ? (v - lo) / (hi - lo) : 0.5) : Double.NaN);
                }
            }
            image.getPixelWriter().setPixels(0, 0, pw, rows, PixelFormat.getIntArgbInstance(), pixels, 0, pw);
            imageStale = false;
            imageFrom = x0;
            imageTo = x1;
            imageLo = lo;
            imageHi = hi;
            imageZeros = zeros;
            imagesComputed++;
        } else {
            lo = imageLo;
            hi = imageHi;
            zeros = imageZeros;
        }
        g.setImageSmoothing(false);
        g.drawImage(image, LEFT, TOP, pw, ph);
        double rowH = (double) ph / rows;
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        g.setFill(Palette.text());
        for (int r : labelledRows(s, rows, Math.max(1, (int) Math.ceil(12 / rowH)))) {
            g.fillText(s.rowLabel(r), LEFT - 4, TOP + (r + 0.5) * rowH);
        }
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        for (int i = 0; i <= 4; i++) {
            long st = x0 + (x1 - x0) * i / 4;
            g.fillText(Long.toString(st), Math.min(Math.max(LEFT + pw * i / 4.0, LEFT + 12), LEFT + pw - 12), TOP + ph + 3);
        }
        if (Double.isFinite(lo)) {
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText(String.format("log10 %.1f … %.1f%s", lo, hi, zeros ? ", black = 0" : ""), w - RIGHT, 4);
        } else if (zeros) {
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText("every value is 0 (black)", w - RIGHT, 4);
        } else {
            // steps but not one value: the data does not hold this series (a log that never recorded it)
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            message = "not in the data";
            g.fillText(message, LEFT + pw / 2.0, TOP + ph / 2.0);
        }
        drawEdgeMarkers(g, events.get(), MARKED, x0, x1, LEFT, TOP, pw, ph);
        drawCursor(g, axis.cursorProperty().get(), x0, x1, LEFT, TOP, pw, ph);
        drawnFrom = x0;
        drawnTo = x1;
        drawnWidth = pw;
        long hover = axis.hoverProperty().get();
        if (hover >= x0 && hover < x1) drawReadout(g, readout(hover), LEFT + (hover - x0) * (double) pw / (x1 - x0), LEFT, TOP, pw);
    }

    private long drawnFrom = -1, drawnTo = -1;
    private int drawnWidth;

    /**
     * The rows that get a label when there is room for one every `every` rows: the source's key rows always (a
     * histogram's zero row), and every `every`-th other row not within `every` rows of a label already given.
     */
    static java.util.List<Integer> labelledRows(Source s, int rows, int every) {
        java.util.List<Integer> keys = new java.util.ArrayList<>(), out = new java.util.ArrayList<>();
        for (int r = 0; r < rows; r++) if (s.keyRow(r)) keys.add(r);
        for (int r = 0; r < rows; r += every) {
            boolean near = false;
            for (int k : keys) near |= Math.abs(k - r) < every && k != r;
            if (!near && !keys.contains(r)) out.add(r);
        }
        out.addAll(keys);
        java.util.Collections.sort(out);
        return out;
    }

    /** The x of the centre of the pixel column holding `step` in the last drawing (NaN outside it); for tests. */
    public double xOf(long step) {
        if (drawnFrom < 0 || step < drawnFrom || step >= drawnTo || drawnWidth <= 0) return Double.NaN;
        return LEFT + columnOf(step) + 0.5;
    }

    /** The pixel column whose steps [a, b) — as redraw splits the window — hold `step`. */
    private int columnOf(long step) {
        long x0 = drawnFrom, span = drawnTo - drawnFrom;
        int c = (int) Math.min(drawnWidth - 1, Math.max(0, (step - x0) * drawnWidth / span));
        while (c > 0 && x0 + span * c / drawnWidth > step) c--;
        while (c < drawnWidth - 1 && Math.max(x0 + span * c / drawnWidth + 1, x0 + span * (c + 1) / drawnWidth) <= step) c++;
        return c;
    }

    /** The y of the centre of row r in the last drawing. */
    public double yOfRow(int r, int rows) {
        double ph = canvas.getHeight() - TOP - BOTTOM;
        return TOP + (r + 0.5) * ph / rows;
    }

    private long stepAt(double x) {
        if (drawnFrom < 0 || x < LEFT || x >= LEFT + drawnWidth) return -1;
        return drawnFrom + (long) ((x - LEFT) / drawnWidth * (drawnTo - drawnFrom));
    }

    /**
     * What the pixel column holding `step` shows, row by row, and which steps it covers: the rows' values as the
     * source reads them (a layer's largest norm there, a bin's count), rows without a value left out.
     */
    public java.util.List<String> readout(long step) {
        java.util.List<String> out = new java.util.ArrayList<>();
        Source s = source.get();
        if (s == null || drawnFrom < 0 || drawnWidth <= 0) return out;
        long x0 = drawnFrom, x1 = drawnTo;
        s.window(x0, x1);
        int c = columnOf(step);
        long a = x0 + (x1 - x0) * c / drawnWidth, b = Math.max(a + 1, x0 + (x1 - x0) * (c + 1) / drawnWidth);
        long[] span = s.span(a, b);
        out.add(span[0] == span[1] ? "step " + span[0] : "steps " + span[0] + "–" + span[1]);
        for (int r = 0; r < s.rows(); r++) {
            String v = s.readout(r, a, b);
            if (v != null) out.add(s.rowLabel(r) + ": " + v + (s.nonFinite(r, a, b) ? " (NaN/inf)" : ""));
        }
        return out;
    }
}
