package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Every loop that calls {@link VectorMath}'s exp-based lane math (sigmoid, tanh, softmax's exp, GELU), over
 * contiguous floats; loaded only when the incubator module is present.
 * <p>
 * The launcher tells C2 never to inline this class's methods into their callers
 * ({@code -XX:CompileCommand=dontinline,org.gradlab.engine.VectorActivations::*}), so each loop is compiled on its own,
 * small enough that exp always inlines into it. Inlined into a large caller (an LSTM or GRU cell runs four such loops
 * a row), C2 reached its node budget, NodeCountInliningCutoff, and left exp a call: its vectors were boxed and the
 * operations after it ran lane by lane in Java. A GRU's forward recurrence took 17–21 ms instead of 4–6 in one JVM of
 * two to four, depending on which method the JIT compiled first.
 */
final class VectorActivations {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector ONE = VectorMath.ONE, HALF = VectorMath.c(0.5f),
            V_INV_SQRT2 = VectorMath.c((float) Math.sqrt(0.5)), V_INV_SQRT_2PI = VectorMath.c((float) (1 / Math.sqrt(2 * Math.PI)));

    private VectorActivations() {}

    static void sigmoid(float[] x, int off, int n) {
        int i = off, end = off + n, l = S.length();
        int groups = (end - i) / (4 * l);
        VectorMath.activate4(true, x, i, l, groups, 4 * l);
        i += groups * 4 * l;
        for (; i + l <= end; i += l) VectorMath.sigmoid(FloatVector.fromArray(S, x, i)).intoArray(x, i);
        for (; i < end; i++) x[i] = Activations.sigmoid(x[i]);
    }

    static void tanh(float[] x, int off, int n) {
        int i = off, end = off + n, l = S.length();
        int groups = (end - i) / (4 * l);
        VectorMath.activate4(false, x, i, l, groups, 4 * l);
        i += groups * 4 * l;
        for (; i + l <= end; i += l) VectorMath.tanh(FloatVector.fromArray(S, x, i)).intoArray(x, i);
        for (; i < end; i++) x[i] = Activations.tanh(x[i]);
    }

    /**
     * h[ho + r·hid + j] = tanh((xTile[r·np + j] + bih[j]) + (hTile[r·np + j] + bhh[j])) for `rows` rows, all hid
     * columns: a tile of RNN rows straight from the input and hidden products' tiles (row stride np, the biases
     * padded with zeros to np), the operations of the per-step path's bias passes and {@link CpuCells#rnnTanhForward}
     * in their order. The sums go into hTile, whose rows·np floats are then whole vectors side by side, four at a
     * time through tanh's chains ({@link VectorMath#activate4}); tanh gives every lane the scalar formula's bits, so
     * the narrow last vector of a row needs no path of its own. A tile a call, not a row: a call per row cost the
     * small RNN's forward 1-5%, as this class's methods are never inlined.
     */
    static void tanhOfSums(int rows, int hid, int np, float[] xTile, float[] hTile, float[] bih, float[] bhh,
                           float[] h, int ho) {
        int l = S.length(), n = rows * np;
        for (int r = 0; r < rows; r++) {
            for (int j = 0, o = r * np; j < np; j += l, o += l) {
                FloatVector xg = FloatVector.fromArray(S, xTile, o).add(FloatVector.fromArray(S, bih, j));
                FloatVector hg = FloatVector.fromArray(S, hTile, o).add(FloatVector.fromArray(S, bhh, j));
                xg.add(hg).intoArray(hTile, o);
            }
        }
        int groups = n / (4 * l), i = groups * 4 * l;
        VectorMath.activate4(false, hTile, 0, l, groups, 4 * l);
        for (; i < n; i += l) VectorMath.tanh(FloatVector.fromArray(S, hTile, i)).intoArray(hTile, i);
        for (int r = 0; r < rows; r++) System.arraycopy(hTile, r * np, h, ho + r * hid, hid);
    }

    /** dst[i] = exp(src[i] − shift) for i < n; returns the sum (fixed reduction order: deterministic). */
    static float expShiftInto(float[] src, int so, int n, float shift, float[] dst, int dOff) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + S.length() <= n; i += S.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, src, so + i).sub(shift));
            e.intoArray(dst, dOff + i);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(src[so + i] - shift);
            dst[dOff + i] = e;
            sum += e;
        }
        return sum;
    }

    /** Exact (erf) GELU, x·(1 + erf(x/√2))/2, for x[i0, i1); the last values past whole vectors as the scalar kernel. */
    static void geluForward(int i0, int i1, float[] x, int xo, float[] out, int oo) {
        int i = i0;
        for (; i + S.length() <= i1; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector z = v.mul(V_INV_SQRT2), az = z.abs();
            FloatVector g = VectorMath.exp(az.mul(az).neg());
            v.mul(HALF).mul(VectorMath.erfHalf(z, az, g).add(ONE)).intoArray(out, oo + i);
        }
        if (i < i1) CpuTransformerKernels.geluForward(i, i1, x, xo, out, oo, false);
    }

    /** dx = dout · (Φ(x) + x·φ(x)) for x[i0, i1), one exp per value (φ from the erf's own exp(−x²/2)). */
    static void geluBackward(int i0, int i1, float[] x, int xo, float[] dout, int doo, float[] dx, int dxo) {
        int i = i0;
        for (; i + S.length() <= i1; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector z = v.mul(V_INV_SQRT2), az = z.abs();
            FloatVector g = VectorMath.exp(az.mul(az).neg()); // exp(−x²/2)
            FloatVector cdf = VectorMath.erfHalf(z, az, g).add(ONE).mul(HALF);
            FloatVector pdf = g.mul(V_INV_SQRT_2PI);
            FloatVector.fromArray(S, dout, doo + i).mul(cdf.add(v.mul(pdf))).intoArray(dx, dxo + i);
        }
        if (i < i1) CpuTransformerKernels.geluBackward(i, i1, x, xo, dout, doo, dx, dxo, false);
    }
}
