package org.gradlab.engine;

/**
 * Causal attention for one (batch, head) pair as five small GEMMs (scores, P·V; and in the backward dP, dV,
 * dQ, dK) plus row-wise softmax work, on the calling thread. The scores and dP are one T×T product each: every
 * element is its own chain over the head's dimension, so the entries above the diagonal (never read) cost FLOPs
 * but change no bits, and one call ran faster than four causal blocks of tiny products. The three products that
 * sum over T run in blocks of {@value #RB} rows (or columns) so the blocks above the diagonal are skipped.
 */
final class CpuAttention {
    /** Row/column block of the causal split: blocks above the diagonal are skipped. */
    private static final int RB = 16;

    private CpuAttention() {}

    /** Scratch floats one pair needs: T×T for dP and dh×T for a transposed K or V. */
    static int scratchSize(int seq, int dh) {
        return seq * seq + dh * seq;
    }

    static void forward(int b, int h, int seq, int dim, int heads, float[] qkv, int qo, float[] att, int ao,
                        float[] out, int oo, float[] scratch, VectorGemm.Scratch gs) {
        int dh = dim / heads, row3 = 3 * dim;
        float scale = (float) (1.0 / Math.sqrt(dh));
        int q0 = qo + b * seq * row3 + h * dh, k0 = q0 + dim, v0 = q0 + 2 * dim;
        int a0 = ao + (b * heads + h) * seq * seq;
        int kt = seq * seq;
        transposeSlice(qkv, k0, seq, dh, row3, scratch, kt);
        CpuBackend.localGemm(seq, seq, dh, qkv, q0, row3, 1, scratch, kt, seq, att, a0, seq, false, gs);
        for (int i = 0; i < seq; i++) Softmax.causalRow(att, a0 + i * seq, i + 1, seq, scale);
        int o0 = oo + b * seq * dim + h * dh;
        for (int r0 = 0; r0 < seq; r0 += RB) {
            int r1 = Math.min(seq, r0 + RB);
            CpuBackend.localGemm(r1 - r0, dh, r1, att, a0 + r0 * seq, seq, 1, qkv, v0, row3, out, o0 + r0 * dim, dim, false, gs);
        }
    }

    static void backward(int b, int h, int seq, int dim, int heads, float[] qkv, int qo, float[] att, int ao,
                         float[] dout, int doo, float[] dqkv, int dqo, float[] scratch, VectorGemm.Scratch gs) {
        int dh = dim / heads, row3 = 3 * dim;
        float scale = (float) (1.0 / Math.sqrt(dh));
        int q0 = qo + b * seq * row3 + h * dh, k0 = q0 + dim, v0 = q0 + 2 * dim;
        int dq0 = dqo + b * seq * row3 + h * dh, dk0 = dq0 + dim, dv0 = dq0 + 2 * dim;
        int g0 = doo + b * seq * dim + h * dh;
        int a0 = ao + (b * heads + h) * seq * seq;
        int vt = seq * seq;
        // dP = dOut · Vᵀ   (scratch[0, T*T))
        transposeSlice(qkv, v0, seq, dh, row3, scratch, vt);
        CpuBackend.localGemm(seq, seq, dh, dout, g0, dim, 1, scratch, vt, seq, scratch, 0, seq, false, gs);
        // dV = Pᵀ · dOut: rows [c0, c1) of dV only see P's rows i >= c0 (P is lower triangular)
        for (int c0 = 0; c0 < seq; c0 += RB) {
            int c1 = Math.min(seq, c0 + RB);
            CpuBackend.localGemm(c1 - c0, dh, seq - c0, att, a0 + c0 * seq + c0, 1, seq, dout, g0 + c0 * dim, dim, dqkv,
                    dv0 + c0 * row3, row3, false, gs);
        }
        // dS = P ⊙ (dP − Σ_j P dP) · scale, in place of dP; masked entries are 0 because P is 0 there
        for (int i = 0; i < seq; i++) {
            int r = a0 + i * seq, s = i * seq;
            float dot = 0;
            for (int j = 0; j <= i; j++) dot += att[r + j] * scratch[s + j];
            Softmax.gradient(att, r, scratch, s, i + 1, dot, scale);
            java.util.Arrays.fill(scratch, s + i + 1, s + seq, 0f);
        }
        // dQ = dS · K ;  dK = dSᵀ · Q — dS is lower triangular too
        for (int r0 = 0; r0 < seq; r0 += RB) {
            int r1 = Math.min(seq, r0 + RB);
            CpuBackend.localGemm(r1 - r0, dh, r1, scratch, r0 * seq, seq, 1, qkv, k0, row3, dqkv, dq0 + r0 * row3, row3, false, gs);
        }
        for (int c0 = 0; c0 < seq; c0 += RB) {
            int c1 = Math.min(seq, c0 + RB);
            CpuBackend.localGemm(c1 - c0, dh, seq - c0, scratch, c0 * seq + c0, 1, seq, qkv, q0 + c0 * row3, row3, dqkv,
                    dk0 + c0 * row3, row3, false, gs);
        }
    }

    /** dst[e*rows + t] = src[s0 + t*stride + e] for e < cols. */
    private static void transposeSlice(float[] src, int s0, int rows, int cols, int stride, float[] dst, int d0) {
        for (int t = 0; t < rows; t++) {
            int s = s0 + t * stride;
            for (int e = 0; e < cols; e++) dst[d0 + e * rows + t] = src[s + e];
        }
    }
}
