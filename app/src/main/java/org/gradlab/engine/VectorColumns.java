package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector-API halves of {@link CpuBackend#columnSums} and the bias pass: a vector of columns at a time. */
final class VectorColumns {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorColumns() {}

    /**
     * c[i, j] += b[j] for rows [r0, r1), columns [0, n): one add per element, as {@link CpuBackend#addBiasColumns} —
     * which C2 left unvectorized: 5.7 against 2.0 µs for a 16 × 1,024 step of recurrent gates. Only the gated
     * recurrence uses it: as the bias pass of every GEMM it made the GPT's GELU, the next call, twice as slow
     * (bench --ops, 0.9 → 1.8–2.0 ms a call, in four runs) — most likely HotSpot's class-check trap limit, since
     * raised by the launcher (see {@link VectorSupport}); the GEMM now adds its bias as it stores, so not re-measured.
     */
    static void addToRows(int r0, int r1, int n, int ldc, float[] c, int cOff, float[] b, int bOff) {
        for (int i = r0; i < r1; i++) {
            int r = cOff + i * ldc, j = 0;
            for (; j + L <= n; j += L) {
                FloatVector.fromArray(S, c, r + j).add(FloatVector.fromArray(S, b, bOff + j)).intoArray(c, r + j);
            }
            for (; j < n; j++) c[r + j] += b[bOff + j];
        }
    }

    /** d[j] += Σ_i a[i, j] for columns [c0, c1), rows in order: the same chain per column as the scalar loop. */
    static void sums(int c0, int c1, int m, int lda, float[] a, int aOff, float[] d, int dOff) {
        int j = c0;
        // four vectors of columns per pass down the rows: four chains in flight where one waited on each add, and each
        // row read as 4·L contiguous floats rather than one vector per long stride (a step's bias gradient sums
        // 2,048 rows of 1,024 gate columns)
        for (; j + 4 * L <= c1; j += 4 * L) {
            int o = dOff + j;
            FloatVector s0 = FloatVector.fromArray(S, d, o), s1 = FloatVector.fromArray(S, d, o + L);
            FloatVector s2 = FloatVector.fromArray(S, d, o + 2 * L), s3 = FloatVector.fromArray(S, d, o + 3 * L);
            for (int i = 0, r = aOff + j; i < m; i++, r += lda) {
                s0 = s0.add(FloatVector.fromArray(S, a, r));
                s1 = s1.add(FloatVector.fromArray(S, a, r + L));
                s2 = s2.add(FloatVector.fromArray(S, a, r + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, a, r + 3 * L));
            }
            s0.intoArray(d, o); s1.intoArray(d, o + L); s2.intoArray(d, o + 2 * L); s3.intoArray(d, o + 3 * L);
        }
        for (; j + L <= c1; j += L) {
            FloatVector acc = FloatVector.fromArray(S, d, dOff + j);
            for (int i = 0, r = aOff + j; i < m; i++, r += lda) acc = acc.add(FloatVector.fromArray(S, a, r));
            acc.intoArray(d, dOff + j);
        }
        if (j < c1) CpuBackend.columnSumsCols(j, c1, m, lda, a, aOff, d, dOff);
    }
}
