package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector-API half of {@link CpuBackend#columnSums}: a vector of columns at a time, each summed in row order. */
final class VectorColumns {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorColumns() {}

    /** d[j] += Σ_i a[i, j] for columns [c0, c1), rows in order: the same chain per column as the scalar loop. */
    static void sums(int c0, int c1, int m, int lda, float[] a, int aOff, float[] d, int dOff) {
        int j = c0;
        for (; j + L <= c1; j += L) {
            FloatVector acc = FloatVector.fromArray(S, d, dOff + j);
            for (int i = 0, r = aOff + j; i < m; i++, r += lda) acc = acc.add(FloatVector.fromArray(S, a, r));
            acc.intoArray(d, dOff + j);
        }
        if (j < c1) CpuBackend.columnSumsCols(j, c1, m, lda, a, aOff, d, dOff);
    }
}
