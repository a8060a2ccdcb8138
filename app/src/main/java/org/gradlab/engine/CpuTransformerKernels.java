package org.gradlab.engine;

/** LayerNorm and GELU on the CPU in plain Java (the scalar twins of the vector and CUDA kernels). */
final class CpuTransformerKernels {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);
    private static final double TANH_C = Math.sqrt(2 / Math.PI);

    private CpuTransformerKernels() {}

    /**
     * A row's sums (its mean, its squared deviations, the backward's two) are doubles in {@value #PARTS} running
     * sums, value j into sum j mod {@value #PARTS} over the row's whole groups of {@value #PARTS}, added as a tree
     * ({@link #tree}), then the last dim mod {@value #PARTS} values in order: {@link VectorLayerNorm} keeps those
     * sums in a double vector's lanes, where one chain per row waited ~4 cycles on each add.
     */
    static final int PARTS = 16;

    /** The running sums added pairwise, neighbours first ((p0 + p1) + (p2 + p3)) + …: both paths' order. */
    static double tree(double[] p) {
        double a = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
        double b = ((p[8] + p[9]) + (p[10] + p[11])) + ((p[12] + p[13]) + (p[14] + p[15]));
        return a + b;
    }

    /**
     * Floats of scratch a LayerNorm backward needs for rows of `dim` (a row's x̂ gradient and its product with x̂),
     * in either path; both take {@link #PARTS} doubles for the running sums. Given by the caller, as a training step
     * allocates nothing.
     */
    static int layerNormScratch(int dim) {
        return 2 * dim;
    }

    /** Σ x[o + j] − mu (squared when `square`) for j &lt; n, in {@link #PARTS}' order; p is scratch of PARTS doubles. */
    static double rowSum(float[] x, int o, int n, double mu, boolean square, double[] p) {
        java.util.Arrays.fill(p, 0, PARTS, 0);
        int whole = n - n % PARTS;
        for (int j = 0; j < whole; j++) {
            double d = x[o + j] - mu;
            p[j % PARTS] += square ? d * d : d;
        }
        double s = tree(p);
        for (int j = whole; j < n; j++) {
            double d = x[o + j] - mu;
            s += square ? d * d : d;
        }
        return s;
    }

    /** p: scratch of {@link #PARTS} doubles. */
    static void layerNormForward(int r0, int r1, int dim, float[] x, int xo, float[] w, int wo, float[] b, int bo,
                                 float eps, float[] out, int oo, float[] mean, int mo, float[] rstd, int ro, double[] p) {
        for (int r = r0; r < r1; r++) {
            int xb = xo + r * dim;
            double mu = rowSum(x, xb, dim, 0, false, p) / dim; // x − 0 is x: the sum of the row
            double v = rowSum(x, xb, dim, mu, true, p);
            normaliseRow(r, dim, x, xo, w, wo, b, bo, mu, v, eps, out, oo, mean, mo, rstd, ro);
        }
    }

    /** A row's 1/σ from its sum of squared deviations v: the one formula the scalar and vector forwards share. */
    static float invStd(double v, int dim, float eps) {
        return (float) (1.0 / Math.sqrt(v / dim + eps));
    }

    /**
     * Row r's output, mean and 1/σ from its mean and sum of squared deviations (both double, summed in
     * {@link #PARTS} running sums). {@link VectorLayerNorm#forward} writes the same output a vector at a time, with the same {@link #invStd}.
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

    /**
     * Rows [r0, r1): dx rows written (+=), dw/db accumulated into the given (possibly partial) arrays; t and p are
     * scratch of {@link #layerNormScratch} floats and {@link #PARTS} doubles.
     */
    static void layerNormBackward(int r0, int r1, int dim, float[] x, int xo, float[] w, int wo, float[] mean, int mo,
                                  float[] rstd, int ro, float[] dout, int doo, float[] dx, int dxo, float[] dw,
                                  int dwo, float[] db, int dbo, float[] t, double[] p) {
        for (int r = r0; r < r1; r++) {
            int xb = xo + r * dim, gb = doo + r * dim, ob = dxo + r * dim;
            float m = mean[mo + r], rs = rstd[ro + r];
            for (int j = 0; j < dim; j++) {
                float xh = (x[xb + j] - m) * rs;
                float dxh = dout[gb + j] * w[wo + j];
                t[j] = dxh;
                t[dim + j] = dxh * xh;
                dw[dwo + j] += dout[gb + j] * xh;
                db[dbo + j] += dout[gb + j];
            }
            double sumD = rowSum(t, 0, dim, 0, false, p), sumDX = rowSum(t, dim, dim, 0, false, p);
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
