package org.gradlab.engine;

/**
 * Causal attention for one (batch, head) pair as five small GEMMs (scores, P·V; and in the backward dP, dV,
 * dQ, dK) plus row-wise softmax work, on the calling thread. The full T×T score matrix is computed and the
 * upper triangle masked: at T=64 the wasted half costs less than giving up the vector kernel.
 */
final class CpuAttention {
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
        for (int i = 0; i < seq; i++) {
            int r = a0 + i * seq;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j <= i; j++) {
                float s = att[r + j] * scale;
                att[r + j] = s;
                if (s > max) max = s;
            }
            float inv = 1f / Softmax.expShiftInto(att, r, i + 1, max, att, r);
            for (int j = 0; j <= i; j++) att[r + j] *= inv;
            for (int j = i + 1; j < seq; j++) att[r + j] = 0f;
        }
        CpuBackend.localGemm(seq, dh, seq, att, a0, seq, 1, qkv, v0, row3, out, oo + b * seq * dim + h * dh, dim, false, gs);
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
        // dV = Pᵀ · dOut
        CpuBackend.localGemm(seq, dh, seq, att, a0, 1, seq, dout, g0, dim, dqkv, dv0, row3, false, gs);
        // dS = P ⊙ (dP − Σ_j P dP) · scale, in place of dP; masked entries are 0 because P is 0 there
        for (int i = 0; i < seq; i++) {
            int r = a0 + i * seq, s = i * seq;
            float dot = 0;
            for (int j = 0; j <= i; j++) dot += att[r + j] * scratch[s + j];
            for (int j = 0; j <= i; j++) scratch[s + j] = att[r + j] * (scratch[s + j] - dot) * scale;
            for (int j = i + 1; j < seq; j++) scratch[s + j] = 0f;
        }
        // dQ = dS · K ;  dK = dSᵀ · Q
        CpuBackend.localGemm(seq, dh, seq, scratch, 0, seq, 1, qkv, k0, row3, dqkv, dq0, row3, false, gs);
        CpuBackend.localGemm(seq, dh, seq, scratch, 0, 1, seq, qkv, q0, row3, dqkv, dk0, row3, false, gs);
    }

    /** dst[e*rows + t] = src[s0 + t*stride + e] for e < cols. */
    private static void transposeSlice(float[] src, int s0, int rows, int cols, int stride, float[] dst, int d0) {
        for (int t = 0; t < rows; t++) {
            int s = s0 + t * stride;
            for (int e = 0; e < cols; e++) dst[d0 + e * rows + t] = src[s + e];
        }
    }
}
