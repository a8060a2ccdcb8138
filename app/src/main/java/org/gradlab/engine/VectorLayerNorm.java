package org.gradlab.engine;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * LayerNorm a vector of columns at a time, bit for bit {@link CpuTransformerKernels}' loops. A row's mean, variance
 * and backward sums are doubles in {@link CpuTransformerKernels#PARTS} running sums, which here are the lanes of a
 * few double vectors (two of eight doubles, or four of four), fed floats widened a vector at a time;
 * the element-wise parts (the output, x̂, dw, db, dx) are the same float operations in the same order, and dw/db
 * take the rows in order. With one double chain per row (four rows side by side), a GPT's 2,048 × 128 forward took
 * ~210 µs on one core, the chains ~85% of it.
 */
final class VectorLayerNorm {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int L = VectorGemm.L, DL = DS.length(), PARTS = CpuTransformerKernels.PARTS;
    /**
     * Whether the running sums fit this machine's vectors: a group of PARTS floats in one float vector (AVX-512)
     * or two (AVX2), each float vector two double vectors.
     */
    static final boolean LANES = L == 2 * DL && (L == PARTS || 2 * L == PARTS);

    private VectorLayerNorm() {}

    /** p (scratch of PARTS doubles) as the output, mean and 1/σ of rows [r0, r1). */
    static void forward(int r0, int r1, int dim, float[] x, int xo, float[] w, int wo, float[] b, int bo, float eps,
                        float[] out, int oo, float[] mean, int mo, float[] rstd, int ro, double[] p) {
        if (!LANES) {
            CpuTransformerKernels.layerNormForward(r0, r1, dim, x, xo, w, wo, b, bo, eps, out, oo, mean, mo, rstd, ro, p);
            return;
        }
        for (int r = r0; r < r1; r++) {
            int xb = xo + r * dim;
            double mu = rowSum(x, xb, dim, 0, false, p) / dim;
            normaliseRow(r, dim, x, xo, w, wo, b, bo, mu, rowSum(x, xb, dim, mu, true, p), eps, out, oo, mean, mo, rstd, ro);
        }
    }

    /**
     * {@link CpuTransformerKernels#rowSum}: Σ (x − mu) or Σ (x − mu)² of n floats from o, each group of PARTS values
     * lane for lane into the running sums (a multiply then an add, as the scalar loop), then the tree and the row's
     * last n mod PARTS values in order.
     */
    private static double rowSum(float[] x, int o, int n, double mu, boolean square, double[] p) {
        int whole = n - n % PARTS, j = 0;
        DoubleVector m = DoubleVector.broadcast(DS, mu), a0 = DoubleVector.zero(DS), a1 = a0, a2 = a0, a3 = a0;
        for (; j < whole; j += PARTS) {
            // each half widened, less mu, squared when asked (a multiply, as the scalar loop's d · d); written out
            // here, as a vector passed to a method C2 does not inline is boxed (VectorSupportTest)
            FloatVector f = FloatVector.fromArray(S, x, o + j);
            DoubleVector d0 = ((DoubleVector) f.convertShape(VectorOperators.F2D, DS, 0)).sub(m);
            DoubleVector d1 = ((DoubleVector) f.convertShape(VectorOperators.F2D, DS, 1)).sub(m);
            a0 = a0.add(square ? d0.mul(d0) : d0);
            a1 = a1.add(square ? d1.mul(d1) : d1);
            if (L == PARTS) continue; // one float vector held the group
            f = FloatVector.fromArray(S, x, o + j + L);
            d0 = ((DoubleVector) f.convertShape(VectorOperators.F2D, DS, 0)).sub(m);
            d1 = ((DoubleVector) f.convertShape(VectorOperators.F2D, DS, 1)).sub(m);
            a2 = a2.add(square ? d0.mul(d0) : d0);
            a3 = a3.add(square ? d1.mul(d1) : d1);
        }
        a0.intoArray(p, 0);
        a1.intoArray(p, DL);
        if (L < PARTS) {
            a2.intoArray(p, 2 * DL);
            a3.intoArray(p, 3 * DL);
        }
        double s = CpuTransformerKernels.tree(p);
        for (; j < n; j++) {
            double d = x[o + j] - mu;
            s += square ? d * d : d;
        }
        return s;
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
     * Rows [r0, r1): dx rows written (+=), dw/db accumulated row after row; `t` holds
     * {@link CpuTransformerKernels#layerNormScratch} floats, p {@link CpuTransformerKernels#PARTS} doubles.
     */
    static void backward(int r0, int r1, int dim, float[] x, int xo, float[] w, int wo, float[] mean, int mo, float[] rstd,
                         int ro, float[] dout, int doo, float[] dx, int dxo, float[] dw, int dwo, float[] db, int dbo, float[] t,
                         double[] p) {
        if (!LANES) {
            CpuTransformerKernels.layerNormBackward(r0, r1, dim, x, xo, w, wo, mean, mo, rstd, ro, dout, doo, dx, dxo, dw, dwo, db,
                    dbo, t, p);
            return;
        }
        for (int r = r0; r < r1; r++) {
            // t[j] = x̂'s gradient dxh, t[dim + j] = dxh·x̂ (a float product, as the loop has it)
            terms(r, dim, x, xo, w, wo, mean[mo + r], rstd[ro + r], dout, doo, dw, dwo, db, dbo, t, 0, dim);
            gradient(r, dim, x, xo, mean, mo, rstd, ro, dx, dxo, rowSum(t, 0, dim, 0, false, p),
                    rowSum(t, dim, dim, 0, false, p), t, 0);
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
