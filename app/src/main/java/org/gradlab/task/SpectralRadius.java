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
            multiply(a, n, x, y);
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
     * y = A·x, each row's sum in j order. Four rows at a time: one row's running sum waits on its last add (four
     * cycles), so a row alone ran at a quarter of the adder's pace — a live run's ρ every 50 steps cost 2% of an
     * H=128 RNN's step. Each row's sum is still added in the same order, so the result is the same to the bit.
     */
    static void multiply(double[] a, int n, double[] x, double[] y) {
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int j = 0; j < n; j++) {
                double xj = x[j];
                s0 += a[r0 + j] * xj;
                s1 += a[r1 + j] * xj;
                s2 += a[r2 + j] * xj;
                s3 += a[r3 + j] * xj;
            }
            y[i] = s0;
            y[i + 1] = s1;
            y[i + 2] = s2;
            y[i + 3] = s3;
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
