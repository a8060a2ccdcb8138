package org.gradlab.ui.view;

import javafx.geometry.Insets;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import org.gradlab.run.PascanuCliff;
import org.gradlab.ui.chart.Palette;

import java.util.List;
import java.util.Locale;

/**
 * Pascanu et al.'s Fig. 6, to explore: the loss of x_t = w·σ(x_{t−1}) + b after 50 steps over (w, b) as a
 * heatmap (log scale: the wall is where it changes colour), and from a clicked start point two gradient-descent
 * trajectories with the same learning rate — unclipped (red) and clipped to a threshold (blue). At the wall the
 * unclipped step is thrown far away; the clipped one stays near the wall and finds the valley.
 */
public final class CliffView extends BorderPane {
    /** The region shown: the wall and the valley beside it. */
    public static final double W0 = 2.5, W1 = 6.0, B0 = -3.5, B1 = 0.0;
    private static final double LEFT = 46, TOP = 8, RIGHT = 180, BOTTOM = 30;

    private final Canvas canvas = new Canvas(760, 560);
    private final TextField lr = new TextField("2"), threshold = new TextField("0.1"), steps = new TextField("30");
    private final Label status = new Label();
    private double[] surface;
    private int gridW, gridH;
    private double startW = 3.6, startB = -1.9;
    private List<PascanuCliff.Point> plain = List.of(), clipped = List.of();

    public CliffView() {
        canvas.setId("cliffCanvas");
        lr.setId("cliffLr");
        threshold.setId("cliffThreshold");
        steps.setId("cliffSteps");
        for (TextField f : List.of(lr, threshold, steps)) {
            f.setPrefColumnCount(5);
            f.setOnAction(e -> trajectories());
        }
        status.setId("cliffStatus");
        status.setWrapText(true);
        HBox bar = new HBox(8, new Label("learning rate"), lr, new Label("clip threshold"), threshold, new Label("steps"), steps,
                new Label("— click the map for a start point"));
        bar.setPadding(new Insets(4));
        Label text = new Label("Pascanu et al. 2013, Fig. 6: one unit, x_t = w·σ(x_{t−1}) + b, x_0 = 0.5, loss (σ(x_50) − 0.7)². "
                + "Where the colour changes abruptly the state after 50 steps jumps between two basins: a wall where the gradient "
                + "explodes. Red: plain gradient descent, thrown far off by the wall. Blue: the same steps clipped to the threshold, "
                + "which stay near the wall and find the valley.");
        text.setWrapText(true);
        text.setPadding(new Insets(0, 4, 4, 4));
        setTop(new javafx.scene.layout.VBox(bar, text, status));
        Pane holder = new Pane(canvas);
        canvas.widthProperty().bind(holder.widthProperty());
        canvas.heightProperty().bind(holder.heightProperty());
        canvas.widthProperty().addListener((o, a, b) -> draw());
        canvas.heightProperty().addListener((o, a, b) -> draw());
        setCenter(holder);
        canvas.setOnMouseClicked(e -> {
            double[] wb = toParams(e.getX(), e.getY());
            if (wb != null) start(wb[0], wb[1]);
        });
        trajectories();
    }

    /** Descends from (w, b) with and without clipping and draws both. */
    public void start(double w, double b) {
        startW = w;
        startB = b;
        trajectories();
    }

    public List<PascanuCliff.Point> unclipped() { return plain; }
    public List<PascanuCliff.Point> clippedPath() { return clipped; }
    public Canvas canvas() { return canvas; }

    private void trajectories() {
        double eta, thr;
        int n;
        try {
            eta = Double.parseDouble(lr.getText().trim());
            thr = Double.parseDouble(threshold.getText().trim());
            n = Integer.parseInt(steps.getText().trim());
        } catch (NumberFormatException e) {
            status.setText("learning rate, threshold and steps must be numbers");
            return;
        }
        if (!(eta > 0 && eta < 1e3) || !(thr > 0) || n < 1 || n > 10_000) {
            status.setText("learning rate in (0, 1000), threshold > 0, steps 1–10,000");
            return;
        }
        plain = PascanuCliff.descend(startW, startB, eta, Double.NaN, n);
        clipped = PascanuCliff.descend(startW, startB, eta, thr, n);
        PascanuCliff.Point p0 = plain.get(0);
        double jump = plain.size() > 1 ? Math.hypot(plain.get(1).w() - p0.w(), plain.get(1).b() - p0.b()) : 0;
        status.setText(String.format(Locale.ROOT, "start w=%.3f b=%.3f: loss %.4g, |gradient| %.3g; first plain step %.3g long, clipped at most %.3g; "
                + "lowest loss: plain %.3g, clipped %.3g", p0.w(), p0.b(), p0.loss(), p0.gradNorm(), jump, eta * thr, lowest(plain), lowest(clipped)));
        draw();
    }

    private static double lowest(List<PascanuCliff.Point> path) {
        return path.stream().mapToDouble(PascanuCliff.Point::loss).min().orElse(Double.NaN);
    }

    /** (w, b) under a canvas point, or null outside the map. */
    double[] toParams(double x, double y) {
        double pw = canvas.getWidth() - LEFT - RIGHT, ph = canvas.getHeight() - TOP - BOTTOM;
        if (x < LEFT || x > LEFT + pw || y < TOP || y > TOP + ph) return null;
        return new double[] {W0 + (W1 - W0) * (x - LEFT) / pw, B1 - (B1 - B0) * (y - TOP) / ph};
    }

    /** The canvas point of (w, b). */
    public double[] toCanvas(double w, double b) {
        double pw = canvas.getWidth() - LEFT - RIGHT, ph = canvas.getHeight() - TOP - BOTTOM;
        return new double[] {LEFT + (w - W0) / (W1 - W0) * pw, TOP + (B1 - b) / (B1 - B0) * ph};
    }

    private void draw() {
        double w = canvas.getWidth(), h = canvas.getHeight(), pw = w - LEFT - RIGHT, ph = h - TOP - BOTTOM;
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Palette.background());
        g.fillRect(0, 0, w, h);
        if (pw < 20 || ph < 20) return;
        int gw = (int) Math.min(400, pw), gh = (int) Math.min(400, ph);
        if (surface == null || gw != gridW || gh != gridH) { // the map is computed once per size (a few ms per 100k points)
            surface = PascanuCliff.surface(W0, W1, B0, B1, gw, gh);
            gridW = gw;
            gridH = gh;
        }
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        double[] logs = new double[surface.length];
        for (int i = 0; i < surface.length; i++) {
            logs[i] = Math.log10(Math.max(surface[i], 1e-8));
            lo = Math.min(lo, logs[i]);
            hi = Math.max(hi, logs[i]);
        }
        int[] px = new int[surface.length];
        for (int i = 0; i < px.length; i++) px[i] = Palette.heat((logs[i] - lo) / (hi - lo));
        WritableImage img = new WritableImage(gw, gh);
        img.getPixelWriter().setPixels(0, 0, gw, gh, PixelFormat.getIntArgbInstance(), px, 0, gw);
        g.setImageSmoothing(true);
        g.drawImage(img, LEFT, TOP, pw, ph);
        g.setFill(Palette.text());
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        for (int i = 0; i <= 7; i++) {
            double v = W0 + (W1 - W0) * i / 7;
            g.fillText(String.format(Locale.ROOT, "%.1f", v), LEFT + pw * i / 7, TOP + ph + 3);
        }
        g.fillText("w", LEFT + pw / 2, TOP + ph + 16);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        for (int i = 0; i <= 7; i++) {
            double v = B1 - (B1 - B0) * i / 7;
            g.fillText(String.format(Locale.ROOT, "%.1f", v), LEFT - 4, TOP + ph * i / 7);
        }
        g.fillText("b", LEFT - 30, TOP + ph / 2);
        path(g, plain, Color.web("#ff2020"));
        path(g, clipped, Color.web("#2080ff"));
        double[] s = toCanvas(startW, startB);
        g.setFill(Color.WHITE);
        g.fillOval(s[0] - 5, s[1] - 5, 10, 10);
        g.setStroke(Color.BLACK);
        g.strokeOval(s[0] - 5, s[1] - 5, 10, 10);
        double lx = LEFT + pw + 12;
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.setFill(Color.web("#ff2020"));
        g.fillRect(lx, TOP + 6, 14, 3);
        g.setFill(Palette.text());
        g.fillText("unclipped", lx + 18, TOP);
        g.setFill(Color.web("#2080ff"));
        g.fillRect(lx, TOP + 24, 14, 3);
        g.setFill(Palette.text());
        g.fillText("clipped", lx + 18, TOP + 18);
        g.fillText(String.format(Locale.ROOT, "log10 loss %.1f … %.1f", lo, hi), lx, TOP + 40);
    }

    private void path(GraphicsContext g, List<PascanuCliff.Point> pts, Color c) {
        g.setStroke(c);
        g.setFill(c);
        g.setLineWidth(2);
        double[] prev = null;
        for (PascanuCliff.Point p : pts) {
            double[] q = toCanvas(p.w(), p.b());
            if (prev != null) g.strokeLine(prev[0], prev[1], q[0], q[1]);
            g.fillOval(q[0] - 2.5, q[1] - 2.5, 5, 5);
            prev = q;
        }
    }
}
