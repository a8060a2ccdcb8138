package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector-API half of {@link CpuBackend#columnSums}: vectors of columns at a time. */
final class VectorColumns {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorColumns() {}

    /** d[j] += Σ_i a[i, j] for columns [c0, c1), rows in order: the same chain per column as the scalar loop. */
    static void sums(int c0, int c1, int m, int lda, float[] a, int aOff, float[] d, int dOff) {
        int j = c0;
        // four vectors of columns per pass down the rows: four chains in flight where one waited on each add, and each
        // row read as 4·L contiguous floats rather than one vector per long stride (a step's bias gradient sums
        // 2,048 rows of 1,024 gate columns)
        for (; j + 4 * L <= c1; j += 4 * L) down(m, lda, a, aOff + j, d, dOff + j);
        if (j == c1) return;
        // the last columns (fewer than 4·L: a 50-unit RNN's all) take one such pass too, through a padded copy of their
        // sums: the lanes past c1 read the row's next floats and are dropped. Rows whose read would leave the array
        // finish one value at a time, continuing the same chains. Before: a pass per vector and a scalar loop for the
        // tail, each waiting on its adds — 15 µs a call for 3,200 rows of 50
        int w = c1 - j, room = a.length - aOff - j - 4 * L, safe = room < 0 ? 0 : Math.min(m, room / lda + 1);
        float[] t = new float[4 * L];
        System.arraycopy(d, dOff + j, t, 0, w);
        down(safe, lda, a, aOff + j, t, 0);
        for (int i = safe, r = aOff + safe * lda + j; i < m; i++, r += lda) {
            for (int q = 0; q < w; q++) t[q] += a[r + q];
        }
        System.arraycopy(t, 0, d, dOff + j, w);
    }

    /** s[o + q] += Σ_i a[r0 + i·lda + q] for q < 4·L and rows i < m, in row order: four chains in registers. */
    private static void down(int m, int lda, float[] a, int r0, float[] s, int o) {
        FloatVector s0 = FloatVector.fromArray(S, s, o), s1 = FloatVector.fromArray(S, s, o + L);
        FloatVector s2 = FloatVector.fromArray(S, s, o + 2 * L), s3 = FloatVector.fromArray(S, s, o + 3 * L);
        for (int i = 0, r = r0; i < m; i++, r += lda) {
            s0 = s0.add(FloatVector.fromArray(S, a, r));
            s1 = s1.add(FloatVector.fromArray(S, a, r + L));
            s2 = s2.add(FloatVector.fromArray(S, a, r + 2 * L));
            s3 = s3.add(FloatVector.fromArray(S, a, r + 3 * L));
        }
        s0.intoArray(s, o); s1.intoArray(s, o + L); s2.intoArray(s, o + 2 * L); s3.intoArray(s, o + 3 * L);
    }
}
