package org.gradlab.engine;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * y = A·x for a square double matrix held column-major (A(i, j) at at[j·n + i]), for the spectral radius's power
 * iteration a live run measures every 50 steps: each row's sum in j order, a multiply then an add, as the scalar
 * row loop ({@code SpectralRadius.multiply}) adds it, so the same bits — with the rows in vector lanes, four
 * vectors of rows at a time. The eight-row scalar loop took ~0.72 µs at n = 50, 150 products a measurement, ~0.5%
 * of Pascanu's step.
 */
public final class VectorMatVec {
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    private VectorMatVec() {}

    public static void multiply(double[] at, int n, double[] x, double[] y) {
        int i = 0, l = DS.length();
        if (VectorSupport.ENABLED) {
            for (; i + 4 * l <= n; i += 4 * l) four(at, n, x, y, i);
            for (; i + l <= n; i += l) one(at, n, x, y, i);
        }
        for (; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += at[j * n + i] * x[j];
            y[i] = s;
        }
    }

    /** Rows [i, i + 4 lanes): four running sums, so that each add does not wait on the one before. */
    private static void four(double[] at, int n, double[] x, double[] y, int i) {
        int l = DS.length();
        DoubleVector s0 = DoubleVector.zero(DS), s1 = s0, s2 = s0, s3 = s0;
        for (int j = 0, o = i; j < n; j++, o += n) {
            DoubleVector xj = DoubleVector.broadcast(DS, x[j]);
            s0 = s0.add(DoubleVector.fromArray(DS, at, o).mul(xj));
            s1 = s1.add(DoubleVector.fromArray(DS, at, o + l).mul(xj));
            s2 = s2.add(DoubleVector.fromArray(DS, at, o + 2 * l).mul(xj));
            s3 = s3.add(DoubleVector.fromArray(DS, at, o + 3 * l).mul(xj));
        }
        s0.intoArray(y, i);
        s1.intoArray(y, i + l);
        s2.intoArray(y, i + 2 * l);
        s3.intoArray(y, i + 3 * l);
    }

    private static void one(double[] at, int n, double[] x, double[] y, int i) {
        DoubleVector s = DoubleVector.zero(DS);
        for (int j = 0, o = i; j < n; j++, o += n) s = s.add(DoubleVector.fromArray(DS, at, o).mul(DoubleVector.broadcast(DS, x[j])));
        s.intoArray(y, i);
    }
}
