package org.gradlab.engine;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * LayerNorm four rows at a time, bit for bit {@link CpuTransformerKernels}' loops. A row's mean, variance and
 * backward sums are double chains in column order, and one chain waits ~4 cycles on each add; four rows' chains
 * side by side keep the adder busy. The backward's element-wise parts (x̂, dw, db, dx) run a vector of columns at
 * a time with the same float operations in the same order, and dw/db still take the rows in order; so does the
 * forward's output. (Vectorising that output once doubled the GELU kernels' share of a GPT step: that was HotSpot's
 * class-check trap limit, which the launcher now raises — see {@link VectorSupport}.)
 * <p>
 * The double chains read doubles widened beforehand a vector at a time, never a float converted in the chain: C2
 * converts a float with vcvtss2sd into a register whose old value it keeps (the instruction merges its upper half),
 * and it chose the chain's own registers, so every conversion waited on the add before it — a GPT's 2,048 × 128
 * forward ran at ~6 cycles a value.
 */
final class VectorLayerNorm {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int L = VectorGemm.L, ROWS = 4;

    private VectorLayerNorm() {}

    /** Floats of scratch {@link #backward} needs for rows of `dim`. */
    static int scratchSize(int dim) {
        return 2 * ROWS * dim;
    }

    /** Doubles of scratch {@link #forward} and {@link #backward} need for rows of `dim`. */
    static int doubleScratchSize(int dim) {
        return 2 * ROWS * dim;
    }

    /** xd[i] = (double) x[x0 + i] for i &lt; n: exact, a float vector widened to two double vectors at a time. */
    private static void widen(float[] x, int x0, int n, double[] xd) {
        int i = 0, dl = DS.length();
        for (; i + L <= n; i += L) {
            FloatVector f = FloatVector.fromArray(S, x, x0 + i);
            ((DoubleVector) f.convertShape(VectorOperators.F2D, DS, 0)).intoArray(xd, i);
            ((DoubleVector) f.convertShape(VectorOperators.F2D, DS, 1)).intoArray(xd, i + dl);
        }
        for (; i < n; i++) xd[i] = x[x0 + i];
    }

    /** xd holds {@link #doubleScratchSize} doubles. */
    static void forward(int r0, int r1, int dim, float[] x, int xo, float[] w, int wo, float[] b, int bo, float eps,
                        float[] out, int oo, float[] mean, int mo, float[] rstd, int ro, double[] xd) {
        int r = r0, a1 = dim, a2 = 2 * dim, a3 = 3 * dim;
        for (; r + ROWS <= r1; r += ROWS) {
            widen(x, xo + r * dim, ROWS * dim, xd); // the four rows lie one after another
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int j = 0; j < dim; j++) {
                s0 += xd[j]; s1 += xd[a1 + j]; s2 += xd[a2 + j]; s3 += xd[a3 + j];
            }
            double mu0 = s0 / dim, mu1 = s1 / dim, mu2 = s2 / dim, mu3 = s3 / dim;
            double v0 = 0, v1 = 0, v2 = 0, v3 = 0;
            for (int j = 0; j < dim; j++) {
                double d0 = xd[j] - mu0, d1 = xd[a1 + j] - mu1, d2 = xd[a2 + j] - mu2, d3 = xd[a3 + j] - mu3;
                v0 += d0 * d0; v1 += d1 * d1; v2 += d2 * d2; v3 += d3 * d3;
            }
            normaliseRow(r, dim, x, xo, w, wo, b, bo, mu0, v0, eps, out, oo, mean, mo, rstd, ro);
            normaliseRow(r + 1, dim, x, xo, w, wo, b, bo, mu1, v1, eps, out, oo, mean, mo, rstd, ro);
            normaliseRow(r + 2, dim, x, xo, w, wo, b, bo, mu2, v2, eps, out, oo, mean, mo, rstd, ro);
            normaliseRow(r + 3, dim, x, xo, w, wo, b, bo, mu3, v3, eps, out, oo, mean, mo, rstd, ro);
        }
        if (r < r1) CpuTransformerKernels.layerNormForward(r, r1, dim, x, xo, w, wo, b, bo, eps, out, oo, mean, mo, rstd, ro);
    }

    /** CpuTransformerKernels.normaliseRow a vector of columns at a time: ((x − m)·rs)·w + b, the same float operations. */
    private static void normaliseRow(int r, int dim, float[] x, int xo, float[] w, int wo, float[] b, int bo, double mu,
                                     double v, float eps, float[] out, int oo, float[] mean, int mo, float[] rstd, int ro) {
        float rs = CpuTransformerKernels.invStd(v, dim, eps);
        float m = (float) mu;
        int xb = xo + r * dim, ob = oo + r * dim, j = 0;
        FloatVector mv = FloatVector.broadcast(S, m), rv = FloatVector.broadcast(S, rs);
        for (; j + L <= dim; j += L) {
            FloatVector.fromArray(S, x, xb + j).sub(mv).mul(rv).mul(FloatVector.fromArray(S, w, wo + j))
                    .add(FloatVector.fromArray(S, b, bo + j)).intoArray(out, ob + j);
        }
        for (; j < dim; j++) out[ob + j] = (x[xb + j] - m) * rs * w[wo + j] + b[bo + j];
        mean[mo + r] = m;
        rstd[ro + r] = rs;
    }

    /**
     * Rows [r0, r1): dx rows written (+=), dw/db accumulated row after row; `t` holds {@link #scratchSize} floats,
     * td {@link #doubleScratchSize} doubles.
     */
    static void backward(int r0, int r1, int dim, float[] x, int xo, float[] w, int wo, float[] mean, int mo, float[] rstd,
                         int ro, float[] dout, int doo, float[] dx, int dxo, float[] dw, int dwo, float[] db, int dbo, float[] t,
                         double[] td) {
        int r = r0;
        for (; r + ROWS <= r1; r += ROWS) {
            // t[q·dim + j] = x̂'s gradient dxh of row r+q, t[(4+q)·dim + j] = dxh·x̂ (a float product, as the loop has it)
            for (int q = 0; q < ROWS; q++) {
                int row = r + q;
                terms(row, dim, x, xo, w, wo, mean[mo + row], rstd[ro + row], dout, doo, dw, dwo, db, dbo, t, q * dim, (ROWS + q) * dim);
            }
            widen(t, 0, 2 * ROWS * dim, td);
            double d0 = 0, d1 = 0, d2 = 0, d3 = 0, e0 = 0, e1 = 0, e2 = 0, e3 = 0;
            int a1 = dim, a2 = 2 * dim, a3 = 3 * dim, p0 = 4 * dim, p1 = 5 * dim, p2 = 6 * dim, p3 = 7 * dim;
            for (int j = 0; j < dim; j++) {
                d0 += td[j]; d1 += td[a1 + j]; d2 += td[a2 + j]; d3 += td[a3 + j];
                e0 += td[p0 + j]; e1 += td[p1 + j]; e2 += td[p2 + j]; e3 += td[p3 + j];
            }
            gradient(r, dim, x, xo, mean, mo, rstd, ro, dx, dxo, d0, e0, t, 0);
            gradient(r + 1, dim, x, xo, mean, mo, rstd, ro, dx, dxo, d1, e1, t, a1);
            gradient(r + 2, dim, x, xo, mean, mo, rstd, ro, dx, dxo, d2, e2, t, a2);
            gradient(r + 3, dim, x, xo, mean, mo, rstd, ro, dx, dxo, d3, e3, t, a3);
        }
        if (r < r1) {
            CpuTransformerKernels.layerNormBackward(r, r1, dim, x, xo, w, wo, mean, mo, rstd, ro, dout, doo, dx, dxo, dw, dwo, db, dbo);
        }
    }

    private static void terms(int r, int dim, float[] x, int xo, float[] w, int wo, float m, float rs, float[] dout, int doo,
                              float[] dw, int dwo, float[] db, int dbo, float[] t, int tD, int tDX) {
        int xb = xo + r * dim, gb = doo + r * dim, j = 0;
        FloatVector mv = FloatVector.broadcast(S, m), rv = FloatVector.broadcast(S, rs);
        for (; j + L <= dim; j += L) {
            FloatVector xh = FloatVector.fromArray(S, x, xb + j).sub(mv).mul(rv);
            FloatVector g = FloatVector.fromArray(S, dout, gb + j);
            FloatVector dxh = g.mul(FloatVector.fromArray(S, w, wo + j));
            dxh.intoArray(t, tD + j);
            dxh.mul(xh).intoArray(t, tDX + j);
            FloatVector.fromArray(S, dw, dwo + j).add(g.mul(xh)).intoArray(dw, dwo + j);
            FloatVector.fromArray(S, db, dbo + j).add(g).intoArray(db, dbo + j);
        }
        for (; j < dim; j++) {
            float xh = (x[xb + j] - m) * rs;
            float dxh = dout[gb + j] * w[wo + j];
            t[tD + j] = dxh;
            t[tDX + j] = dxh * xh;
            dw[dwo + j] += dout[gb + j] * xh;
            db[dbo + j] += dout[gb + j];
        }
    }

    private static void gradient(int r, int dim, float[] x, int xo, float[] mean, int mo, float[] rstd, int ro, float[] dx,
                                 int dxo, double sumD, double sumDX, float[] t, int tD) {
        float m = mean[mo + r], rs = rstd[ro + r];
        float meanD = (float) (sumD / dim), meanDX = (float) (sumDX / dim);
        int xb = xo + r * dim, ob = dxo + r * dim, j = 0;
        FloatVector mv = FloatVector.broadcast(S, m), rv = FloatVector.broadcast(S, rs);
        FloatVector md = FloatVector.broadcast(S, meanD), mdx = FloatVector.broadcast(S, meanDX);
        for (; j + L <= dim; j += L) {
            FloatVector xh = FloatVector.fromArray(S, x, xb + j).sub(mv).mul(rv);
            FloatVector dxh = FloatVector.fromArray(S, t, tD + j);
            FloatVector.fromArray(S, dx, ob + j).add(rv.mul(dxh.sub(md).sub(xh.mul(mdx)))).intoArray(dx, ob + j);
        }
        for (; j < dim; j++) {
            float xh = (x[xb + j] - m) * rs;
            dx[ob + j] += rs * (t[tD + j] - meanD - xh * meanDX);
        }
    }
}
