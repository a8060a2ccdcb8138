package org.gradlab.engine;

/** LayerNorm, GELU and causal attention on the CPU (the twins of the CUDA kernels of the same names). */
final class CpuTransformerKernels {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);
    private static final double TANH_C = Math.sqrt(2 / Math.PI);

    private CpuTransformerKernels() {}

    static void layerNormForward(int r0, int r1, int dim, float[] x, int xo, float[] w, int wo, float[] b, int bo,
                                 float eps, float[] out, int oo, float[] mean, int mo, float[] rstd, int ro) {
        for (int r = r0; r < r1; r++) {
            int xb = xo + r * dim;
            double s = 0;
            for (int j = 0; j < dim; j++) s += x[xb + j];
            double mu = s / dim;
            double v = 0;
            for (int j = 0; j < dim; j++) {
                double d = x[xb + j] - mu;
                v += d * d;
            }
            float rs = (float) (1.0 / Math.sqrt(v / dim + eps));
            float m = (float) mu;
            int ob = oo + r * dim;
            for (int j = 0; j < dim; j++) out[ob + j] = (x[xb + j] - m) * rs * w[wo + j] + b[bo + j];
            mean[mo + r] = m;
            rstd[ro + r] = rs;
        }
    }

    static void layerNormBackward(int rows, int dim, float[] x, int xo, float[] w, int wo, float[] mean, int mo,
                                  float[] rstd, int ro, float[] dout, int doo, float[] dx, int dxo, float[] dw,
                                  int dwo, float[] db, int dbo) {
        for (int r = 0; r < rows; r++) {
            int xb = xo + r * dim, gb = doo + r * dim, ob = dxo + r * dim;
            float m = mean[mo + r], rs = rstd[ro + r];
            double sumD = 0, sumDX = 0;
            for (int j = 0; j < dim; j++) {
                float xh = (x[xb + j] - m) * rs;
                float dxh = dout[gb + j] * w[wo + j];
                sumD += dxh;
                sumDX += dxh * xh;
                dw[dwo + j] += dout[gb + j] * xh;
                db[dbo + j] += dout[gb + j];
            }
            float meanD = (float) (sumD / dim), meanDX = (float) (sumDX / dim);
            for (int j = 0; j < dim; j++) {
                float xh = (x[xb + j] - m) * rs;
                float dxh = dout[gb + j] * w[wo + j];
                dx[ob + j] += rs * (dxh - meanD - xh * meanDX);
            }
        }
    }

    static void geluForward(int i0, int i1, float[] x, int xo, float[] out, int oo, boolean tanhApprox) {
        for (int i = i0; i < i1; i++) {
            double v = x[xo + i];
            double cdf = tanhApprox ? 0.5 * (1 + Math.tanh(TANH_C * (v + 0.044715 * v * v * v)))
                    : 0.5 * (1 + Erf.erf(v * SQRT_HALF));
            out[oo + i] = (float) (v * cdf);
        }
    }

    static void geluBackward(int i0, int i1, float[] x, int xo, float[] dout, int doo, float[] dx, int dxo,
                             boolean tanhApprox) {
        for (int i = i0; i < i1; i++) {
            double v = x[xo + i];
            double grad;
            if (tanhApprox) {
                double u = TANH_C * (v + 0.044715 * v * v * v);
                double t = Math.tanh(u);
                grad = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * TANH_C * (1 + 3 * 0.044715 * v * v);
            } else {
                grad = 0.5 * (1 + Erf.erf(v * SQRT_HALF)) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
            }
            dx[dxo + i] = (float) (dout[doo + i] * grad);
        }
    }

    /** One (batch b, head h) pair of causal attention; see {@link Backend#attentionForward}. */
    static void attentionForward(int b, int h, int seq, int dim, int heads, float[] qkv, int qo, float[] att,
                                 int ao, float[] out, int oo) {
        int dh = dim / heads, row3 = 3 * dim;
        float scale = (float) (1.0 / Math.sqrt(dh));
        int ab = ao + (b * heads + h) * seq * seq;
        for (int i = 0; i < seq; i++) {
            int qi = qo + (b * seq + i) * row3 + h * dh;
            int pr = ab + i * seq;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j <= i; j++) {
                int kj = qo + (b * seq + j) * row3 + dim + h * dh;
                float s = 0;
                for (int e = 0; e < dh; e++) s += qkv[qi + e] * qkv[kj + e];
                s *= scale;
                att[pr + j] = s;
                if (s > max) max = s;
            }
            double sum = 0;
            for (int j = 0; j <= i; j++) {
                float ev = (float) Math.exp(att[pr + j] - max);
                att[pr + j] = ev;
                sum += ev;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j <= i; j++) att[pr + j] *= inv;
            for (int j = i + 1; j < seq; j++) att[pr + j] = 0f;
            int ob = oo + (b * seq + i) * dim + h * dh;
            for (int e = 0; e < dh; e++) out[ob + e] = 0f;
            for (int j = 0; j <= i; j++) {
                float p = att[pr + j];
                int vj = qo + (b * seq + j) * row3 + 2 * dim + h * dh;
                for (int e = 0; e < dh; e++) out[ob + e] += p * qkv[vj + e];
            }
        }
    }

    static void attentionBackward(int b, int h, int seq, int dim, int heads, float[] qkv, int qo, float[] att,
                                  int ao, float[] dout, int doo, float[] dqkv, int dqo, float[] dp) {
        int dh = dim / heads, row3 = 3 * dim;
        float scale = (float) (1.0 / Math.sqrt(dh));
        int ab = ao + (b * heads + h) * seq * seq;
        for (int i = 0; i < seq; i++) {
            int base = dqo + (b * seq + i) * row3 + h * dh;
            for (int e = 0; e < dh; e++) {
                dqkv[base + e] = 0f;
                dqkv[base + dim + e] = 0f;
                dqkv[base + 2 * dim + e] = 0f;
            }
        }
        for (int i = 0; i < seq; i++) {
            int pr = ab + i * seq;
            int gi = doo + (b * seq + i) * dim + h * dh;
            float dot = 0;
            for (int j = 0; j <= i; j++) {
                int vj = qo + (b * seq + j) * row3 + 2 * dim + h * dh;
                int dvj = dqo + (b * seq + j) * row3 + 2 * dim + h * dh;
                float p = att[pr + j];
                float s = 0;
                for (int e = 0; e < dh; e++) {
                    s += dout[gi + e] * qkv[vj + e];
                    dqkv[dvj + e] += p * dout[gi + e];
                }
                dp[j] = s;
                dot += p * s;
            }
            int qi = qo + (b * seq + i) * row3 + h * dh;
            int dqi = dqo + (b * seq + i) * row3 + h * dh;
            for (int j = 0; j <= i; j++) {
                float ds = att[pr + j] * (dp[j] - dot) * scale;
                if (ds == 0f) continue;
                int kj = qo + (b * seq + j) * row3 + dim + h * dh;
                int dkj = dqo + (b * seq + j) * row3 + dim + h * dh;
                for (int e = 0; e < dh; e++) {
                    dqkv[dqi + e] += ds * qkv[kj + e];
                    dqkv[dkj + e] += ds * qkv[qi + e];
                }
            }
        }
    }
}
