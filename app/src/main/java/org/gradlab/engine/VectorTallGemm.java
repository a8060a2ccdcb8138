package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * G[m, n] (+)= Aᵀ·B for a long k and a small G: a weight gradient summed over every row of a batch × time (a
 * recurrent layer's dW over T·B rows). The blocked GEMM would pack Aᵀ six values at a time and pad B's narrow
 * columns for each k block; here the vectors run down G's rows instead — a row of A is contiguous — with eight
 * (or six) of G's columns broadcast from a row of B, and G is held transposed in a tile for the whole product.
 * G's rows past its last whole vector of rows (a 50-unit layer's 48 and 49) run the other way where they can, vectors
 * along a row of B ({@link #rowsApart}), rather than filling a vector down the rows mostly with padding.
 * <p>
 * Each element keeps VectorGemm's chain exactly: k in order, fused multiply-adds for the columns j &lt; n − n mod L
 * (the ones VectorGemm covers with whole vectors) and a multiply then an add for the rest (GemmTest pins the chain).
 */
final class VectorTallGemm {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L, NJ = 6;
    /** Fused columns per kernel call: a column range split over threads starts and ends on a multiple of it. */
    static final int FUSED_BLOCK = 8;
    /** Rows of A and B per pass over G's tile: both blocks stay in the first-level caches. */
    private static final int KB = 96;

    private VectorTallGemm() {}

    /** Where this kernel beats the blocked GEMM: Aᵀ (rows of A contiguous), G small, k long. */
    static boolean suits(int m, int n, int k, int ars) {
        return ars == 1 && (long) m * n <= 64 * 64 && k >= 4 * KB;
    }

    /**
     * Floats of scratch {@link #gemm} needs: G transposed and padded, one padded row of A, and G's rows past its last
     * whole vector of rows, row by row ({@link #rowsApart}).
     */
    static int scratchSize(int m, int n) {
        return (n + 1) * VectorGemm.padded(m) + m % L * n;
    }

    /**
     * G(i, j) = g[gOff + i·ldg + j] for j in [j0, j1); A(p, i) = a[aOff + p·lda + i]; B(p, j) = b[bOff + p·ldb + j].
     * Where [j0, j1) meets the fused columns it starts and ends on a multiple of eight (or at n − n mod L).
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] g, int gOff,
                     int ldg, boolean acc, int j0, int j1, float[] scratch) {
        int mp = VectorGemm.padded(m), fused = n - n % L;
        if (j0 < fused && (j0 % FUSED_BLOCK != 0 || j1 < fused && j1 % FUSED_BLOCK != 0)) {
            throw new IllegalArgumentException("columns [" + j0 + ", " + j1 + ") cut a block of " + FUSED_BLOCK + " fused columns");
        }
        float[] t = scratch; // t[j·mp + i] = G(i, j): G transposed, rows padded to whole vectors
        for (int j = j0; j < j1; j++) {
            int row = j * mp;
            for (int i = 0; i < m; i++) t[row + i] = acc ? g[gOff + i * ldg + j] : 0f;
            java.util.Arrays.fill(t, row + m, row + mp, 0f);
        }
        // G's rows past its last whole vector of rows (m mod L of them), in the fused columns: vectors along the
        // columns instead, in rows of their own (from lr), where a vector down the rows would compute mostly padding
        // (a 50-unit layer's rows 48 and 49 took a second two-vector kernel, 32 rows, for 2); whole vectors of
        // columns only, else the padded rows take them as before
        int mFull = m - m % L, fEnd = Math.min(j1, fused), nv = (fEnd - j0) / L;
        boolean apart = mFull < m && fEnd > j0 && (fEnd - j0) % L == 0;
        int lr = n * mp + mp, ld = fEnd - j0, rowsEnd = apart ? mFull : mp;
        if (apart) {
            for (int i = mFull; i < m; i++) for (int j = j0; j < fEnd; j++) t[lr + (i - mFull) * ld + j - j0] = t[j * mp + i];
        }
        // rows of A whose last vector would read past the array (a few at its end) go through a padded copy,
        // after all the others: k stays in order
        int safe = k;
        while (safe > 0 && aOff + (safe - 1) * lda + mp > a.length) safe--;
        for (int p0 = 0; p0 < safe; p0 += KB) {
            int p1 = Math.min(safe, p0 + KB);
            columns(p0, p1, m, mp, rowsEnd, a, aOff, lda, b, bOff, ldb, t, j0, j1, fused);
            if (apart) rowsApart(p0, p1, mFull, m, a, aOff, lda, b, bOff + j0, ldb, nv, t, lr, ld);
        }
        int copy = n * mp;
        for (int p = safe; p < k; p++) {
            System.arraycopy(a, aOff + p * lda, t, copy, m);
            java.util.Arrays.fill(t, copy + m, copy + mp, 0f);
            columns(p, p + 1, m, mp, rowsEnd, t, copy - p * lda, lda, b, bOff, ldb, t, j0, j1, fused);
            if (apart) rowsApart(p, p + 1, mFull, m, a, aOff, lda, b, bOff + j0, ldb, nv, t, lr, ld);
        }
        if (apart) {
            for (int i = mFull; i < m; i++) for (int j = j0; j < fEnd; j++) t[j * mp + i] = t[lr + (i - mFull) * ld + j - j0];
        }
        for (int j = j0; j < j1; j++) {
            int row = j * mp;
            for (int i = 0; i < m; i++) g[gOff + i * ldg + j] = t[row + i];
        }
    }

    /**
     * Rows [p0, p1) into the tile for every column block: the fused columns (a multiple of 16) eight at a time
     * (the range starts and ends on such a block there: {@link #gemm} checks), G's rows up to rowsEnd, the unfused
     * ones six at a time, all of G's rows.
     */
    private static void columns(int p0, int p1, int m, int mp, int rowsEnd, float[] a, int aOff, int lda, float[] b, int bOff,
                                int ldb, float[] t, int j0, int j1, int fused) {
        int j = j0;
        for (; j < Math.min(j1, fused); j += FUSED_BLOCK) {
            int v = 0;
            if (rowsEnd >= 3 * L && rowsEnd / L % 2 == 1) { // an odd number of vectors: three at once, then pairs
                kernel3Fma8(p0, p1, a, aOff, lda, b, bOff + j, ldb, t, j * mp, mp);
                v = 3 * L;
            }
            for (; v + 2 * L <= rowsEnd; v += 2 * L) kernel2Fma8(p0, p1, a, aOff + v, lda, b, bOff + j, ldb, t, j * mp + v, mp);
            if (v < rowsEnd) kernel1Fma8(p0, p1, a, aOff + v, lda, b, bOff + j, ldb, t, j * mp + v, mp);
        }
        for (; j < j1; ) {
            int end = Math.min(j1, j + NJ), v = 0;
            // one loop per method, fused or not: a method with both grew past C2's inlining budget and boxed its vectors
            if (end - j <= 2) for (; v + 4 * L <= mp; v += 4 * L) kernel4Mul2(p0, p1, a, aOff + v, lda, b, bOff, ldb, j, end, t, mp, v);
            for (; v + 2 * L <= mp; v += 2 * L) {
                if (end - j <= 2) kernel2Mul2(p0, p1, a, aOff + v, lda, b, bOff, ldb, j, end, t, mp, v);
                else if (end - j == NJ) kernel2Mul6(p0, p1, a, aOff + v, lda, b, bOff + j, ldb, t, j * mp + v, mp);
                else kernel2Mul(p0, p1, a, aOff + v, lda, b, bOff, ldb, j, end, t, mp, v);
            }
            if (v < mp) kernel1Mul(p0, p1, a, aOff + v, lda, b, bOff, ldb, j, end, t, mp, v);
            j = end;
        }
    }

    /**
     * Two vectors of G's rows × eight whole columns from b0 (B(p, j + x) = b[b0 + p·ldb + x]), tile rows from t0,
     * stride mp. B's columns at constant offsets from one index. The kernel it replaced held six clamped offsets,
     * one per column (as kernel2Mul still does): in that loop C2 ran out of general registers and, in about one
     * compilation of two, kept the row index in a vector register and moved it back for every broadcast — the same
     * 50 × 50 × 3,200 product took 140-160 µs in some JVMs and 210-270 in others. Here the checks of the eight
     * reads merge into one, and the index stays put: 50 × 50 × 3,200 128-199 against 152-226 µs, 64 × 64 × 3,200
     * 210 against 338 (both kernels in one JVM).
     * As kernel2Mul, written out on purpose: accumulators must be locals to stay in registers.
     * <p>
     * The tile's rows are read along a running offset and written back from the last one down. Written t0 + c·mp both
     * times, the eight offsets were one expression each, kept live across the loop for the stores: C2 parked the
     * arrays' bases and the loop counter in vector registers and moved them back every row of A (the same loop here
     * and in {@link #kernel3Fma8}, where it also spilled two of A's three vectors to the stack in half the JVMs).
     * One thread, the product alone, one JVM each: 64 × 48 × 2,000 98-100 → 84-89 µs.
     */
    private static void kernel2Fma8(int p0, int p1, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] t, int t0, int mp) {
        int o = t0;
        FloatVector c00 = FloatVector.fromArray(S, t, o), c01 = FloatVector.fromArray(S, t, o + L);
        o += mp;
        FloatVector c10 = FloatVector.fromArray(S, t, o), c11 = FloatVector.fromArray(S, t, o + L);
        o += mp;
        FloatVector c20 = FloatVector.fromArray(S, t, o), c21 = FloatVector.fromArray(S, t, o + L);
        o += mp;
        FloatVector c30 = FloatVector.fromArray(S, t, o), c31 = FloatVector.fromArray(S, t, o + L);
        o += mp;
        FloatVector c40 = FloatVector.fromArray(S, t, o), c41 = FloatVector.fromArray(S, t, o + L);
        o += mp;
        FloatVector c50 = FloatVector.fromArray(S, t, o), c51 = FloatVector.fromArray(S, t, o + L);
        o += mp;
        FloatVector c60 = FloatVector.fromArray(S, t, o), c61 = FloatVector.fromArray(S, t, o + L);
        o += mp;
        FloatVector c70 = FloatVector.fromArray(S, t, o), c71 = FloatVector.fromArray(S, t, o + L);
        int ai = a0 + p0 * lda, bi = b0 + p0 * ldb;
        for (int p = p0; p < p1; p++, ai += lda, bi += ldb) {
            FloatVector x0 = FloatVector.fromArray(S, a, ai), x1 = FloatVector.fromArray(S, a, ai + L);
            FloatVector y = FloatVector.broadcast(S, b[bi]);
            c00 = x0.fma(y, c00); c01 = x1.fma(y, c01);
            y = FloatVector.broadcast(S, b[bi + 1]);
            c10 = x0.fma(y, c10); c11 = x1.fma(y, c11);
            y = FloatVector.broadcast(S, b[bi + 2]);
            c20 = x0.fma(y, c20); c21 = x1.fma(y, c21);
            y = FloatVector.broadcast(S, b[bi + 3]);
            c30 = x0.fma(y, c30); c31 = x1.fma(y, c31);
            y = FloatVector.broadcast(S, b[bi + 4]);
            c40 = x0.fma(y, c40); c41 = x1.fma(y, c41);
            y = FloatVector.broadcast(S, b[bi + 5]);
            c50 = x0.fma(y, c50); c51 = x1.fma(y, c51);
            y = FloatVector.broadcast(S, b[bi + 6]);
            c60 = x0.fma(y, c60); c61 = x1.fma(y, c61);
            y = FloatVector.broadcast(S, b[bi + 7]);
            c70 = x0.fma(y, c70); c71 = x1.fma(y, c71);
        }
        int q = t0 + 7 * mp;
        c70.intoArray(t, q); c71.intoArray(t, q + L);
        q -= mp;
        c60.intoArray(t, q); c61.intoArray(t, q + L);
        q -= mp;
        c50.intoArray(t, q); c51.intoArray(t, q + L);
        q -= mp;
        c40.intoArray(t, q); c41.intoArray(t, q + L);
        q -= mp;
        c30.intoArray(t, q); c31.intoArray(t, q + L);
        q -= mp;
        c20.intoArray(t, q); c21.intoArray(t, q + L);
        q -= mp;
        c10.intoArray(t, q); c11.intoArray(t, q + L);
        q -= mp;
        c00.intoArray(t, q); c01.intoArray(t, q + L);
    }

    /**
     * kernel2Fma8 for three vectors of G's rows (a 50-unit layer's rows 0-47: the two rows past them run apart), in
     * one pass over A where a pair and a lone vector took two, each broadcasting B's eight values. 24 chains, A's three
     * vectors and a broadcast fill 28 of the 32 vector registers; the tile's offsets as in kernel2Fma8, without which
     * C2 spilled A's vectors in half the JVMs (113-153 µs). 48 × 48 × 2,000 82-87 → 56-66 µs, six JVMs.
     */
    private static void kernel3Fma8(int p0, int p1, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] t, int t0, int mp) {
        int o = t0;
        FloatVector c00 = FloatVector.fromArray(S, t, o), c01 = FloatVector.fromArray(S, t, o + L), c02 = FloatVector.fromArray(S, t, o + 2 * L);
        o += mp;
        FloatVector c10 = FloatVector.fromArray(S, t, o), c11 = FloatVector.fromArray(S, t, o + L), c12 = FloatVector.fromArray(S, t, o + 2 * L);
        o += mp;
        FloatVector c20 = FloatVector.fromArray(S, t, o), c21 = FloatVector.fromArray(S, t, o + L), c22 = FloatVector.fromArray(S, t, o + 2 * L);
        o += mp;
        FloatVector c30 = FloatVector.fromArray(S, t, o), c31 = FloatVector.fromArray(S, t, o + L), c32 = FloatVector.fromArray(S, t, o + 2 * L);
        o += mp;
        FloatVector c40 = FloatVector.fromArray(S, t, o), c41 = FloatVector.fromArray(S, t, o + L), c42 = FloatVector.fromArray(S, t, o + 2 * L);
        o += mp;
        FloatVector c50 = FloatVector.fromArray(S, t, o), c51 = FloatVector.fromArray(S, t, o + L), c52 = FloatVector.fromArray(S, t, o + 2 * L);
        o += mp;
        FloatVector c60 = FloatVector.fromArray(S, t, o), c61 = FloatVector.fromArray(S, t, o + L), c62 = FloatVector.fromArray(S, t, o + 2 * L);
        o += mp;
        FloatVector c70 = FloatVector.fromArray(S, t, o), c71 = FloatVector.fromArray(S, t, o + L), c72 = FloatVector.fromArray(S, t, o + 2 * L);
        int ai = a0 + p0 * lda, bi = b0 + p0 * ldb;
        for (int p = p0; p < p1; p++, ai += lda, bi += ldb) {
            FloatVector x0 = FloatVector.fromArray(S, a, ai), x1 = FloatVector.fromArray(S, a, ai + L), x2 = FloatVector.fromArray(S, a, ai + 2 * L);
            FloatVector y = FloatVector.broadcast(S, b[bi]);
            c00 = x0.fma(y, c00); c01 = x1.fma(y, c01); c02 = x2.fma(y, c02);
            y = FloatVector.broadcast(S, b[bi + 1]);
            c10 = x0.fma(y, c10); c11 = x1.fma(y, c11); c12 = x2.fma(y, c12);
            y = FloatVector.broadcast(S, b[bi + 2]);
            c20 = x0.fma(y, c20); c21 = x1.fma(y, c21); c22 = x2.fma(y, c22);
            y = FloatVector.broadcast(S, b[bi + 3]);
            c30 = x0.fma(y, c30); c31 = x1.fma(y, c31); c32 = x2.fma(y, c32);
            y = FloatVector.broadcast(S, b[bi + 4]);
            c40 = x0.fma(y, c40); c41 = x1.fma(y, c41); c42 = x2.fma(y, c42);
            y = FloatVector.broadcast(S, b[bi + 5]);
            c50 = x0.fma(y, c50); c51 = x1.fma(y, c51); c52 = x2.fma(y, c52);
            y = FloatVector.broadcast(S, b[bi + 6]);
            c60 = x0.fma(y, c60); c61 = x1.fma(y, c61); c62 = x2.fma(y, c62);
            y = FloatVector.broadcast(S, b[bi + 7]);
            c70 = x0.fma(y, c70); c71 = x1.fma(y, c71); c72 = x2.fma(y, c72);
        }
        int q = t0 + 7 * mp;
        c70.intoArray(t, q); c71.intoArray(t, q + L); c72.intoArray(t, q + 2 * L);
        q -= mp;
        c60.intoArray(t, q); c61.intoArray(t, q + L); c62.intoArray(t, q + 2 * L);
        q -= mp;
        c50.intoArray(t, q); c51.intoArray(t, q + L); c52.intoArray(t, q + 2 * L);
        q -= mp;
        c40.intoArray(t, q); c41.intoArray(t, q + L); c42.intoArray(t, q + 2 * L);
        q -= mp;
        c30.intoArray(t, q); c31.intoArray(t, q + L); c32.intoArray(t, q + 2 * L);
        q -= mp;
        c20.intoArray(t, q); c21.intoArray(t, q + L); c22.intoArray(t, q + 2 * L);
        q -= mp;
        c10.intoArray(t, q); c11.intoArray(t, q + L); c12.intoArray(t, q + 2 * L);
        q -= mp;
        c00.intoArray(t, q); c01.intoArray(t, q + L); c02.intoArray(t, q + 2 * L);
    }

    private static void kernel1Fma8(int p0, int p1, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] t, int t0, int mp) {
        FloatVector c0 = FloatVector.fromArray(S, t, t0), c1 = FloatVector.fromArray(S, t, t0 + mp);
        FloatVector c2 = FloatVector.fromArray(S, t, t0 + 2 * mp), c3 = FloatVector.fromArray(S, t, t0 + 3 * mp);
        FloatVector c4 = FloatVector.fromArray(S, t, t0 + 4 * mp), c5 = FloatVector.fromArray(S, t, t0 + 5 * mp);
        FloatVector c6 = FloatVector.fromArray(S, t, t0 + 6 * mp), c7 = FloatVector.fromArray(S, t, t0 + 7 * mp);
        int ai = a0 + p0 * lda, bi = b0 + p0 * ldb;
        for (int p = p0; p < p1; p++, ai += lda, bi += ldb) {
            FloatVector x = FloatVector.fromArray(S, a, ai);
            c0 = x.fma(FloatVector.broadcast(S, b[bi]), c0);
            c1 = x.fma(FloatVector.broadcast(S, b[bi + 1]), c1);
            c2 = x.fma(FloatVector.broadcast(S, b[bi + 2]), c2);
            c3 = x.fma(FloatVector.broadcast(S, b[bi + 3]), c3);
            c4 = x.fma(FloatVector.broadcast(S, b[bi + 4]), c4);
            c5 = x.fma(FloatVector.broadcast(S, b[bi + 5]), c5);
            c6 = x.fma(FloatVector.broadcast(S, b[bi + 6]), c6);
            c7 = x.fma(FloatVector.broadcast(S, b[bi + 7]), c7);
        }
        c0.intoArray(t, t0); c1.intoArray(t, t0 + mp); c2.intoArray(t, t0 + 2 * mp); c3.intoArray(t, t0 + 3 * mp);
        c4.intoArray(t, t0 + 4 * mp); c5.intoArray(t, t0 + 5 * mp); c6.intoArray(t, t0 + 6 * mp); c7.intoArray(t, t0 + 7 * mp);
    }

    private static void kernel2Mul(int p0, int p1, float[] a, int a0, int lda, float[] b, int bOff, int ldb, int j, int end,
                                   float[] t, int mp, int v) {
        int last = end - 1;
        int j0 = j, j1 = Math.min(j + 1, last), j2 = Math.min(j + 2, last), j3 = Math.min(j + 3, last);
        int j4 = Math.min(j + 4, last), j5 = Math.min(j + 5, last);
        int t0 = j0 * mp + v, t1 = j1 * mp + v, t2 = j2 * mp + v, t3 = j3 * mp + v, t4 = j4 * mp + v, t5 = j5 * mp + v;
        FloatVector c00 = FloatVector.fromArray(S, t, t0), c01 = FloatVector.fromArray(S, t, t0 + L);
        FloatVector c10 = FloatVector.fromArray(S, t, t1), c11 = FloatVector.fromArray(S, t, t1 + L);
        FloatVector c20 = FloatVector.fromArray(S, t, t2), c21 = FloatVector.fromArray(S, t, t2 + L);
        FloatVector c30 = FloatVector.fromArray(S, t, t3), c31 = FloatVector.fromArray(S, t, t3 + L);
        FloatVector c40 = FloatVector.fromArray(S, t, t4), c41 = FloatVector.fromArray(S, t, t4 + L);
        FloatVector c50 = FloatVector.fromArray(S, t, t5), c51 = FloatVector.fromArray(S, t, t5 + L);
        int ai = a0 + p0 * lda, bi = bOff + p0 * ldb;
        for (int p = p0; p < p1; p++, ai += lda, bi += ldb) {
            FloatVector x0 = FloatVector.fromArray(S, a, ai), x1 = FloatVector.fromArray(S, a, ai + L);
            float y = b[bi + j0];
            c00 = c00.add(x0.mul(y)); c01 = c01.add(x1.mul(y));
            y = b[bi + j1];
            c10 = c10.add(x0.mul(y)); c11 = c11.add(x1.mul(y));
            y = b[bi + j2];
            c20 = c20.add(x0.mul(y)); c21 = c21.add(x1.mul(y));
            y = b[bi + j3];
            c30 = c30.add(x0.mul(y)); c31 = c31.add(x1.mul(y));
            y = b[bi + j4];
            c40 = c40.add(x0.mul(y)); c41 = c41.add(x1.mul(y));
            y = b[bi + j5];
            c50 = c50.add(x0.mul(y)); c51 = c51.add(x1.mul(y));
        }
        c00.intoArray(t, t0); c01.intoArray(t, t0 + L);
        c10.intoArray(t, t1); c11.intoArray(t, t1 + L);
        c20.intoArray(t, t2); c21.intoArray(t, t2 + L);
        c30.intoArray(t, t3); c31.intoArray(t, t3 + L);
        c40.intoArray(t, t4); c41.intoArray(t, t4 + L);
        c50.intoArray(t, t5); c51.intoArray(t, t5 + L);
    }

    /**
     * kernel2Mul for a whole block of six columns (Pascanu's six input symbols): B's at constant offsets from one
     * index and the tile's along a running one, as kernel2Fma8's, where kernel2Mul's six clamped columns keep twelve
     * indices live. 50 × 6 × 2,000 19.5-28 → 15-17.5 µs (three JVMs each).
     */
    private static void kernel2Mul6(int p0, int p1, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] t, int t0, int mp) {
        int o = t0;
        FloatVector c00 = FloatVector.fromArray(S, t, o), c01 = FloatVector.fromArray(S, t, o + L);
        o += mp;
        FloatVector c10 = FloatVector.fromArray(S, t, o), c11 = FloatVector.fromArray(S, t, o + L);
        o += mp;
        FloatVector c20 = FloatVector.fromArray(S, t, o), c21 = FloatVector.fromArray(S, t, o + L);
        o += mp;
        FloatVector c30 = FloatVector.fromArray(S, t, o), c31 = FloatVector.fromArray(S, t, o + L);
        o += mp;
        FloatVector c40 = FloatVector.fromArray(S, t, o), c41 = FloatVector.fromArray(S, t, o + L);
        o += mp;
        FloatVector c50 = FloatVector.fromArray(S, t, o), c51 = FloatVector.fromArray(S, t, o + L);
        int ai = a0 + p0 * lda, bi = b0 + p0 * ldb;
        for (int p = p0; p < p1; p++, ai += lda, bi += ldb) {
            FloatVector x0 = FloatVector.fromArray(S, a, ai), x1 = FloatVector.fromArray(S, a, ai + L);
            float y = b[bi];
            c00 = c00.add(x0.mul(y)); c01 = c01.add(x1.mul(y));
            y = b[bi + 1];
            c10 = c10.add(x0.mul(y)); c11 = c11.add(x1.mul(y));
            y = b[bi + 2];
            c20 = c20.add(x0.mul(y)); c21 = c21.add(x1.mul(y));
            y = b[bi + 3];
            c30 = c30.add(x0.mul(y)); c31 = c31.add(x1.mul(y));
            y = b[bi + 4];
            c40 = c40.add(x0.mul(y)); c41 = c41.add(x1.mul(y));
            y = b[bi + 5];
            c50 = c50.add(x0.mul(y)); c51 = c51.add(x1.mul(y));
        }
        int q = t0 + 5 * mp;
        c50.intoArray(t, q); c51.intoArray(t, q + L);
        q -= mp;
        c40.intoArray(t, q); c41.intoArray(t, q + L);
        q -= mp;
        c30.intoArray(t, q); c31.intoArray(t, q + L);
        q -= mp;
        c20.intoArray(t, q); c21.intoArray(t, q + L);
        q -= mp;
        c10.intoArray(t, q); c11.intoArray(t, q + L);
        q -= mp;
        c00.intoArray(t, q); c01.intoArray(t, q + L);
    }

    /**
     * kernel2Mul for a block of one or two columns: a 50-unit layer's last two (50 = 3·16 + 2), or an input of two.
     * The six-column kernel computed them three times over: 12 multiplies and 12 adds a row of A for 4 useful.
     */
    private static void kernel2Mul2(int p0, int p1, float[] a, int a0, int lda, float[] b, int bOff, int ldb, int j,
                                    int end, float[] t, int mp, int v) {
        int j0 = j, j1 = end - 1, t0 = j0 * mp + v, t1 = j1 * mp + v;
        FloatVector c00 = FloatVector.fromArray(S, t, t0), c01 = FloatVector.fromArray(S, t, t0 + L);
        FloatVector c10 = FloatVector.fromArray(S, t, t1), c11 = FloatVector.fromArray(S, t, t1 + L);
        int ai = a0 + p0 * lda, bi = bOff + p0 * ldb;
        for (int p = p0; p < p1; p++, ai += lda, bi += ldb) {
            FloatVector x0 = FloatVector.fromArray(S, a, ai), x1 = FloatVector.fromArray(S, a, ai + L);
            float y = b[bi + j0];
            c00 = c00.add(x0.mul(y)); c01 = c01.add(x1.mul(y));
            y = b[bi + j1];
            c10 = c10.add(x0.mul(y)); c11 = c11.add(x1.mul(y));
        }
        c00.intoArray(t, t0); c01.intoArray(t, t0 + L);
        c10.intoArray(t, t1); c11.intoArray(t, t1 + L);
    }

    /**
     * kernel2Mul2 for four vectors of G's rows (a 50-unit layer's 64 padded rows at once): eight chains side by side,
     * where two calls of four each waited on their adds.
     */
    private static void kernel4Mul2(int p0, int p1, float[] a, int a0, int lda, float[] b, int bOff, int ldb, int j,
                                    int end, float[] t, int mp, int v) {
        int j0 = j, j1 = end - 1, t0 = j0 * mp + v, t1 = j1 * mp + v;
        FloatVector c00 = FloatVector.fromArray(S, t, t0), c01 = FloatVector.fromArray(S, t, t0 + L);
        FloatVector c02 = FloatVector.fromArray(S, t, t0 + 2 * L), c03 = FloatVector.fromArray(S, t, t0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, t, t1), c11 = FloatVector.fromArray(S, t, t1 + L);
        FloatVector c12 = FloatVector.fromArray(S, t, t1 + 2 * L), c13 = FloatVector.fromArray(S, t, t1 + 3 * L);
        int ai = a0 + p0 * lda, bi = bOff + p0 * ldb;
        for (int p = p0; p < p1; p++, ai += lda, bi += ldb) {
            FloatVector x0 = FloatVector.fromArray(S, a, ai), x1 = FloatVector.fromArray(S, a, ai + L);
            FloatVector x2 = FloatVector.fromArray(S, a, ai + 2 * L), x3 = FloatVector.fromArray(S, a, ai + 3 * L);
            float y = b[bi + j0];
            c00 = c00.add(x0.mul(y)); c01 = c01.add(x1.mul(y)); c02 = c02.add(x2.mul(y)); c03 = c03.add(x3.mul(y));
            y = b[bi + j1];
            c10 = c10.add(x0.mul(y)); c11 = c11.add(x1.mul(y)); c12 = c12.add(x2.mul(y)); c13 = c13.add(x3.mul(y));
        }
        c00.intoArray(t, t0); c01.intoArray(t, t0 + L); c02.intoArray(t, t0 + 2 * L); c03.intoArray(t, t0 + 3 * L);
        c10.intoArray(t, t1); c11.intoArray(t, t1 + L); c12.intoArray(t, t1 + 2 * L); c13.intoArray(t, t1 + 3 * L);
    }

    private static void kernel1Mul(int p0, int p1, float[] a, int a0, int lda, float[] b, int bOff, int ldb, int j, int end,
                                   float[] t, int mp, int v) {
        int last = end - 1;
        int j0 = j, j1 = Math.min(j + 1, last), j2 = Math.min(j + 2, last), j3 = Math.min(j + 3, last);
        int j4 = Math.min(j + 4, last), j5 = Math.min(j + 5, last);
        int t0 = j0 * mp + v, t1 = j1 * mp + v, t2 = j2 * mp + v, t3 = j3 * mp + v, t4 = j4 * mp + v, t5 = j5 * mp + v;
        FloatVector c0 = FloatVector.fromArray(S, t, t0), c1 = FloatVector.fromArray(S, t, t1);
        FloatVector c2 = FloatVector.fromArray(S, t, t2), c3 = FloatVector.fromArray(S, t, t3);
        FloatVector c4 = FloatVector.fromArray(S, t, t4), c5 = FloatVector.fromArray(S, t, t5);
        int ai = a0 + p0 * lda, bi = bOff + p0 * ldb;
        for (int p = p0; p < p1; p++, ai += lda, bi += ldb) {
            FloatVector x = FloatVector.fromArray(S, a, ai);
            c0 = c0.add(x.mul(b[bi + j0]));
            c1 = c1.add(x.mul(b[bi + j1]));
            c2 = c2.add(x.mul(b[bi + j2]));
            c3 = c3.add(x.mul(b[bi + j3]));
            c4 = c4.add(x.mul(b[bi + j4]));
            c5 = c5.add(x.mul(b[bi + j5]));
        }
        c0.intoArray(t, t0); c1.intoArray(t, t1); c2.intoArray(t, t2);
        c3.intoArray(t, t3); c4.intoArray(t, t4); c5.intoArray(t, t5);
    }

    /**
     * G's rows [i0, i1) for nv whole vectors of fused columns, over A's rows [p0, p1): row i's chains at
     * t[lr + (i − i0)·ld + x] for column j0 + x, B's row p read in place from b0, A(p, i) broadcast. Each element's
     * chain is the same fused multiply-adds in k order as the kernels down the rows make: the same bits.
     */
    private static void rowsApart(int p0, int p1, int i0, int i1, float[] a, int aOff, int lda, float[] b, int b0, int ldb,
                                  int nv, float[] t, int lr, int ld) {
        int i = i0;
        for (; i + 2 <= i1; i += 2) {
            int r0 = lr + (i - i0) * ld, v = 0;
            // pairs of vectors, the last three together (a lone vector's chain waits on its own multiply-add)
            for (; v + 2 <= nv && v + 3 != nv; v += 2) rows2x2(p0, p1, a, aOff + i, lda, b, b0 + v * L, ldb, t, r0 + v * L, ld);
            if (v + 3 == nv) {
                rows2x3(p0, p1, a, aOff + i, lda, b, b0 + v * L, ldb, t, r0 + v * L, ld);
                v += 3;
            }
            for (; v < nv; v++) {
                rows1x1(p0, p1, a, aOff + i, lda, b, b0 + v * L, ldb, t, r0 + v * L);
                rows1x1(p0, p1, a, aOff + i + 1, lda, b, b0 + v * L, ldb, t, r0 + ld + v * L);
            }
        }
        for (; i < i1; i++) {
            for (int v = 0; v < nv; v++) rows1x1(p0, p1, a, aOff + i, lda, b, b0 + v * L, ldb, t, lr + (i - i0) * ld + v * L);
        }
    }

    /** Two of G's rows (A's columns a0 and a0 + 1) × two vectors of columns: row r's at t[r0 + r·ld]. */
    private static void rows2x2(int p0, int p1, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] t, int r0, int ld) {
        FloatVector c00 = FloatVector.fromArray(S, t, r0), c01 = FloatVector.fromArray(S, t, r0 + L);
        FloatVector c10 = FloatVector.fromArray(S, t, r0 + ld), c11 = FloatVector.fromArray(S, t, r0 + ld + L);
        int ai = a0 + p0 * lda, bi = b0 + p0 * ldb;
        for (int p = p0; p < p1; p++, ai += lda, bi += ldb) {
            FloatVector y0 = FloatVector.fromArray(S, b, bi), y1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
        }
        c00.intoArray(t, r0); c01.intoArray(t, r0 + L);
        c10.intoArray(t, r0 + ld); c11.intoArray(t, r0 + ld + L);
    }

    /** rows2x2 for three vectors of columns: six chains, where a pair and two lone vectors waited on their own. */
    private static void rows2x3(int p0, int p1, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] t, int r0, int ld) {
        FloatVector c00 = FloatVector.fromArray(S, t, r0), c01 = FloatVector.fromArray(S, t, r0 + L), c02 = FloatVector.fromArray(S, t, r0 + 2 * L);
        FloatVector c10 = FloatVector.fromArray(S, t, r0 + ld), c11 = FloatVector.fromArray(S, t, r0 + ld + L);
        FloatVector c12 = FloatVector.fromArray(S, t, r0 + ld + 2 * L);
        int ai = a0 + p0 * lda, bi = b0 + p0 * ldb;
        for (int p = p0; p < p1; p++, ai += lda, bi += ldb) {
            FloatVector y0 = FloatVector.fromArray(S, b, bi), y1 = FloatVector.fromArray(S, b, bi + L), y2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(y0, c00); c01 = x.fma(y1, c01); c02 = x.fma(y2, c02);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(y0, c10); c11 = x.fma(y1, c11); c12 = x.fma(y2, c12);
        }
        c00.intoArray(t, r0); c01.intoArray(t, r0 + L); c02.intoArray(t, r0 + 2 * L);
        c10.intoArray(t, r0 + ld); c11.intoArray(t, r0 + ld + L); c12.intoArray(t, r0 + ld + 2 * L);
    }

    private static void rows1x1(int p0, int p1, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] t, int r0) {
        FloatVector c = FloatVector.fromArray(S, t, r0);
        int ai = a0 + p0 * lda, bi = b0 + p0 * ldb;
        for (int p = p0; p < p1; p++, ai += lda, bi += ldb) {
            c = FloatVector.broadcast(S, a[ai]).fma(FloatVector.fromArray(S, b, bi), c);
        }
        c.intoArray(t, r0);
    }
}
