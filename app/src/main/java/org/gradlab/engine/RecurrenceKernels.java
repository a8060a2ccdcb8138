package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorRecurrence}'s micro-kernels: C(r, ·) (+)= Σ_p A(r, p)·B(p, ·) for a row tile of 8, 6 or 4 rows and
 * one or two vectors of columns, each element one chain in k order as {@link VectorGemm} computes it (fused in the
 * columns that fill whole vectors, multiply then add in the narrow last vector). Row r's A values sit at o_r + p;
 * B is padded to np columns; C row r at cb + r·ldc. Written out per shape on purpose: accumulators must be locals
 * to stay in registers — held in an array, JDK 17 boxes every vector.
 */
final class RecurrenceKernels {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L;

    private RecurrenceKernels() {}

    static void kernel6x2(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, float[] b, int np,
                                  int v, float[] c, int cb, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, cb); c01 = FloatVector.fromArray(S, c, cb + L);
            c10 = FloatVector.fromArray(S, c, cb + ldc); c11 = FloatVector.fromArray(S, c, cb + ldc + L);
            c20 = FloatVector.fromArray(S, c, cb + 2 * ldc); c21 = FloatVector.fromArray(S, c, cb + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, cb + 3 * ldc); c31 = FloatVector.fromArray(S, c, cb + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, cb + 4 * ldc); c41 = FloatVector.fromArray(S, c, cb + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, cb + 5 * ldc); c51 = FloatVector.fromArray(S, c, cb + 5 * ldc + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[o0 + p]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, a[o1 + p]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, a[o2 + p]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, a[o3 + p]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31);
            av = FloatVector.broadcast(S, a[o4 + p]);
            c40 = b0.fma(av, c40); c41 = b1.fma(av, c41);
            av = FloatVector.broadcast(S, a[o5 + p]);
            c50 = b0.fma(av, c50); c51 = b1.fma(av, c51);
        }
        c00.intoArray(c, cb); c01.intoArray(c, cb + L);
        c10.intoArray(c, cb + ldc); c11.intoArray(c, cb + ldc + L);
        c20.intoArray(c, cb + 2 * ldc); c21.intoArray(c, cb + 2 * ldc + L);
        c30.intoArray(c, cb + 3 * ldc); c31.intoArray(c, cb + 3 * ldc + L);
        c40.intoArray(c, cb + 4 * ldc); c41.intoArray(c, cb + 4 * ldc + L);
        c50.intoArray(c, cb + 5 * ldc); c51.intoArray(c, cb + 5 * ldc + L);
    }

    /**
     * kernel6x2 with two more rows, written out again on purpose (as the 8 × 1 kernels are): accumulators must be
     * locals to stay in registers — held in an array, JDK 17 boxes every vector.
     */
    static void kernel8x2(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
                                  float[] b, int np, int v, float[] c, int cb, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, cb); c01 = FloatVector.fromArray(S, c, cb + L);
            c10 = FloatVector.fromArray(S, c, cb + ldc); c11 = FloatVector.fromArray(S, c, cb + ldc + L);
            c20 = FloatVector.fromArray(S, c, cb + 2 * ldc); c21 = FloatVector.fromArray(S, c, cb + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, cb + 3 * ldc); c31 = FloatVector.fromArray(S, c, cb + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, cb + 4 * ldc); c41 = FloatVector.fromArray(S, c, cb + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, cb + 5 * ldc); c51 = FloatVector.fromArray(S, c, cb + 5 * ldc + L);
            c60 = FloatVector.fromArray(S, c, cb + 6 * ldc); c61 = FloatVector.fromArray(S, c, cb + 6 * ldc + L);
            c70 = FloatVector.fromArray(S, c, cb + 7 * ldc); c71 = FloatVector.fromArray(S, c, cb + 7 * ldc + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z;
            c60 = z; c61 = z; c70 = z; c71 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[o0 + p]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, a[o1 + p]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, a[o2 + p]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, a[o3 + p]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31);
            av = FloatVector.broadcast(S, a[o4 + p]);
            c40 = b0.fma(av, c40); c41 = b1.fma(av, c41);
            av = FloatVector.broadcast(S, a[o5 + p]);
            c50 = b0.fma(av, c50); c51 = b1.fma(av, c51);
            av = FloatVector.broadcast(S, a[o6 + p]);
            c60 = b0.fma(av, c60); c61 = b1.fma(av, c61);
            av = FloatVector.broadcast(S, a[o7 + p]);
            c70 = b0.fma(av, c70); c71 = b1.fma(av, c71);
        }
        c00.intoArray(c, cb); c01.intoArray(c, cb + L);
        c10.intoArray(c, cb + ldc); c11.intoArray(c, cb + ldc + L);
        c20.intoArray(c, cb + 2 * ldc); c21.intoArray(c, cb + 2 * ldc + L);
        c30.intoArray(c, cb + 3 * ldc); c31.intoArray(c, cb + 3 * ldc + L);
        c40.intoArray(c, cb + 4 * ldc); c41.intoArray(c, cb + 4 * ldc + L);
        c50.intoArray(c, cb + 5 * ldc); c51.intoArray(c, cb + 5 * ldc + L);
        c60.intoArray(c, cb + 6 * ldc); c61.intoArray(c, cb + 6 * ldc + L);
        c70.intoArray(c, cb + 7 * ldc); c71.intoArray(c, cb + 7 * ldc + L);
    }

    static void kernel8x1Fma(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
                                     float[] b, int np, int v, float[] c, int cb, int ldc, boolean acc) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, cb); c1 = FloatVector.fromArray(S, c, cb + ldc);
            c2 = FloatVector.fromArray(S, c, cb + 2 * ldc); c3 = FloatVector.fromArray(S, c, cb + 3 * ldc);
            c4 = FloatVector.fromArray(S, c, cb + 4 * ldc); c5 = FloatVector.fromArray(S, c, cb + 5 * ldc);
            c6 = FloatVector.fromArray(S, c, cb + 6 * ldc); c7 = FloatVector.fromArray(S, c, cb + 7 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z; c6 = z; c7 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = bv.fma(FloatVector.broadcast(S, a[o0 + p]), c0);
            c1 = bv.fma(FloatVector.broadcast(S, a[o1 + p]), c1);
            c2 = bv.fma(FloatVector.broadcast(S, a[o2 + p]), c2);
            c3 = bv.fma(FloatVector.broadcast(S, a[o3 + p]), c3);
            c4 = bv.fma(FloatVector.broadcast(S, a[o4 + p]), c4);
            c5 = bv.fma(FloatVector.broadcast(S, a[o5 + p]), c5);
            c6 = bv.fma(FloatVector.broadcast(S, a[o6 + p]), c6);
            c7 = bv.fma(FloatVector.broadcast(S, a[o7 + p]), c7);
        }
        c0.intoArray(c, cb); c1.intoArray(c, cb + ldc); c2.intoArray(c, cb + 2 * ldc);
        c3.intoArray(c, cb + 3 * ldc); c4.intoArray(c, cb + 4 * ldc); c5.intoArray(c, cb + 5 * ldc);
        c6.intoArray(c, cb + 6 * ldc); c7.intoArray(c, cb + 7 * ldc);
    }

    static void kernel8x1Mul(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
                                     float[] b, int np, int v, float[] c, int cb, int ldc, boolean acc) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, cb); c1 = FloatVector.fromArray(S, c, cb + ldc);
            c2 = FloatVector.fromArray(S, c, cb + 2 * ldc); c3 = FloatVector.fromArray(S, c, cb + 3 * ldc);
            c4 = FloatVector.fromArray(S, c, cb + 4 * ldc); c5 = FloatVector.fromArray(S, c, cb + 5 * ldc);
            c6 = FloatVector.fromArray(S, c, cb + 6 * ldc); c7 = FloatVector.fromArray(S, c, cb + 7 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z; c6 = z; c7 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = c0.add(bv.mul(a[o0 + p]));
            c1 = c1.add(bv.mul(a[o1 + p]));
            c2 = c2.add(bv.mul(a[o2 + p]));
            c3 = c3.add(bv.mul(a[o3 + p]));
            c4 = c4.add(bv.mul(a[o4 + p]));
            c5 = c5.add(bv.mul(a[o5 + p]));
            c6 = c6.add(bv.mul(a[o6 + p]));
            c7 = c7.add(bv.mul(a[o7 + p]));
        }
        c0.intoArray(c, cb); c1.intoArray(c, cb + ldc); c2.intoArray(c, cb + 2 * ldc);
        c3.intoArray(c, cb + 3 * ldc); c4.intoArray(c, cb + 4 * ldc); c5.intoArray(c, cb + 5 * ldc);
        c6.intoArray(c, cb + 6 * ldc); c7.intoArray(c, cb + 7 * ldc);
    }

    /**
     * One vector of columns: c = fma(a, b, c) in k order (Fma) or c + a·b rounded twice (Mul, VectorGemm's narrow
     * tail). One loop per method: with both, the method grew past C2's inlining budget and boxed its vectors.
     */
    static void kernel6x1Fma(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, float[] b, int np, int v, float[] c, int cb, int ldc, boolean acc) {
        FloatVector c0, c1, c2, c3, c4, c5;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, cb); c1 = FloatVector.fromArray(S, c, cb + ldc);
            c2 = FloatVector.fromArray(S, c, cb + 2 * ldc); c3 = FloatVector.fromArray(S, c, cb + 3 * ldc);
            c4 = FloatVector.fromArray(S, c, cb + 4 * ldc); c5 = FloatVector.fromArray(S, c, cb + 5 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = bv.fma(FloatVector.broadcast(S, a[o0 + p]), c0);
            c1 = bv.fma(FloatVector.broadcast(S, a[o1 + p]), c1);
            c2 = bv.fma(FloatVector.broadcast(S, a[o2 + p]), c2);
            c3 = bv.fma(FloatVector.broadcast(S, a[o3 + p]), c3);
            c4 = bv.fma(FloatVector.broadcast(S, a[o4 + p]), c4);
            c5 = bv.fma(FloatVector.broadcast(S, a[o5 + p]), c5);
        }
        c0.intoArray(c, cb); c1.intoArray(c, cb + ldc); c2.intoArray(c, cb + 2 * ldc);
        c3.intoArray(c, cb + 3 * ldc); c4.intoArray(c, cb + 4 * ldc); c5.intoArray(c, cb + 5 * ldc);
    }

    static void kernel6x1Mul(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, float[] b, int np, int v, float[] c, int cb, int ldc, boolean acc) {
        FloatVector c0, c1, c2, c3, c4, c5;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, cb); c1 = FloatVector.fromArray(S, c, cb + ldc);
            c2 = FloatVector.fromArray(S, c, cb + 2 * ldc); c3 = FloatVector.fromArray(S, c, cb + 3 * ldc);
            c4 = FloatVector.fromArray(S, c, cb + 4 * ldc); c5 = FloatVector.fromArray(S, c, cb + 5 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = c0.add(bv.mul(a[o0 + p]));
            c1 = c1.add(bv.mul(a[o1 + p]));
            c2 = c2.add(bv.mul(a[o2 + p]));
            c3 = c3.add(bv.mul(a[o3 + p]));
            c4 = c4.add(bv.mul(a[o4 + p]));
            c5 = c5.add(bv.mul(a[o5 + p]));
        }
        c0.intoArray(c, cb); c1.intoArray(c, cb + ldc); c2.intoArray(c, cb + 2 * ldc);
        c3.intoArray(c, cb + 3 * ldc); c4.intoArray(c, cb + 4 * ldc); c5.intoArray(c, cb + 5 * ldc);
    }

    static void kernel4x2(int k, float[] a, int o0, int o1, int o2, int o3, float[] b, int np, int v, float[] c, int cb, int ldc,
                                  boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, cb); c01 = FloatVector.fromArray(S, c, cb + L);
            c10 = FloatVector.fromArray(S, c, cb + ldc); c11 = FloatVector.fromArray(S, c, cb + ldc + L);
            c20 = FloatVector.fromArray(S, c, cb + 2 * ldc); c21 = FloatVector.fromArray(S, c, cb + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, cb + 3 * ldc); c31 = FloatVector.fromArray(S, c, cb + 3 * ldc + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[o0 + p]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, a[o1 + p]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, a[o2 + p]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, a[o3 + p]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31);
        }
        c00.intoArray(c, cb); c01.intoArray(c, cb + L);
        c10.intoArray(c, cb + ldc); c11.intoArray(c, cb + ldc + L);
        c20.intoArray(c, cb + 2 * ldc); c21.intoArray(c, cb + 2 * ldc + L);
        c30.intoArray(c, cb + 3 * ldc); c31.intoArray(c, cb + 3 * ldc + L);
    }

    static void kernel4x1Fma(int k, float[] a, int o0, int o1, int o2, int o3, float[] b, int np, int v, float[] c, int cb, int ldc,
                                     boolean acc) {
        FloatVector c0, c1, c2, c3;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, cb); c1 = FloatVector.fromArray(S, c, cb + ldc);
            c2 = FloatVector.fromArray(S, c, cb + 2 * ldc); c3 = FloatVector.fromArray(S, c, cb + 3 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = bv.fma(FloatVector.broadcast(S, a[o0 + p]), c0);
            c1 = bv.fma(FloatVector.broadcast(S, a[o1 + p]), c1);
            c2 = bv.fma(FloatVector.broadcast(S, a[o2 + p]), c2);
            c3 = bv.fma(FloatVector.broadcast(S, a[o3 + p]), c3);
        }
        c0.intoArray(c, cb); c1.intoArray(c, cb + ldc); c2.intoArray(c, cb + 2 * ldc); c3.intoArray(c, cb + 3 * ldc);
    }

    static void kernel4x1Mul(int k, float[] a, int o0, int o1, int o2, int o3, float[] b, int np, int v, float[] c, int cb, int ldc,
                                     boolean acc) {
        FloatVector c0, c1, c2, c3;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, cb); c1 = FloatVector.fromArray(S, c, cb + ldc);
            c2 = FloatVector.fromArray(S, c, cb + 2 * ldc); c3 = FloatVector.fromArray(S, c, cb + 3 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = c0.add(bv.mul(a[o0 + p]));
            c1 = c1.add(bv.mul(a[o1 + p]));
            c2 = c2.add(bv.mul(a[o2 + p]));
            c3 = c3.add(bv.mul(a[o3 + p]));
        }
        c0.intoArray(c, cb); c1.intoArray(c, cb + ldc); c2.intoArray(c, cb + 2 * ldc); c3.intoArray(c, cb + 3 * ldc);
    }

    /*
     * The last whole vector of columns (fused) beside the narrow one (multiply then add), sharing each row's
     * broadcast: two one-vector kernels loaded every A value twice and ran four or eight chains each, and a 50-unit
     * RNN's forward products took 110 µs where this takes 90 (batch 20, T = 100, one JVM). The narrow vector goes
     * to d at db + r·ldd, so the backward can sum it in a scratch tile while the whole vectors stay in place.
     */
    static void kernel8x2FM(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
                                  float[] b, int np, int v, float[] c, int cb, int ldc, float[] d, int db, int ldd, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, cb); c01 = FloatVector.fromArray(S, d, db);
            c10 = FloatVector.fromArray(S, c, cb + ldc); c11 = FloatVector.fromArray(S, d, db + ldd);
            c20 = FloatVector.fromArray(S, c, cb + 2 * ldc); c21 = FloatVector.fromArray(S, d, db + 2 * ldd);
            c30 = FloatVector.fromArray(S, c, cb + 3 * ldc); c31 = FloatVector.fromArray(S, d, db + 3 * ldd);
            c40 = FloatVector.fromArray(S, c, cb + 4 * ldc); c41 = FloatVector.fromArray(S, d, db + 4 * ldd);
            c50 = FloatVector.fromArray(S, c, cb + 5 * ldc); c51 = FloatVector.fromArray(S, d, db + 5 * ldd);
            c60 = FloatVector.fromArray(S, c, cb + 6 * ldc); c61 = FloatVector.fromArray(S, d, db + 6 * ldd);
            c70 = FloatVector.fromArray(S, c, cb + 7 * ldc); c71 = FloatVector.fromArray(S, d, db + 7 * ldd);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z;
            c60 = z; c61 = z; c70 = z; c71 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[o0 + p]);
            c00 = b0.fma(av, c00); c01 = c01.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o1 + p]);
            c10 = b0.fma(av, c10); c11 = c11.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o2 + p]);
            c20 = b0.fma(av, c20); c21 = c21.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o3 + p]);
            c30 = b0.fma(av, c30); c31 = c31.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o4 + p]);
            c40 = b0.fma(av, c40); c41 = c41.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o5 + p]);
            c50 = b0.fma(av, c50); c51 = c51.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o6 + p]);
            c60 = b0.fma(av, c60); c61 = c61.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o7 + p]);
            c70 = b0.fma(av, c70); c71 = c71.add(b1.mul(av));
        }
        c00.intoArray(c, cb); c01.intoArray(d, db);
        c10.intoArray(c, cb + ldc); c11.intoArray(d, db + ldd);
        c20.intoArray(c, cb + 2 * ldc); c21.intoArray(d, db + 2 * ldd);
        c30.intoArray(c, cb + 3 * ldc); c31.intoArray(d, db + 3 * ldd);
        c40.intoArray(c, cb + 4 * ldc); c41.intoArray(d, db + 4 * ldd);
        c50.intoArray(c, cb + 5 * ldc); c51.intoArray(d, db + 5 * ldd);
        c60.intoArray(c, cb + 6 * ldc); c61.intoArray(d, db + 6 * ldd);
        c70.intoArray(c, cb + 7 * ldc); c71.intoArray(d, db + 7 * ldd);
    }
    static void kernel6x2FM(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, float[] b, int np,
                                  int v, float[] c, int cb, int ldc, float[] d, int db, int ldd, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, cb); c01 = FloatVector.fromArray(S, d, db);
            c10 = FloatVector.fromArray(S, c, cb + ldc); c11 = FloatVector.fromArray(S, d, db + ldd);
            c20 = FloatVector.fromArray(S, c, cb + 2 * ldc); c21 = FloatVector.fromArray(S, d, db + 2 * ldd);
            c30 = FloatVector.fromArray(S, c, cb + 3 * ldc); c31 = FloatVector.fromArray(S, d, db + 3 * ldd);
            c40 = FloatVector.fromArray(S, c, cb + 4 * ldc); c41 = FloatVector.fromArray(S, d, db + 4 * ldd);
            c50 = FloatVector.fromArray(S, c, cb + 5 * ldc); c51 = FloatVector.fromArray(S, d, db + 5 * ldd);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[o0 + p]);
            c00 = b0.fma(av, c00); c01 = c01.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o1 + p]);
            c10 = b0.fma(av, c10); c11 = c11.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o2 + p]);
            c20 = b0.fma(av, c20); c21 = c21.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o3 + p]);
            c30 = b0.fma(av, c30); c31 = c31.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o4 + p]);
            c40 = b0.fma(av, c40); c41 = c41.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o5 + p]);
            c50 = b0.fma(av, c50); c51 = c51.add(b1.mul(av));
        }
        c00.intoArray(c, cb); c01.intoArray(d, db);
        c10.intoArray(c, cb + ldc); c11.intoArray(d, db + ldd);
        c20.intoArray(c, cb + 2 * ldc); c21.intoArray(d, db + 2 * ldd);
        c30.intoArray(c, cb + 3 * ldc); c31.intoArray(d, db + 3 * ldd);
        c40.intoArray(c, cb + 4 * ldc); c41.intoArray(d, db + 4 * ldd);
        c50.intoArray(c, cb + 5 * ldc); c51.intoArray(d, db + 5 * ldd);
    }
    static void kernel4x2FM(int k, float[] a, int o0, int o1, int o2, int o3, float[] b, int np, int v, float[] c, int cb, int ldc, float[] d, int db, int ldd,
                                  boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, cb); c01 = FloatVector.fromArray(S, d, db);
            c10 = FloatVector.fromArray(S, c, cb + ldc); c11 = FloatVector.fromArray(S, d, db + ldd);
            c20 = FloatVector.fromArray(S, c, cb + 2 * ldc); c21 = FloatVector.fromArray(S, d, db + 2 * ldd);
            c30 = FloatVector.fromArray(S, c, cb + 3 * ldc); c31 = FloatVector.fromArray(S, d, db + 3 * ldd);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[o0 + p]);
            c00 = b0.fma(av, c00); c01 = c01.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o1 + p]);
            c10 = b0.fma(av, c10); c11 = c11.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o2 + p]);
            c20 = b0.fma(av, c20); c21 = c21.add(b1.mul(av));
            av = FloatVector.broadcast(S, a[o3 + p]);
            c30 = b0.fma(av, c30); c31 = c31.add(b1.mul(av));
        }
        c00.intoArray(c, cb); c01.intoArray(d, db);
        c10.intoArray(c, cb + ldc); c11.intoArray(d, db + ldd);
        c20.intoArray(c, cb + 2 * ldc); c21.intoArray(d, db + 2 * ldd);
        c30.intoArray(c, cb + 3 * ldc); c31.intoArray(d, db + 3 * ldd);
    }

    /**
     * Five rows by four vectors, three fused and the narrow last one a multiply then an add: a whole padded row of a
     * 49- to 63-unit layer a call (20 accumulators, four B vectors and a broadcast of 32 registers), so a batch of 20
     * runs as four equal tiles, not 8 + 8 + 4 rows of two calls each (see {@link VectorRecurrence#fiveRowTiles}).
     */
    static void kernel5x4FM(int k, float[] a, int o0, int o1, int o2, int o3, int o4, float[] b, int np,
                            float[] c, int cb, int ldc, float[] d, int db, int ldd, boolean acc) {
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33, c40, c41, c42, c43;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, cb); c01 = FloatVector.fromArray(S, c, cb + L); c02 = FloatVector.fromArray(S, c, cb + 2 * L); c03 = FloatVector.fromArray(S, d, db);
            int r = cb + ldc, q = db + ldd;
            c10 = FloatVector.fromArray(S, c, r); c11 = FloatVector.fromArray(S, c, r + L); c12 = FloatVector.fromArray(S, c, r + 2 * L); c13 = FloatVector.fromArray(S, d, q);
            r += ldc; q += ldd;
            c20 = FloatVector.fromArray(S, c, r); c21 = FloatVector.fromArray(S, c, r + L); c22 = FloatVector.fromArray(S, c, r + 2 * L); c23 = FloatVector.fromArray(S, d, q);
            r += ldc; q += ldd;
            c30 = FloatVector.fromArray(S, c, r); c31 = FloatVector.fromArray(S, c, r + L); c32 = FloatVector.fromArray(S, c, r + 2 * L); c33 = FloatVector.fromArray(S, d, q);
            r += ldc; q += ldd;
            c40 = FloatVector.fromArray(S, c, r); c41 = FloatVector.fromArray(S, c, r + L); c42 = FloatVector.fromArray(S, c, r + 2 * L); c43 = FloatVector.fromArray(S, d, q);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c02 = z; c03 = z; c10 = z; c11 = z; c12 = z; c13 = z; c20 = z; c21 = z; c22 = z; c23 = z;
            c30 = z; c31 = z; c32 = z; c33 = z; c40 = z; c41 = z; c42 = z; c43 = z;
        }
        for (int p = 0, bi = 0; p < k; p++, bi += np) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L), b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector av = FloatVector.broadcast(S, a[o0 + p]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01); c02 = b2.fma(av, c02); c03 = c03.add(b3.mul(av));
            av = FloatVector.broadcast(S, a[o1 + p]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11); c12 = b2.fma(av, c12); c13 = c13.add(b3.mul(av));
            av = FloatVector.broadcast(S, a[o2 + p]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21); c22 = b2.fma(av, c22); c23 = c23.add(b3.mul(av));
            av = FloatVector.broadcast(S, a[o3 + p]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31); c32 = b2.fma(av, c32); c33 = c33.add(b3.mul(av));
            av = FloatVector.broadcast(S, a[o4 + p]);
            c40 = b0.fma(av, c40); c41 = b1.fma(av, c41); c42 = b2.fma(av, c42); c43 = c43.add(b3.mul(av));
        }
        c00.intoArray(c, cb); c01.intoArray(c, cb + L); c02.intoArray(c, cb + 2 * L); c03.intoArray(d, db);
        int r = cb + ldc, q = db + ldd;
        c10.intoArray(c, r); c11.intoArray(c, r + L); c12.intoArray(c, r + 2 * L); c13.intoArray(d, q);
        r += ldc; q += ldd;
        c20.intoArray(c, r); c21.intoArray(c, r + L); c22.intoArray(c, r + 2 * L); c23.intoArray(d, q);
        r += ldc; q += ldd;
        c30.intoArray(c, r); c31.intoArray(c, r + L); c32.intoArray(c, r + 2 * L); c33.intoArray(d, q);
        r += ldc; q += ldd;
        c40.intoArray(c, r); c41.intoArray(c, r + L); c42.intoArray(c, r + 2 * L); c43.intoArray(d, q);
    }
}
