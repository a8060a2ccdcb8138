package org.gradlab.engine;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
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
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LS = DS.withLanes(long.class);
    /** The float lanes below DS's lane count: a tanhNarrow group's. */
    private static final jdk.incubator.vector.VectorMask<Float> LOW = S.indexInRange(0, DS.length());
    private static final DoubleVector D_ONE = DoubleVector.broadcast(DS, 1.0), D_TWO = DoubleVector.broadcast(DS, 2.0);
    /** Steps of the double grid on each side of the vector exp that surely hold Math.exp's result (see tanhNarrow). */
    private static final long BRACKET = 8;
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
     * h[ho + r·hid + j] = (xTile[r·np + j] + bih[j]) + (hTile[r·np + j] + bhh[j]) for `rows` rows and j in the whole
     * vectors (j &lt; hid − hid mod L), the sums {@link #tanhRows} then takes in place: a tile of RNN rows straight from
     * the input and hidden products' tiles (row stride np), the operations of the per-step path's bias passes and
     * {@link CpuCells#rnnTanhForward} in their order. The sums of the narrow last columns (w = hid mod L of them) go to
     * narrow[no + r·w + q], for {@link #tanhNarrow} to take a whole time step's at once; bih and bhh are the biases
     * padded with zeros to np, so those sums are a vector a row (narrow needs L floats past its last row's). A tile a
     * call, not a row: a call per row cost the small RNN's forward 1-5%, as this class's methods are never inlined.
     */
    static void sumsForTanh(int rows, int hid, int np, float[] xTile, float[] hTile, float[] bih, float[] bhh,
                            float[] h, int ho, float[] narrow, int no) {
        int full = hid - hid % S.length(), w = hid - full;
        for (int r = 0; r < rows; r++) {
            int src = r * np, dst = ho + r * hid, j = 0;
            for (; j < full; j += S.length()) {
                FloatVector xg = FloatVector.fromArray(S, xTile, src + j).add(FloatVector.fromArray(S, bih, j));
                FloatVector hg = FloatVector.fromArray(S, hTile, src + j).add(FloatVector.fromArray(S, bhh, j));
                xg.add(hg).intoArray(h, dst + j);
            }
            if (w == 0) continue;
            // the same float adds as the scalar sum, a vector at a time; the next row's store overwrites the lanes
            // past this row's w
            FloatVector xg = FloatVector.fromArray(S, xTile, src + full).add(FloatVector.fromArray(S, bih, full));
            FloatVector hg = FloatVector.fromArray(S, hTile, src + full).add(FloatVector.fromArray(S, bhh, full));
            xg.add(hg).intoArray(narrow, no + r * w);
        }
    }

    /**
     * tanh in place over `rows` rows' whole vectors (j &lt; hid − hid mod L), row r at h[ho + r·hid]: four rows'
     * vectors at a time ({@link VectorMath#activate4}: four exps side by side), then any rows left one by one, each
     * vector's exp alone. The caller gathers tiles until their rows come out in fours (five-row tiles, four at a time),
     * so no row is left alone: 50 units, batch 20, one JVM alternating, the forward 152-159 -> 148-151 µs.
     */
    static void tanhRows(int rows, int hid, float[] h, int ho) {
        int full = hid - hid % S.length(), r = 0;
        for (; r + 4 <= rows; r += 4) VectorMath.activate4(false, h, ho + r * hid, hid, full / S.length(), S.length());
        for (; r < rows; r++) {
            for (int j = 0, d = ho + r * hid; j < full; j += S.length()) VectorMath.tanh(FloatVector.fromArray(S, h, d + j)).intoArray(h, d + j);
        }
    }

    /** Doubles of scratch {@link #tanhNarrow} needs. */
    static int narrowLanes() {
        return 3 * DS.length();
    }

    /**
     * v[i] = {@link Activations#tanh(float)} of v[i] for i &lt; n, bit for bit, a double vector at a time; returns how
     * many values the scalar formula had to decide. That formula is (float)(1 − 2/(e + 1)), e = Math.exp(2x) in
     * double, and Math.exp took 4-9 ns a value: the two columns past a 50-unit RNN's whole vectors took 100-200 of the
     * 360-560 ns an 8-row tile's sums and tanh took. The vector EXP (an intrinsic, ~0.4 ns a value) keeps Math.exp's
     * contract, within 1 ulp of e^y
     * (VectorOperators: "the accuracy and monotonicity specifications of the equivalent Java operation"), so
     * Math.exp(y) lies within {@link #BRACKET} steps of the double grid around it, across a binade's edge too. Each
     * operation of the formula rounds monotonically, so where both ends of that bracket give the same float, Math.exp's
     * e gives it as well; where they differ (a float's rounding boundary inside the bracket, or NaN, ±inf, an e of 0
     * or past the largest double) the scalar formula decides.
     * <p>
     * Where v has a float vector's room past a whole group (the recurrence's scratch does), the group is converted from
     * and back into v in vectors, its other lanes written back unchanged: lane by lane through the scratch, a step's 40
     * values took 200-211 ns, this way 170-192 (one JVM, both ways alternating), and a 50-unit forward over T = 100
     * ~8 µs less of its ~155 (five JVMs of six).
     */
    static int tanhNarrow(float[] v, int n, double[] lanes) {
        int dl = DS.length(), scalar = 0;
        for (int i = 0; i < n; i += dl) {
            if (i + dl <= n && i + S.length() <= v.length) {
                // a whole group straight from v, in the low lanes of a float vector (one float species throughout: a
                // second one's intoArray made the JDK's shared vector methods polymorphic, and activate4 slowed 60%)
                FloatVector x = FloatVector.fromArray(S, v, i);
                DoubleVector y = ((DoubleVector) x.convertShape(VectorOperators.F2D, DS, 0)).mul(D_TWO);
                LongVector bits = (LongVector) y.lanewise(VectorOperators.EXP).reinterpretShape(LS, 0);
                DoubleVector lo = (DoubleVector) bits.sub(BRACKET).reinterpretShape(DS, 0), hi = (DoubleVector) bits.add(BRACKET).reinterpretShape(DS, 0);
                FloatVector a = (FloatVector) D_ONE.sub(D_TWO.div(lo.add(D_ONE))).convertShape(VectorOperators.D2F, S, 0);
                FloatVector b = (FloatVector) D_ONE.sub(D_TWO.div(hi.add(D_ONE))).convertShape(VectorOperators.D2F, S, 0);
                // NaN compares unequal; neither end is ever −0 (1 − u rounds to +0 when u = 1); the lanes past the
                // group are 0 in both. The bracket's arithmetic is written out here and in narrowGroup: this class's
                // methods are never inlined (see the class comment), so a shared helper would box its vectors
                if (a.eq(b).allTrue()) {
                    x.blend(a, LOW).intoArray(v, i);
                    continue;
                }
            }
            scalar += narrowGroup(v, i, Math.min(dl, n - i), lanes);
        }
        return scalar;
    }

    /** tanhNarrow for the m ≤ DS.length() values at v[i]: lane by lane through scratch, each undecided one by Math.exp. */
    private static int narrowGroup(float[] v, int i, int m, double[] lanes) {
        int dl = DS.length(), scalar = 0;
        for (int q = 0; q < dl; q++) lanes[q] = q < m ? 2.0 * v[i + q] : 0.0;
        LongVector bits = (LongVector) DoubleVector.fromArray(DS, lanes, 0).lanewise(VectorOperators.EXP).reinterpretShape(LS, 0);
        DoubleVector lo = (DoubleVector) bits.sub(BRACKET).reinterpretShape(DS, 0), hi = (DoubleVector) bits.add(BRACKET).reinterpretShape(DS, 0);
        D_ONE.sub(D_TWO.div(lo.add(D_ONE))).intoArray(lanes, dl);
        D_ONE.sub(D_TWO.div(hi.add(D_ONE))).intoArray(lanes, 2 * dl);
        for (int q = 0; q < m; q++) {
            float a = (float) lanes[dl + q], b = (float) lanes[2 * dl + q];
            if (a == b) {
                v[i + q] = a;
            } else {
                v[i + q] = Activations.tanh(v[i + q]);
                scalar++;
            }
        }
        return scalar;
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

    /**
     * geluForward for x[i0, i1), each x then replaced by GELU's slope there, Φ(x) + x·φ(x): the factor geluBackward
     * takes from x, by its operations, so {@link #geluBackwardBySlope} has geluBackward's bits with one multiply a
     * value where geluBackward takes an exp, a divide and two polynomials again. Whole vectors only (the caller
     * leaves the rest as they are).
     */
    static void geluForwardSlope(int i0, int i1, float[] x, int xo, float[] out, int oo) {
        for (int i = i0; i + S.length() <= i1; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector z = v.mul(V_INV_SQRT2), az = z.abs();
            FloatVector g = VectorMath.exp(az.mul(az).neg());
            FloatVector erf = VectorMath.erfHalf(z, az, g);
            v.mul(HALF).mul(erf.add(ONE)).intoArray(out, oo + i);
            erf.add(ONE).mul(HALF).add(v.mul(g.mul(V_INV_SQRT_2PI))).intoArray(x, xo + i);
        }
    }

    /** dx = dout · slope for [i0, i1), whole vectors only: geluBackward's last operation, the slope from geluForwardSlope. */
    static void geluBackwardBySlope(int i0, int i1, float[] slope, int so, float[] dout, int doo, float[] dx, int dxo) {
        for (int i = i0; i + S.length() <= i1; i += S.length()) {
            FloatVector.fromArray(S, dout, doo + i).mul(FloatVector.fromArray(S, slope, so + i)).intoArray(dx, dxo + i);
        }
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
