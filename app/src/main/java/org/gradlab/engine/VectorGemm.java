package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked Vector-API GEMM, C[M, n0..n1) (+)= A·B (see {@link Backend#gemm}): tiles of 4 rows × 4
 * vectors keep 16 accumulators in registers while A is broadcast a scalar at a time, so any A stride
 * (plain or transposed) costs the same. B is read row by row along N, which is why weights are transposed
 * once per step rather than read across rows.
 */
final class VectorGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private VectorGemm() {}

    static String describe() {
        return S.vectorBitSize() + "-bit, " + L + " floats";
    }

    static void gemm(int m, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean acc, int n0, int n1) {
        int j = n0;
        for (; j + 4 * L <= n1; j += 4 * L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) tile4x4(k, a, aOff + i * ars, ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, acc);
            for (; i < m; i++) row1x4(k, a, aOff + i * ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, acc);
        }
        for (; j + L <= n1; j += L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) tile4x1(k, a, aOff + i * ars, ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, acc);
            for (; i < m; i++) row1x1(k, a, aOff + i * ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, acc, S.maskAll(true));
        }
        if (j < n1) {
            VectorMask<Float> mask = S.indexInRange(0, n1 - j);
            for (int i = 0; i < m; i++) row1x1(k, a, aOff + i * ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, acc, mask);
        }
    }

    private static void tile4x4(int k, float[] a, int a0, int ars, int acs, float[] b, int b0, int ldb,
                                float[] c, int c0, int ldc, boolean acc) {
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, c0); c01 = FloatVector.fromArray(S, c, c0 + L);
            c02 = FloatVector.fromArray(S, c, c0 + 2 * L); c03 = FloatVector.fromArray(S, c, c0 + 3 * L);
            c10 = FloatVector.fromArray(S, c, c0 + ldc); c11 = FloatVector.fromArray(S, c, c0 + ldc + L);
            c12 = FloatVector.fromArray(S, c, c0 + ldc + 2 * L); c13 = FloatVector.fromArray(S, c, c0 + ldc + 3 * L);
            c20 = FloatVector.fromArray(S, c, c0 + 2 * ldc); c21 = FloatVector.fromArray(S, c, c0 + 2 * ldc + L);
            c22 = FloatVector.fromArray(S, c, c0 + 2 * ldc + 2 * L); c23 = FloatVector.fromArray(S, c, c0 + 2 * ldc + 3 * L);
            c30 = FloatVector.fromArray(S, c, c0 + 3 * ldc); c31 = FloatVector.fromArray(S, c, c0 + 3 * ldc + L);
            c32 = FloatVector.fromArray(S, c, c0 + 3 * ldc + 2 * L); c33 = FloatVector.fromArray(S, c, c0 + 3 * ldc + 3 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c02 = z; c03 = z; c10 = z; c11 = z; c12 = z; c13 = z;
            c20 = z; c21 = z; c22 = z; c23 = z; c30 = z; c31 = z; c32 = z; c33 = z;
        }
        int ap = a0, bp = b0;
        for (int p = 0; p < k; p++, ap += acs, bp += ldb) {
            FloatVector b0v = FloatVector.fromArray(S, b, bp);
            FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2v = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b3v = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = b0v.fma(av, c00); c01 = b1v.fma(av, c01); c02 = b2v.fma(av, c02); c03 = b3v.fma(av, c03);
            av = FloatVector.broadcast(S, a[ap + ars]);
            c10 = b0v.fma(av, c10); c11 = b1v.fma(av, c11); c12 = b2v.fma(av, c12); c13 = b3v.fma(av, c13);
            av = FloatVector.broadcast(S, a[ap + 2 * ars]);
            c20 = b0v.fma(av, c20); c21 = b1v.fma(av, c21); c22 = b2v.fma(av, c22); c23 = b3v.fma(av, c23);
            av = FloatVector.broadcast(S, a[ap + 3 * ars]);
            c30 = b0v.fma(av, c30); c31 = b1v.fma(av, c31); c32 = b2v.fma(av, c32); c33 = b3v.fma(av, c33);
        }
        c00.intoArray(c, c0); c01.intoArray(c, c0 + L); c02.intoArray(c, c0 + 2 * L); c03.intoArray(c, c0 + 3 * L);
        c10.intoArray(c, c0 + ldc); c11.intoArray(c, c0 + ldc + L); c12.intoArray(c, c0 + ldc + 2 * L); c13.intoArray(c, c0 + ldc + 3 * L);
        c20.intoArray(c, c0 + 2 * ldc); c21.intoArray(c, c0 + 2 * ldc + L); c22.intoArray(c, c0 + 2 * ldc + 2 * L); c23.intoArray(c, c0 + 2 * ldc + 3 * L);
        c30.intoArray(c, c0 + 3 * ldc); c31.intoArray(c, c0 + 3 * ldc + L); c32.intoArray(c, c0 + 3 * ldc + 2 * L); c33.intoArray(c, c0 + 3 * ldc + 3 * L);
    }

    private static void row1x4(int k, float[] a, int a0, int acs, float[] b, int b0, int ldb,
                               float[] c, int c0, boolean acc) {
        FloatVector c0v, c1v, c2v, c3v;
        if (acc) {
            c0v = FloatVector.fromArray(S, c, c0); c1v = FloatVector.fromArray(S, c, c0 + L);
            c2v = FloatVector.fromArray(S, c, c0 + 2 * L); c3v = FloatVector.fromArray(S, c, c0 + 3 * L);
        } else {
            c0v = FloatVector.zero(S); c1v = c0v; c2v = c0v; c3v = c0v;
        }
        int ap = a0, bp = b0;
        for (int p = 0; p < k; p++, ap += acs, bp += ldb) {
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c0v = FloatVector.fromArray(S, b, bp).fma(av, c0v);
            c1v = FloatVector.fromArray(S, b, bp + L).fma(av, c1v);
            c2v = FloatVector.fromArray(S, b, bp + 2 * L).fma(av, c2v);
            c3v = FloatVector.fromArray(S, b, bp + 3 * L).fma(av, c3v);
        }
        c0v.intoArray(c, c0); c1v.intoArray(c, c0 + L); c2v.intoArray(c, c0 + 2 * L); c3v.intoArray(c, c0 + 3 * L);
    }

    private static void tile4x1(int k, float[] a, int a0, int ars, int acs, float[] b, int b0, int ldb,
                                float[] c, int c0, int ldc, boolean acc) {
        FloatVector r0, r1, r2, r3;
        if (acc) {
            r0 = FloatVector.fromArray(S, c, c0); r1 = FloatVector.fromArray(S, c, c0 + ldc);
            r2 = FloatVector.fromArray(S, c, c0 + 2 * ldc); r3 = FloatVector.fromArray(S, c, c0 + 3 * ldc);
        } else {
            r0 = FloatVector.zero(S); r1 = r0; r2 = r0; r3 = r0;
        }
        int ap = a0, bp = b0;
        for (int p = 0; p < k; p++, ap += acs, bp += ldb) {
            FloatVector bv = FloatVector.fromArray(S, b, bp);
            r0 = bv.fma(FloatVector.broadcast(S, a[ap]), r0);
            r1 = bv.fma(FloatVector.broadcast(S, a[ap + ars]), r1);
            r2 = bv.fma(FloatVector.broadcast(S, a[ap + 2 * ars]), r2);
            r3 = bv.fma(FloatVector.broadcast(S, a[ap + 3 * ars]), r3);
        }
        r0.intoArray(c, c0); r1.intoArray(c, c0 + ldc); r2.intoArray(c, c0 + 2 * ldc); r3.intoArray(c, c0 + 3 * ldc);
    }

    private static void row1x1(int k, float[] a, int a0, int acs, float[] b, int b0, int ldb,
                               float[] c, int c0, boolean acc, VectorMask<Float> mask) {
        FloatVector r = acc ? FloatVector.fromArray(S, c, c0, mask) : FloatVector.zero(S);
        int ap = a0, bp = b0;
        for (int p = 0; p < k; p++, ap += acs, bp += ldb) {
            r = FloatVector.fromArray(S, b, bp, mask).fma(FloatVector.broadcast(S, a[ap]), r);
        }
        r.intoArray(c, c0, mask);
    }
}
