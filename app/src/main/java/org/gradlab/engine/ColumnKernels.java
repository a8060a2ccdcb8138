package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorGemm}'s kernels for the columns past B's last strip where A's block is copied k-major
 * ({@link VectorGemm#packBlock}: A(i, p) at p·MC + i): four columns at a time, each accumulator a vector of rows
 * down one column. A row vector loaded once serves four columns' multiply-adds, where one vector of columns across
 * took a broadcast of A per multiply-add (eight rows: nine loads for eight, bound by the loads). Each element is
 * still one chain in k order from C (or zero): fused, fma(A, B, c); else c + A·B rounded twice — the bits of the
 * kernels across the columns. C comes and goes through a tile t, row i of column x at x·MC + i: the
 * caller transposes it. Written out per height on purpose: the accumulators must be locals to stay in registers.
 * The fused and unfused forms share one loop: C2 takes the test out of it (the same speed as two loops, in turn).
 */
final class ColumnKernels {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L, MC = VectorGemm.MC;

    private ColumnKernels() {}

    /** Rows i0 to i0 + 4L (64 on AVX-512) by four columns, B(p, x) at b[b0 + p·L + x]. */
    static void rows4x4(int kc, float[] a, int i0, float[] b, int b0, float[] t, boolean acc, boolean fused) {
        FloatVector r00, r01, r02, r03, r10, r11, r12, r13, r20, r21, r22, r23, r30, r31, r32, r33;
        if (acc) {
            r00 = FloatVector.fromArray(S, t, i0); r01 = FloatVector.fromArray(S, t, i0 + MC);
            r02 = FloatVector.fromArray(S, t, i0 + 2 * MC); r03 = FloatVector.fromArray(S, t, i0 + 3 * MC);
            r10 = FloatVector.fromArray(S, t, i0 + L); r11 = FloatVector.fromArray(S, t, i0 + MC + L);
            r12 = FloatVector.fromArray(S, t, i0 + 2 * MC + L); r13 = FloatVector.fromArray(S, t, i0 + 3 * MC + L);
            r20 = FloatVector.fromArray(S, t, i0 + 2 * L); r21 = FloatVector.fromArray(S, t, i0 + MC + 2 * L);
            r22 = FloatVector.fromArray(S, t, i0 + 2 * MC + 2 * L); r23 = FloatVector.fromArray(S, t, i0 + 3 * MC + 2 * L);
            r30 = FloatVector.fromArray(S, t, i0 + 3 * L); r31 = FloatVector.fromArray(S, t, i0 + MC + 3 * L);
            r32 = FloatVector.fromArray(S, t, i0 + 2 * MC + 3 * L); r33 = FloatVector.fromArray(S, t, i0 + 3 * MC + 3 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            r00 = z; r01 = z; r02 = z; r03 = z; r10 = z; r11 = z; r12 = z; r13 = z; r20 = z; r21 = z; r22 = z; r23 = z;
            r30 = z; r31 = z; r32 = z; r33 = z;
        }
        for (int p = 0; p < kc; p++) {
            int ai = i0 + p * MC, bi = b0 + p * L;
            FloatVector a0 = FloatVector.fromArray(S, a, ai);
            FloatVector a1 = FloatVector.fromArray(S, a, ai + L);
            FloatVector a2 = FloatVector.fromArray(S, a, ai + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, a, ai + 3 * L);
            FloatVector v0 = FloatVector.broadcast(S, b[bi]);
            if (fused) { r00 = a0.fma(v0, r00); r10 = a1.fma(v0, r10); r20 = a2.fma(v0, r20); r30 = a3.fma(v0, r30); }
            else { r00 = r00.add(a0.mul(v0)); r10 = r10.add(a1.mul(v0)); r20 = r20.add(a2.mul(v0)); r30 = r30.add(a3.mul(v0)); }
            FloatVector v1 = FloatVector.broadcast(S, b[bi + 1]);
            if (fused) { r01 = a0.fma(v1, r01); r11 = a1.fma(v1, r11); r21 = a2.fma(v1, r21); r31 = a3.fma(v1, r31); }
            else { r01 = r01.add(a0.mul(v1)); r11 = r11.add(a1.mul(v1)); r21 = r21.add(a2.mul(v1)); r31 = r31.add(a3.mul(v1)); }
            FloatVector v2 = FloatVector.broadcast(S, b[bi + 2]);
            if (fused) { r02 = a0.fma(v2, r02); r12 = a1.fma(v2, r12); r22 = a2.fma(v2, r22); r32 = a3.fma(v2, r32); }
            else { r02 = r02.add(a0.mul(v2)); r12 = r12.add(a1.mul(v2)); r22 = r22.add(a2.mul(v2)); r32 = r32.add(a3.mul(v2)); }
            FloatVector v3 = FloatVector.broadcast(S, b[bi + 3]);
            if (fused) { r03 = a0.fma(v3, r03); r13 = a1.fma(v3, r13); r23 = a2.fma(v3, r23); r33 = a3.fma(v3, r33); }
            else { r03 = r03.add(a0.mul(v3)); r13 = r13.add(a1.mul(v3)); r23 = r23.add(a2.mul(v3)); r33 = r33.add(a3.mul(v3)); }
        }
        r00.intoArray(t, i0); r01.intoArray(t, i0 + MC); r02.intoArray(t, i0 + 2 * MC);
        r03.intoArray(t, i0 + 3 * MC);
        r10.intoArray(t, i0 + L); r11.intoArray(t, i0 + MC + L); r12.intoArray(t, i0 + 2 * MC + L);
        r13.intoArray(t, i0 + 3 * MC + L);
        r20.intoArray(t, i0 + 2 * L); r21.intoArray(t, i0 + MC + 2 * L); r22.intoArray(t, i0 + 2 * MC + 2 * L);
        r23.intoArray(t, i0 + 3 * MC + 2 * L);
        r30.intoArray(t, i0 + 3 * L); r31.intoArray(t, i0 + MC + 3 * L); r32.intoArray(t, i0 + 2 * MC + 3 * L);
        r33.intoArray(t, i0 + 3 * MC + 3 * L);
    }

    /** Rows i0 to i0 + 2L by four columns: what is left of a block after its fours. */
    static void rows2x4(int kc, float[] a, int i0, float[] b, int b0, float[] t, boolean acc, boolean fused) {
        FloatVector r00, r01, r02, r03, r10, r11, r12, r13;
        if (acc) {
            r00 = FloatVector.fromArray(S, t, i0); r01 = FloatVector.fromArray(S, t, i0 + MC);
            r02 = FloatVector.fromArray(S, t, i0 + 2 * MC); r03 = FloatVector.fromArray(S, t, i0 + 3 * MC);
            r10 = FloatVector.fromArray(S, t, i0 + L); r11 = FloatVector.fromArray(S, t, i0 + MC + L);
            r12 = FloatVector.fromArray(S, t, i0 + 2 * MC + L); r13 = FloatVector.fromArray(S, t, i0 + 3 * MC + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            r00 = z; r01 = z; r02 = z; r03 = z; r10 = z; r11 = z; r12 = z; r13 = z;
        }
        for (int p = 0; p < kc; p++) {
            int ai = i0 + p * MC, bi = b0 + p * L;
            FloatVector a0 = FloatVector.fromArray(S, a, ai);
            FloatVector a1 = FloatVector.fromArray(S, a, ai + L);
            FloatVector v0 = FloatVector.broadcast(S, b[bi]);
            if (fused) { r00 = a0.fma(v0, r00); r10 = a1.fma(v0, r10); }
            else { r00 = r00.add(a0.mul(v0)); r10 = r10.add(a1.mul(v0)); }
            FloatVector v1 = FloatVector.broadcast(S, b[bi + 1]);
            if (fused) { r01 = a0.fma(v1, r01); r11 = a1.fma(v1, r11); }
            else { r01 = r01.add(a0.mul(v1)); r11 = r11.add(a1.mul(v1)); }
            FloatVector v2 = FloatVector.broadcast(S, b[bi + 2]);
            if (fused) { r02 = a0.fma(v2, r02); r12 = a1.fma(v2, r12); }
            else { r02 = r02.add(a0.mul(v2)); r12 = r12.add(a1.mul(v2)); }
            FloatVector v3 = FloatVector.broadcast(S, b[bi + 3]);
            if (fused) { r03 = a0.fma(v3, r03); r13 = a1.fma(v3, r13); }
            else { r03 = r03.add(a0.mul(v3)); r13 = r13.add(a1.mul(v3)); }
        }
        r00.intoArray(t, i0); r01.intoArray(t, i0 + MC); r02.intoArray(t, i0 + 2 * MC);
        r03.intoArray(t, i0 + 3 * MC);
        r10.intoArray(t, i0 + L); r11.intoArray(t, i0 + MC + L); r12.intoArray(t, i0 + 2 * MC + L);
        r13.intoArray(t, i0 + 3 * MC + L);
    }
}
