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
        double[] y = new double[n];
        if (normalise(x) == 0) x[0] = 1;
        double[] start = x;
        double logSum = 0;
        for (int k = 0; k < burn + iters; k++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) s += a[i * n + j] * x[j];
                y[i] = s;
            }
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

    private static double normalise(double[] v) {
        double s = 0;
        for (double d : v) s += d * d;
        s = Math.sqrt(s);
        if (s > 0) for (int i = 0; i < v.length; i++) v[i] /= s;
        return s;
    }
}
