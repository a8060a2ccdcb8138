package org.gradlab.run;

import java.util.ArrayList;
import java.util.List;

/**
 * Pascanu, Mikolov and Bengio's cliff (2013, Fig. 6): one unit, x_t = w·σ(x_{t−1}) + b, x_0 = 0.5, error
 * E = (σ(x_50) − 0.7)². Across a wall in (w, b) the state x_50 jumps between the two basins of the map, and near
 * the wall the gradient explodes: a plain gradient step there throws (w, b) far away; a step clipped to a
 * fixed length stays near the wall. Loss and gradient are computed exactly (backpropagation through the 50
 * steps, in double precision).
 */
public final class PascanuCliff {
    public static final int T = 50;
    public static final double X0 = 0.5, TARGET = 0.7;

    private PascanuCliff() {}

    /** A point of the surface: its loss and gradient. */
    public record Point(double w, double b, double loss, double gw, double gb) {
        public double gradNorm() {
            return Math.hypot(gw, gb);
        }
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    public static double loss(double w, double b) {
        double x = X0;
        for (int t = 0; t < T; t++) x = w * sigmoid(x) + b;
        double e = sigmoid(x) - TARGET;
        return e * e;
    }

    /** Loss and gradient at (w, b): the forward states kept, then dE/dx_t carried back through every step. */
    public static Point at(double w, double b) {
        double[] x = new double[T + 1];
        x[0] = X0;
        for (int t = 1; t <= T; t++) x[t] = w * sigmoid(x[t - 1]) + b;
        double s = sigmoid(x[T]);
        double dx = 2 * (s - TARGET) * s * (1 - s), gw = 0, gb = 0;
        for (int t = T; t >= 1; t--) {
            double st = sigmoid(x[t - 1]);
            gw += dx * st;
            gb += dx;
            dx *= w * st * (1 - st);
        }
        return new Point(w, b, (s - TARGET) * (s - TARGET), gw, gb);
    }

    /**
     * Gradient descent from (w, b): `steps` updates with learning rate lr, each gradient rescaled to norm
     * `threshold` where it is longer (threshold NaN or ≤ 0: no clipping). Returns the steps+1 points visited.
     */
    public static List<Point> descend(double w, double b, double lr, double threshold, int steps) {
        List<Point> out = new ArrayList<>();
        Point p = at(w, b);
        out.add(p);
        for (int i = 0; i < steps && Double.isFinite(p.loss()); i++) {
            double gw = p.gw(), gb = p.gb(), n = p.gradNorm();
            if (threshold > 0 && n > threshold) {
                gw *= threshold / n;
                gb *= threshold / n;
            }
            p = at(p.w() - lr * gw, p.b() - lr * gb);
            out.add(p);
        }
        return out;
    }

    /** The loss on an nw × nb grid over [w0, w1] × [b0, b1], row r = b from b1 (top) down to b0, column c = w. */
    public static double[] surface(double w0, double w1, double b0, double b1, int nw, int nb) {
        double[] out = new double[nw * nb];
        for (int r = 0; r < nb; r++) {
            double b = b1 - (b1 - b0) * r / (nb - 1.0);
            for (int c = 0; c < nw; c++) out[r * nw + c] = loss(w0 + (w1 - w0) * c / (nw - 1.0), b);
        }
        return out;
    }
}
