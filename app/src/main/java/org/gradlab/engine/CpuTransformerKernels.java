package org.gradlab.engine;

/** LayerNorm and GELU on the CPU in plain Java (the scalar twins of the vector and CUDA kernels). */
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
            normaliseRow(r, dim, x, xo, w, wo, b, bo, mu, v, eps, out, oo, mean, mo, rstd, ro);
        }
    }

    /** A row's 1/σ from its sum of squared deviations v: the one formula the scalar and vector forwards share. */
    static float invStd(double v, int dim, float eps) {
        return (float) (1.0 / Math.sqrt(v / dim + eps));
    }

    /**
     * Row r's output, mean and 1/σ from its mean and sum of squared deviations (both double, summed in column
     * order). {@link VectorLayerNorm#forward} writes the same output a vector at a time, with the same {@link #invStd}.
     */
    static void normaliseRow(int r, int dim, float[] x, int xo, float[] w, int wo, float[] b, int bo, double mu, double v,
                             float eps, float[] out, int oo, float[] mean, int mo, float[] rstd, int ro) {
        float rs = invStd(v, dim, eps);
        float m = (float) mu;
        int xb = xo + r * dim, ob = oo + r * dim;
        for (int j = 0; j < dim; j++) out[ob + j] = (x[xb + j] - m) * rs * w[wo + j] + b[bo + j];
        mean[mo + r] = m;
        rstd[ro + r] = rs;
    }

    /** Rows [r0, r1): dx rows written (+=), dw/db accumulated into the given (possibly partial) arrays. */
    static void layerNormBackward(int r0, int r1, int dim, float[] x, int xo, float[] w, int wo, float[] mean, int mo,
                                  float[] rstd, int ro, float[] dout, int doo, float[] dx, int dxo, float[] dw,
                                  int dwo, float[] db, int dbo) {
        for (int r = r0; r < r1; r++) {
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
}
