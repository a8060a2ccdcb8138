package org.gradlab.engine;

/** Plain-Java GEMM over columns [n0, n1): the reference for {@link VectorGemm}. See {@link Backend#gemm}. */
final class ScalarGemm {
    private ScalarGemm() {}

    static void gemm(int m, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean acc, int n0, int n1) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!acc) for (int j = n0; j < n1; j++) c[ci + j] = 0f;
            for (int p = 0; p < k; p++) {
                float av = a[aOff + i * ars + p * acs];
                if (av == 0f) continue;
                int bp = bOff + p * ldb;
                for (int j = n0; j < n1; j++) c[ci + j] += av * b[bp + j];
            }
        }
    }
}
