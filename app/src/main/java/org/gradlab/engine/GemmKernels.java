package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorGemm}'s micro-kernels: C(r, ·) (+)= Σ_p A(r, p)·B(p, ·) for a tile of 6 or 8 rows and two vectors of
 * columns (one vector: the columns past the last strip), each element one chain in k order from C (or zero). Written
 * out per shape and per way of reading A on purpose: the accumulators must be locals to stay in registers — held in
 * an array, JDK 17 boxes every vector.
 */
final class GemmKernels {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L, NR = VectorGemm.NR, MC = VectorGemm.MC;

    private GemmKernels() {}

    /** Six rows of C, two vectors wide: A(r, p) = a[a0 + r·ars + p·acs]. */
    static void kernel6x2(int kc, float[] a, int a0, int ars, int acs, float[] b, int b0, int ldb, float[] c, int c0,
                                  int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (acc) {
            int r = c0;
            c00 = FloatVector.fromArray(S, c, r); c01 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c10 = FloatVector.fromArray(S, c, r); c11 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c20 = FloatVector.fromArray(S, c, r); c21 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c30 = FloatVector.fromArray(S, c, r); c31 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c40 = FloatVector.fromArray(S, c, r); c41 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c50 = FloatVector.fromArray(S, c, r); c51 = FloatVector.fromArray(S, c, r + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z;
        }
        int r1 = ars, r2 = 2 * ars, r3 = 3 * ars, r4 = 4 * ars, r5 = 5 * ars;
        int ai = a0, bp = b0;
        for (int p = 0; p < kc; p++, ai += acs, bp += ldb) {
            FloatVector b0v = FloatVector.fromArray(S, b, bp);
            FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = b0v.fma(av, c00); c01 = b1v.fma(av, c01);
            av = FloatVector.broadcast(S, a[ai + r1]);
            c10 = b0v.fma(av, c10); c11 = b1v.fma(av, c11);
            av = FloatVector.broadcast(S, a[ai + r2]);
            c20 = b0v.fma(av, c20); c21 = b1v.fma(av, c21);
            av = FloatVector.broadcast(S, a[ai + r3]);
            c30 = b0v.fma(av, c30); c31 = b1v.fma(av, c31);
            av = FloatVector.broadcast(S, a[ai + r4]);
            c40 = b0v.fma(av, c40); c41 = b1v.fma(av, c41);
            av = FloatVector.broadcast(S, a[ai + r5]);
            c50 = b0v.fma(av, c50); c51 = b1v.fma(av, c51);
        }
        int r = c0;
        c00.intoArray(c, r); c01.intoArray(c, r + L); r += ldc;
        c10.intoArray(c, r); c11.intoArray(c, r + L); r += ldc;
        c20.intoArray(c, r); c21.intoArray(c, r + L); r += ldc;
        c30.intoArray(c, r); c31.intoArray(c, r + L); r += ldc;
        c40.intoArray(c, r); c41.intoArray(c, r + L); r += ldc;
        c50.intoArray(c, r); c51.intoArray(c, r + L);
    }

    /**
     * Eight rows of C, two vectors wide (needs 32 vector registers): A(r, p) = a[a0 + r·ars + p·acs]. kernel6x2's
     * twin with two more rows, written out again on purpose (as kernel8x1 is kernel6x1's): the accumulators must be
     * locals to stay in registers — held in an array, JDK 17 boxes every vector.
     */
    static void kernel8x2(int kc, float[] a, int a0, int ars, int acs, float[] b, int b0, int ldb, float[] c, int c0,
                                  int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (acc) {
            int r = c0;
            c00 = FloatVector.fromArray(S, c, r); c01 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c10 = FloatVector.fromArray(S, c, r); c11 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c20 = FloatVector.fromArray(S, c, r); c21 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c30 = FloatVector.fromArray(S, c, r); c31 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c40 = FloatVector.fromArray(S, c, r); c41 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c50 = FloatVector.fromArray(S, c, r); c51 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c60 = FloatVector.fromArray(S, c, r); c61 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c70 = FloatVector.fromArray(S, c, r); c71 = FloatVector.fromArray(S, c, r + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
            c40 = z; c41 = z; c50 = z; c51 = z; c60 = z; c61 = z; c70 = z; c71 = z;
        }
        int r1 = ars, r2 = 2 * ars, r3 = 3 * ars, r4 = 4 * ars, r5 = 5 * ars, r6 = 6 * ars, r7 = 7 * ars;
        int ai = a0, bp = b0;
        for (int p = 0; p < kc; p++, ai += acs, bp += ldb) {
            FloatVector b0v = FloatVector.fromArray(S, b, bp);
            FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = b0v.fma(av, c00); c01 = b1v.fma(av, c01);
            av = FloatVector.broadcast(S, a[ai + r1]);
            c10 = b0v.fma(av, c10); c11 = b1v.fma(av, c11);
            av = FloatVector.broadcast(S, a[ai + r2]);
            c20 = b0v.fma(av, c20); c21 = b1v.fma(av, c21);
            av = FloatVector.broadcast(S, a[ai + r3]);
            c30 = b0v.fma(av, c30); c31 = b1v.fma(av, c31);
            av = FloatVector.broadcast(S, a[ai + r4]);
            c40 = b0v.fma(av, c40); c41 = b1v.fma(av, c41);
            av = FloatVector.broadcast(S, a[ai + r5]);
            c50 = b0v.fma(av, c50); c51 = b1v.fma(av, c51);
            av = FloatVector.broadcast(S, a[ai + r6]);
            c60 = b0v.fma(av, c60); c61 = b1v.fma(av, c61);
            av = FloatVector.broadcast(S, a[ai + r7]);
            c70 = b0v.fma(av, c70); c71 = b1v.fma(av, c71);
        }
        int r = c0;
        c00.intoArray(c, r); c01.intoArray(c, r + L); r += ldc;
        c10.intoArray(c, r); c11.intoArray(c, r + L); r += ldc;
        c20.intoArray(c, r); c21.intoArray(c, r + L); r += ldc;
        c30.intoArray(c, r); c31.intoArray(c, r + L); r += ldc;
        c40.intoArray(c, r); c41.intoArray(c, r + L); r += ldc;
        c50.intoArray(c, r); c51.intoArray(c, r + L); r += ldc;
        c60.intoArray(c, r); c61.intoArray(c, r + L); r += ldc;
        c70.intoArray(c, r); c71.intoArray(c, r + L);
    }

    /**
     * kernel8x2 for an A whose rows lie next to each other (ars 1: a transposed A, a weight gradient's Gᵀ, or a
     * packed panel), its eight values at constant offsets from one index. With eight offsets held in registers,
     * C2 checked each read on its own and kept an offset on the stack (objdump): ~4 integer operations per
     * broadcast. Here the eight reads share one check. Both kernels in one JVM, one thread: 512 × 128 × 2,048
     * 1,652-1,864 against 1,989-2,291 µs, 128 × 512 × 2,048 1,725-1,733 against 2,109-2,112, 1,024 × 256 × 2,048
     * 6,864-7,087 against 7,853-8,118, 384 × 128 × 2,048 1,140-1,235 against 1,419-1,489. Written out again on
     * purpose, as kernel8x2 is kernel6x2's twin.
     */
    static void kernel8x2T(int kc, float[] a, int a0, int acs, float[] b, int b0, int ldb, float[] c, int c0,
                                  int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (acc) {
            int r = c0;
            c00 = FloatVector.fromArray(S, c, r); c01 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c10 = FloatVector.fromArray(S, c, r); c11 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c20 = FloatVector.fromArray(S, c, r); c21 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c30 = FloatVector.fromArray(S, c, r); c31 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c40 = FloatVector.fromArray(S, c, r); c41 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c50 = FloatVector.fromArray(S, c, r); c51 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c60 = FloatVector.fromArray(S, c, r); c61 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c70 = FloatVector.fromArray(S, c, r); c71 = FloatVector.fromArray(S, c, r + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
            c40 = z; c41 = z; c50 = z; c51 = z; c60 = z; c61 = z; c70 = z; c71 = z;
        }
        int ai = a0, bp = b0;
        for (int p = 0; p < kc; p++, ai += acs, bp += ldb) {
            FloatVector b0v = FloatVector.fromArray(S, b, bp);
            FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = b0v.fma(av, c00); c01 = b1v.fma(av, c01);
            av = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0v.fma(av, c10); c11 = b1v.fma(av, c11);
            av = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0v.fma(av, c20); c21 = b1v.fma(av, c21);
            av = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0v.fma(av, c30); c31 = b1v.fma(av, c31);
            av = FloatVector.broadcast(S, a[ai + 4]);
            c40 = b0v.fma(av, c40); c41 = b1v.fma(av, c41);
            av = FloatVector.broadcast(S, a[ai + 5]);
            c50 = b0v.fma(av, c50); c51 = b1v.fma(av, c51);
            av = FloatVector.broadcast(S, a[ai + 6]);
            c60 = b0v.fma(av, c60); c61 = b1v.fma(av, c61);
            av = FloatVector.broadcast(S, a[ai + 7]);
            c70 = b0v.fma(av, c70); c71 = b1v.fma(av, c71);
        }
        int r = c0;
        c00.intoArray(c, r); c01.intoArray(c, r + L); r += ldc;
        c10.intoArray(c, r); c11.intoArray(c, r + L); r += ldc;
        c20.intoArray(c, r); c21.intoArray(c, r + L); r += ldc;
        c30.intoArray(c, r); c31.intoArray(c, r + L); r += ldc;
        c40.intoArray(c, r); c41.intoArray(c, r + L); r += ldc;
        c50.intoArray(c, r); c51.intoArray(c, r + L); r += ldc;
        c60.intoArray(c, r); c61.intoArray(c, r + L); r += ldc;
        c70.intoArray(c, r); c71.intoArray(c, r + L);
    }

    /**
     * kernel8x2 for a row-major A (acs = 1) and a packed strip of B: A(r, p) = a[o_r + p], B(p, ·) at b0 + p·NR.
     * Each read's index is the loop's counter times a constant plus an invariant, so C2 checks the bounds once,
     * before the loop; kernel8x2, with its strides passed in, checked each of the ten reads every step and kept an
     * offset on the stack (objdump: ~40 integer operations beside the 16 multiply-adds, as many as the core retires
     * in the multiply-adds' time). A recurrence's product (h_t·W_hh) and a layer's forward products take it.
     * Written out again on purpose, as kernel8x2T is kernel8x2's twin.
     */
    static void kernel8x2R(int kc, float[] a, int a0, int ars, float[] b, int b0, float[] c, int c0, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (acc) {
            int r = c0;
            c00 = FloatVector.fromArray(S, c, r); c01 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c10 = FloatVector.fromArray(S, c, r); c11 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c20 = FloatVector.fromArray(S, c, r); c21 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c30 = FloatVector.fromArray(S, c, r); c31 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c40 = FloatVector.fromArray(S, c, r); c41 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c50 = FloatVector.fromArray(S, c, r); c51 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c60 = FloatVector.fromArray(S, c, r); c61 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c70 = FloatVector.fromArray(S, c, r); c71 = FloatVector.fromArray(S, c, r + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
            c40 = z; c41 = z; c50 = z; c51 = z; c60 = z; c61 = z; c70 = z; c71 = z;
        }
        int o0 = a0, o1 = o0 + ars, o2 = o1 + ars, o3 = o2 + ars, o4 = o3 + ars, o5 = o4 + ars, o6 = o5 + ars, o7 = o6 + ars;
        for (int p = 0; p < kc; p++) {
            int bp = b0 + p * NR;
            FloatVector b0v = FloatVector.fromArray(S, b, bp);
            FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[o0 + p]);
            c00 = b0v.fma(av, c00); c01 = b1v.fma(av, c01);
            av = FloatVector.broadcast(S, a[o1 + p]);
            c10 = b0v.fma(av, c10); c11 = b1v.fma(av, c11);
            av = FloatVector.broadcast(S, a[o2 + p]);
            c20 = b0v.fma(av, c20); c21 = b1v.fma(av, c21);
            av = FloatVector.broadcast(S, a[o3 + p]);
            c30 = b0v.fma(av, c30); c31 = b1v.fma(av, c31);
            av = FloatVector.broadcast(S, a[o4 + p]);
            c40 = b0v.fma(av, c40); c41 = b1v.fma(av, c41);
            av = FloatVector.broadcast(S, a[o5 + p]);
            c50 = b0v.fma(av, c50); c51 = b1v.fma(av, c51);
            av = FloatVector.broadcast(S, a[o6 + p]);
            c60 = b0v.fma(av, c60); c61 = b1v.fma(av, c61);
            av = FloatVector.broadcast(S, a[o7 + p]);
            c70 = b0v.fma(av, c70); c71 = b1v.fma(av, c71);
        }
        int r = c0;
        c00.intoArray(c, r); c01.intoArray(c, r + L); r += ldc;
        c10.intoArray(c, r); c11.intoArray(c, r + L); r += ldc;
        c20.intoArray(c, r); c21.intoArray(c, r + L); r += ldc;
        c30.intoArray(c, r); c31.intoArray(c, r + L); r += ldc;
        c40.intoArray(c, r); c41.intoArray(c, r + L); r += ldc;
        c50.intoArray(c, r); c51.intoArray(c, r + L); r += ldc;
        c60.intoArray(c, r); c61.intoArray(c, r + L); r += ldc;
        c70.intoArray(c, r); c71.intoArray(c, r + L);
    }

    /**
     * kernel8x2T over a block from {@link #packBlock} and a packed strip of B: A(r, p) = a[a0 + p·MC + r] and
     * B(p, ·) at b0 + p·NR, both strides constants, so that C2 moves the reads' bounds checks out of the loop (with
     * strides passed in it checked three reads a step and reloaded two strides from the stack). Written out again on
     * purpose, as kernel8x2T is kernel8x2's twin.
     */
    static void kernel8x2P(int kc, float[] a, int a0, float[] b, int b0, float[] c, int c0,
                                  int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (acc) {
            int r = c0;
            c00 = FloatVector.fromArray(S, c, r); c01 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c10 = FloatVector.fromArray(S, c, r); c11 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c20 = FloatVector.fromArray(S, c, r); c21 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c30 = FloatVector.fromArray(S, c, r); c31 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c40 = FloatVector.fromArray(S, c, r); c41 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c50 = FloatVector.fromArray(S, c, r); c51 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c60 = FloatVector.fromArray(S, c, r); c61 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c70 = FloatVector.fromArray(S, c, r); c71 = FloatVector.fromArray(S, c, r + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
            c40 = z; c41 = z; c50 = z; c51 = z; c60 = z; c61 = z; c70 = z; c71 = z;
        }
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * MC, bp = b0 + p * NR; // constant strides: C2 checks the bounds once, before the loop
            FloatVector b0v = FloatVector.fromArray(S, b, bp);
            FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = b0v.fma(av, c00); c01 = b1v.fma(av, c01);
            av = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0v.fma(av, c10); c11 = b1v.fma(av, c11);
            av = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0v.fma(av, c20); c21 = b1v.fma(av, c21);
            av = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0v.fma(av, c30); c31 = b1v.fma(av, c31);
            av = FloatVector.broadcast(S, a[ai + 4]);
            c40 = b0v.fma(av, c40); c41 = b1v.fma(av, c41);
            av = FloatVector.broadcast(S, a[ai + 5]);
            c50 = b0v.fma(av, c50); c51 = b1v.fma(av, c51);
            av = FloatVector.broadcast(S, a[ai + 6]);
            c60 = b0v.fma(av, c60); c61 = b1v.fma(av, c61);
            av = FloatVector.broadcast(S, a[ai + 7]);
            c70 = b0v.fma(av, c70); c71 = b1v.fma(av, c71);
        }
        int r = c0;
        c00.intoArray(c, r); c01.intoArray(c, r + L); r += ldc;
        c10.intoArray(c, r); c11.intoArray(c, r + L); r += ldc;
        c20.intoArray(c, r); c21.intoArray(c, r + L); r += ldc;
        c30.intoArray(c, r); c31.intoArray(c, r + L); r += ldc;
        c40.intoArray(c, r); c41.intoArray(c, r + L); r += ldc;
        c50.intoArray(c, r); c51.intoArray(c, r + L); r += ldc;
        c60.intoArray(c, r); c61.intoArray(c, r + L); r += ldc;
        c70.intoArray(c, r); c71.intoArray(c, r + L);
    }

    /**
     * kernel8x2P for twelve rows (24 accumulators, two B vectors and a broadcast of 32 registers): a whole copied
     * block of 96 rows is eight tiles, not twelve. Per multiply-add there is less loop around it — on a Xeon with
     * AVX-512 (one JVM, a block of 96 × 384 against 16 strips) 8 rows ran at 68% of the one-core peak, 12 at 74-77% —
     * and each element's chain is the same fused multiply-adds in k order, so the same bits. Written out again on
     * purpose, as kernel8x2T is kernel8x2's twin.
     */
    static void kernel12x2P(int kc, float[] a, int a0, float[] b, int b0, float[] c, int c0, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51,
                c60, c61, c70, c71, c80, c81, c90, c91, ca0, ca1, cb0, cb1;
        if (acc) {
            int r = c0;
            c00 = FloatVector.fromArray(S, c, r); c01 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c10 = FloatVector.fromArray(S, c, r); c11 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c20 = FloatVector.fromArray(S, c, r); c21 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c30 = FloatVector.fromArray(S, c, r); c31 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c40 = FloatVector.fromArray(S, c, r); c41 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c50 = FloatVector.fromArray(S, c, r); c51 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c60 = FloatVector.fromArray(S, c, r); c61 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c70 = FloatVector.fromArray(S, c, r); c71 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c80 = FloatVector.fromArray(S, c, r); c81 = FloatVector.fromArray(S, c, r + L); r += ldc;
            c90 = FloatVector.fromArray(S, c, r); c91 = FloatVector.fromArray(S, c, r + L); r += ldc;
            ca0 = FloatVector.fromArray(S, c, r); ca1 = FloatVector.fromArray(S, c, r + L); r += ldc;
            cb0 = FloatVector.fromArray(S, c, r); cb1 = FloatVector.fromArray(S, c, r + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z;
            c60 = z; c61 = z; c70 = z; c71 = z; c80 = z; c81 = z; c90 = z; c91 = z; ca0 = z; ca1 = z; cb0 = z; cb1 = z;
        }
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * MC, bp = b0 + p * NR; // constant strides: C2 checks the bounds once, before the loop
            FloatVector b0v = FloatVector.fromArray(S, b, bp);
            FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = b0v.fma(av, c00); c01 = b1v.fma(av, c01);
            av = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0v.fma(av, c10); c11 = b1v.fma(av, c11);
            av = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0v.fma(av, c20); c21 = b1v.fma(av, c21);
            av = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0v.fma(av, c30); c31 = b1v.fma(av, c31);
            av = FloatVector.broadcast(S, a[ai + 4]);
            c40 = b0v.fma(av, c40); c41 = b1v.fma(av, c41);
            av = FloatVector.broadcast(S, a[ai + 5]);
            c50 = b0v.fma(av, c50); c51 = b1v.fma(av, c51);
            av = FloatVector.broadcast(S, a[ai + 6]);
            c60 = b0v.fma(av, c60); c61 = b1v.fma(av, c61);
            av = FloatVector.broadcast(S, a[ai + 7]);
            c70 = b0v.fma(av, c70); c71 = b1v.fma(av, c71);
            av = FloatVector.broadcast(S, a[ai + 8]);
            c80 = b0v.fma(av, c80); c81 = b1v.fma(av, c81);
            av = FloatVector.broadcast(S, a[ai + 9]);
            c90 = b0v.fma(av, c90); c91 = b1v.fma(av, c91);
            av = FloatVector.broadcast(S, a[ai + 10]);
            ca0 = b0v.fma(av, ca0); ca1 = b1v.fma(av, ca1);
            av = FloatVector.broadcast(S, a[ai + 11]);
            cb0 = b0v.fma(av, cb0); cb1 = b1v.fma(av, cb1);
        }
        int r = c0;
        c00.intoArray(c, r); c01.intoArray(c, r + L); r += ldc;
        c10.intoArray(c, r); c11.intoArray(c, r + L); r += ldc;
        c20.intoArray(c, r); c21.intoArray(c, r + L); r += ldc;
        c30.intoArray(c, r); c31.intoArray(c, r + L); r += ldc;
        c40.intoArray(c, r); c41.intoArray(c, r + L); r += ldc;
        c50.intoArray(c, r); c51.intoArray(c, r + L); r += ldc;
        c60.intoArray(c, r); c61.intoArray(c, r + L); r += ldc;
        c70.intoArray(c, r); c71.intoArray(c, r + L); r += ldc;
        c80.intoArray(c, r); c81.intoArray(c, r + L); r += ldc;
        c90.intoArray(c, r); c91.intoArray(c, r + L); r += ldc;
        ca0.intoArray(c, r); ca1.intoArray(c, r + L); r += ldc;
        cb0.intoArray(c, r); cb1.intoArray(c, r + L);
    }

    static void kernel6x1(int kc, float[] a, int a0, int ars, int acs, float[] b, int b0, int ldb, float[] c, int c0,
                                  int ldc, boolean acc, boolean fused) {
        FloatVector c0v, c1v, c2v, c3v, c4v, c5v;
        if (acc) {
            c0v = FloatVector.fromArray(S, c, c0);
            c1v = FloatVector.fromArray(S, c, c0 + ldc);
            c2v = FloatVector.fromArray(S, c, c0 + 2 * ldc);
            c3v = FloatVector.fromArray(S, c, c0 + 3 * ldc);
            c4v = FloatVector.fromArray(S, c, c0 + 4 * ldc);
            c5v = FloatVector.fromArray(S, c, c0 + 5 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0v = z; c1v = z; c2v = z; c3v = z; c4v = z; c5v = z;
        }
        int r1 = ars, r2 = 2 * ars, r3 = 3 * ars, r4 = 4 * ars, r5 = 5 * ars;
        int ai = a0, bp = b0;
        if (fused) {
            for (int p = 0; p < kc; p++, ai += acs, bp += ldb) {
                FloatVector bv = FloatVector.fromArray(S, b, bp);
                c0v = bv.fma(FloatVector.broadcast(S, a[ai]), c0v);
                c1v = bv.fma(FloatVector.broadcast(S, a[ai + r1]), c1v);
                c2v = bv.fma(FloatVector.broadcast(S, a[ai + r2]), c2v);
                c3v = bv.fma(FloatVector.broadcast(S, a[ai + r3]), c3v);
                c4v = bv.fma(FloatVector.broadcast(S, a[ai + r4]), c4v);
                c5v = bv.fma(FloatVector.broadcast(S, a[ai + r5]), c5v);
            }
        } else {
            for (int p = 0; p < kc; p++, ai += acs, bp += ldb) {
                FloatVector bv = FloatVector.fromArray(S, b, bp);
                c0v = c0v.add(bv.mul(a[ai]));
                c1v = c1v.add(bv.mul(a[ai + r1]));
                c2v = c2v.add(bv.mul(a[ai + r2]));
                c3v = c3v.add(bv.mul(a[ai + r3]));
                c4v = c4v.add(bv.mul(a[ai + r4]));
                c5v = c5v.add(bv.mul(a[ai + r5]));
            }
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + ldc);
        c2v.intoArray(c, c0 + 2 * ldc);
        c3v.intoArray(c, c0 + 3 * ldc);
        c4v.intoArray(c, c0 + 4 * ldc);
        c5v.intoArray(c, c0 + 5 * ldc);
    }

    static void kernel8x1(int kc, float[] a, int a0, int ars, int acs, float[] b, int b0, int ldb, float[] c, int c0,
                                  int ldc, boolean acc, boolean fused) {
        FloatVector c0v, c1v, c2v, c3v, c4v, c5v, c6v, c7v;
        if (acc) {
            c0v = FloatVector.fromArray(S, c, c0);
            c1v = FloatVector.fromArray(S, c, c0 + ldc);
            c2v = FloatVector.fromArray(S, c, c0 + 2 * ldc);
            c3v = FloatVector.fromArray(S, c, c0 + 3 * ldc);
            c4v = FloatVector.fromArray(S, c, c0 + 4 * ldc);
            c5v = FloatVector.fromArray(S, c, c0 + 5 * ldc);
            c6v = FloatVector.fromArray(S, c, c0 + 6 * ldc);
            c7v = FloatVector.fromArray(S, c, c0 + 7 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0v = z; c1v = z; c2v = z; c3v = z; c4v = z; c5v = z; c6v = z; c7v = z;
        }
        int r1 = ars, r2 = 2 * ars, r3 = 3 * ars, r4 = 4 * ars, r5 = 5 * ars, r6 = 6 * ars, r7 = 7 * ars;
        int ai = a0, bp = b0;
        if (fused) {
            for (int p = 0; p < kc; p++, ai += acs, bp += ldb) {
                FloatVector bv = FloatVector.fromArray(S, b, bp);
                c0v = bv.fma(FloatVector.broadcast(S, a[ai]), c0v);
                c1v = bv.fma(FloatVector.broadcast(S, a[ai + r1]), c1v);
                c2v = bv.fma(FloatVector.broadcast(S, a[ai + r2]), c2v);
                c3v = bv.fma(FloatVector.broadcast(S, a[ai + r3]), c3v);
                c4v = bv.fma(FloatVector.broadcast(S, a[ai + r4]), c4v);
                c5v = bv.fma(FloatVector.broadcast(S, a[ai + r5]), c5v);
                c6v = bv.fma(FloatVector.broadcast(S, a[ai + r6]), c6v);
                c7v = bv.fma(FloatVector.broadcast(S, a[ai + r7]), c7v);
            }
        } else {
            for (int p = 0; p < kc; p++, ai += acs, bp += ldb) {
                FloatVector bv = FloatVector.fromArray(S, b, bp);
                c0v = c0v.add(bv.mul(a[ai]));
                c1v = c1v.add(bv.mul(a[ai + r1]));
                c2v = c2v.add(bv.mul(a[ai + r2]));
                c3v = c3v.add(bv.mul(a[ai + r3]));
                c4v = c4v.add(bv.mul(a[ai + r4]));
                c5v = c5v.add(bv.mul(a[ai + r5]));
                c6v = c6v.add(bv.mul(a[ai + r6]));
                c7v = c7v.add(bv.mul(a[ai + r7]));
            }
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + ldc);
        c2v.intoArray(c, c0 + 2 * ldc);
        c3v.intoArray(c, c0 + 3 * ldc);
        c4v.intoArray(c, c0 + 4 * ldc);
        c5v.intoArray(c, c0 + 5 * ldc);
        c6v.intoArray(c, c0 + 6 * ldc);
        c7v.intoArray(c, c0 + 7 * ldc);
    }
}
