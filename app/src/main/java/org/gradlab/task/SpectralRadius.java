package org.gradlab.task;

/**
 * Spectral radius of a square real matrix by Gelfand's formula ρ = lim ‖Aᵏx‖^{1/k}: the average log growth
 * of a normalised power iteration. Unlike the plain power method it converges when the dominant
 * eigenvalues are a complex pair, which is the usual case for random non-symmetric matrices.
 */
public final class SpectralRadius {
    private SpectralRadius() {}

    public static double estimate(double[] a, int n) {
        double[] x = new double[n];
        Rng r = new Rng(12345);
        for (int i = 0; i < n; i++) x[i] = r.nextGaussian();
        return estimate(a, n, x, 200, 2000);
    }

    /**
     * As {@link #estimate(double[], int)} from the start vector x (overwritten with the last iterate, so the next
     * call on a slowly changing matrix starts warm): `burn` iterations to settle, then the average log growth
     * over `iters`.
     */
    public static double estimate(double[] a, int n, double[] x, int burn, int iters) {
        return estimate((v, out) -> multiply(a, n, v, out), n, x, burn, iters);
    }

    /** As above, with y = A·x computed by product (a faster one must add each row's sum as {@link #multiply} does). */
    public static double estimate(java.util.function.BiConsumer<double[], double[]> product, int n, double[] x, int burn,
                                  int iters) {
        double[] y = new double[n];
        if (normalise(x) == 0) x[0] = 1;
        double[] start = x;
        double logSum = 0;
        for (int k = 0; k < burn + iters; k++) {
            product.accept(x, y);
            double norm = normalise(y);
            if (norm == 0) return 0;
            if (k >= burn) logSum += Math.log(norm);
            double[] t = x;
            x = y;
            y = t;
        }
        if (x != start) System.arraycopy(x, 0, start, 0, n);
        return Math.exp(logSum / iters);
    }

    /**
     * y = A·x, each row's sum in j order. Eight rows at a time: one row's running sum waits on its last add, so a row
     * alone ran at a quarter of the adder's pace (a live run's ρ every 50 steps cost 2% of an H=128 RNN's step); eight
     * rows rather than four took a product from 610–700 to ~520 ns at H = 50, 3.70 to 3.39 µs at H = 128. Each row's
     * sum is still added in the same order, so the result is the same to the bit.
     */
    static void multiply(double[] a, int n, double[] x, double[] y) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            int r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n, r4 = r3 + n, r5 = r4 + n, r6 = r5 + n, r7 = r6 + n;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (int j = 0; j < n; j++) {
                double xj = x[j];
                s0 += a[r0 + j] * xj;
                s1 += a[r1 + j] * xj;
                s2 += a[r2 + j] * xj;
                s3 += a[r3 + j] * xj;
                s4 += a[r4 + j] * xj;
                s5 += a[r5 + j] * xj;
                s6 += a[r6 + j] * xj;
                s7 += a[r7 + j] * xj;
            }
            y[i] = s0;
            y[i + 1] = s1;
            y[i + 2] = s2;
            y[i + 3] = s3;
            y[i + 4] = s4;
            y[i + 5] = s5;
            y[i + 6] = s6;
            y[i + 7] = s7;
        }
        for (; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += a[i * n + j] * x[j];
            y[i] = s;
        }
    }

    private static double normalise(double[] v) {
        double s = 0;
        for (double d : v) s += d * d;
        s = Math.sqrt(s);
        if (s > 0) for (int i = 0; i < v.length; i++) v[i] /= s;
        return s;
    }
}
