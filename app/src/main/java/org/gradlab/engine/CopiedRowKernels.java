package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorGemm}'s micro-kernels over a row-major A whose block was copied row by row to the constant stride
 * {@link VectorGemm#KS}: twelve or eight rows of C, two vectors wide, over a packed strip of B; each element one chain
 * in k order, as {@link GemmKernels}' kernels. Written out per height on purpose: the accumulators must be locals to
 * stay in registers, and the rows' offsets literals for C2 to fold them into the reads' addresses.
 */
final class CopiedRowKernels {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L, NR = VectorGemm.NR, KS = VectorGemm.KS;

    private CopiedRowKernels() {}

    /**
     * Eight rows of C over a packed strip of B, A's rows copied at the constant stride {@link VectorGemm#KS}: A(r, p) =
     * a[a0 + r·KS + p]. Each read is then one index plus a constant, which the broadcast's address holds; read in place
     * ({@link GemmKernels#kernel8x2R}), each of the eight reads took an add of its row's offset, and those adds took
     * issue slots from the FMAs (54 instructions a k step for 16 FMAs, disassembled).
     */
    static void kernel8x2S(int kc, float[] a, int a0, float[] b, int b0, float[] c, int c0, int ldc, boolean acc) {
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
            int ai = a0 + p, bp = b0 + p * NR; // constant strides: C2 checks the bounds once, before the loop
            FloatVector b0v = FloatVector.fromArray(S, b, bp);
            FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = b0v.fma(av, c00); c01 = b1v.fma(av, c01);
            av = FloatVector.broadcast(S, a[ai + 1 * KS]);
            c10 = b0v.fma(av, c10); c11 = b1v.fma(av, c11);
            av = FloatVector.broadcast(S, a[ai + 2 * KS]);
            c20 = b0v.fma(av, c20); c21 = b1v.fma(av, c21);
            av = FloatVector.broadcast(S, a[ai + 3 * KS]);
            c30 = b0v.fma(av, c30); c31 = b1v.fma(av, c31);
            av = FloatVector.broadcast(S, a[ai + 4 * KS]);
            c40 = b0v.fma(av, c40); c41 = b1v.fma(av, c41);
            av = FloatVector.broadcast(S, a[ai + 5 * KS]);
            c50 = b0v.fma(av, c50); c51 = b1v.fma(av, c51);
            av = FloatVector.broadcast(S, a[ai + 6 * KS]);
            c60 = b0v.fma(av, c60); c61 = b1v.fma(av, c61);
            av = FloatVector.broadcast(S, a[ai + 7 * KS]);
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

    /** kernel8x2S with twelve rows ({@link GemmKernels#kernel12x2P}'s twin over rows copied at the stride KS). */
    static void kernel12x2S(int kc, float[] a, int a0, float[] b, int b0, float[] c, int c0, int ldc, boolean acc) {
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
            int ai = a0 + p, bp = b0 + p * NR; // constant strides: C2 checks the bounds once, before the loop
            FloatVector b0v = FloatVector.fromArray(S, b, bp);
            FloatVector b1v = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = b0v.fma(av, c00); c01 = b1v.fma(av, c01);
            av = FloatVector.broadcast(S, a[ai + 1 * KS]);
            c10 = b0v.fma(av, c10); c11 = b1v.fma(av, c11);
            av = FloatVector.broadcast(S, a[ai + 2 * KS]);
            c20 = b0v.fma(av, c20); c21 = b1v.fma(av, c21);
            av = FloatVector.broadcast(S, a[ai + 3 * KS]);
            c30 = b0v.fma(av, c30); c31 = b1v.fma(av, c31);
            av = FloatVector.broadcast(S, a[ai + 4 * KS]);
            c40 = b0v.fma(av, c40); c41 = b1v.fma(av, c41);
            av = FloatVector.broadcast(S, a[ai + 5 * KS]);
            c50 = b0v.fma(av, c50); c51 = b1v.fma(av, c51);
            av = FloatVector.broadcast(S, a[ai + 6 * KS]);
            c60 = b0v.fma(av, c60); c61 = b1v.fma(av, c61);
            av = FloatVector.broadcast(S, a[ai + 7 * KS]);
            c70 = b0v.fma(av, c70); c71 = b1v.fma(av, c71);
            av = FloatVector.broadcast(S, a[ai + 8 * KS]);
            c80 = b0v.fma(av, c80); c81 = b1v.fma(av, c81);
            av = FloatVector.broadcast(S, a[ai + 9 * KS]);
            c90 = b0v.fma(av, c90); c91 = b1v.fma(av, c91);
            av = FloatVector.broadcast(S, a[ai + 10 * KS]);
            ca0 = b0v.fma(av, ca0); ca1 = b1v.fma(av, ca1);
            av = FloatVector.broadcast(S, a[ai + 11 * KS]);
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
}
