package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane math on float vectors, written to be inlined into the loop that calls it: exp, tanh and GELU's erf, each from
 * IEEE adds, multiplies and divides only (exp: Cephes expf, range reduction by ln 2 and a degree-6 polynomial, ~1 ulp).
 * Not {@code VectorOperators.EXP}: that is an SVML call once C2 compiles the loop but a per-lane Math.exp before, and
 * the two differ in the last bit — which broke bit-identical reruns. Plain arithmetic gives the same bits in every
 * JIT tier.
 * <p>
 * Only {@link VectorActivations}' loops call the methods that take or return a vector: a call C2 does not inline
 * boxes its vectors, and every operation after it runs in Java, lane by lane (see VectorActivations for why its
 * loops are safe). The array passes at the end do no transcendental math.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5·2^23: adding it rounds to an integer in the low bits
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    // Coefficients as vector constants rather than scalar operands: each scalar operand is a broadcast, whose
    // nodes count towards C2's inlining limit — past it a caller stops inlining exp and boxes every vector.
    static final FloatVector ONE = c(1f);
    private static final FloatVector LO = c(-87.3f), HI = c(88.3f), ABS_LO = c(87.3f), V_LOG2E = c(LOG2E), V_ROUND = c(ROUND),
            V_LN2_HI = c(LN2_HI), V_LN2_LO = c(LN2_LO), V_P0 = c(P0), V_P1 = c(P1), V_P2 = c(P2), V_P3 = c(P3),
            V_P4 = c(P4), V_P5 = c(P5);
    static final FloatVector ZERO = FloatVector.zero(S), TWO = c(2f);
    private static final FloatVector V_ERF_P = c(0.3275911f), V_A1 = c(0.254829592f), V_A2 = c(-0.284496736f),
            V_A3 = c(1.421413741f), V_A4 = c(-1.453152027f), V_A5 = c(1.061405429f);
    private static final IntVector V_EXP_BIAS = IntVector.broadcast(S.withLanes(int.class), ROUND_BITS - 127),
            V_ABS_MASK = IntVector.broadcast(S.withLanes(int.class), 0x7fffffff),
            V_SIGN_MASK = IntVector.broadcast(S.withLanes(int.class), 0x80000000),
            V_ABS_LO_BITS = IntVector.broadcast(S.withLanes(int.class), Float.floatToRawIntBits(87.3f));
    /** exp at the clamp's ends, by the same operations (plain IEEE arithmetic: the same bits in every JIT tier). */
    private static final FloatVector EXP_LO = unclamped(LO), EXP_HI = unclamped(HI);

    private VectorMath() {}

    /** A vector of c in every lane. */
    static FloatVector c(float c) {
        return FloatVector.broadcast(S, c);
    }

    static FloatVector exp(FloatVector x) {
        // The clamp to [LO, HI] by its result: a clamped lane's exp is exp(LO) or exp(HI), constants, so the lanes
        // are computed unclamped and, where a lane lies past either end (rare: |x| > 87.3), those two replace it
        // (NaN stays NaN: its compares are false). Bits as the clamp-first form, but no compare precedes the
        // polynomial: JDK 17 turns each compare into a vector and back to a predicate, ~20 cycles at the head of a
        // chain that bounds these loops (they are latency-bound). A 16-lane tanh: ~7 ns clamping first, ~5.5 so.
        FloatVector e = unclamped(x);
        if (x.abs().compare(VectorOperators.GT, ABS_LO).anyTrue()) {
            e = e.blend(EXP_LO, x.lt(LO)).blend(EXP_HI, x.compare(VectorOperators.GT, HI));
        }
        return e;
    }

    /** exp's polynomial without the clamp: right for x in [LO, HI] (and NaN), anything past them. */
    private static FloatVector unclamped(FloatVector x) {
        FloatVector t = x.mul(V_LOG2E).add(V_ROUND);
        FloatVector n = t.sub(V_ROUND);
        FloatVector r = x.sub(n.mul(V_LN2_HI)).sub(n.mul(V_LN2_LO));
        FloatVector r2 = r.mul(r);
        FloatVector p = r.mul(V_P0).add(V_P1).mul(r).add(V_P2).mul(r).add(V_P3).mul(r).add(V_P4).mul(r).add(V_P5);
        p = p.mul(r2).add(r).add(ONE);
        IntVector e = ((IntVector) t.reinterpretShape(IS, 0)).sub(V_EXP_BIAS).lanewise(VectorOperators.LSHL, 23);
        return p.mul(e.reinterpretShape(S, 0));
    }

    /** 1 − 2/(e^{2v} + 1) per lane: the vector half of {@link Activations#tanh(float)}. */
    static FloatVector tanh(FloatVector v) {
        return ONE.sub(TWO.div(exp(v.mul(TWO)).add(ONE)));
    }

    /**
     * {@link #sigmoid} (or {@link #tanh}) in place, the same bits, of `count` groups of four vectors of a: group g's
     * at o, o + stride, o + 2·stride, o + 3·stride for o = base + g·step, the four exps' operations interleaved. One
     * exp is a chain of ~20 dependent operations; a loop of one chain at a time filled the scheduler with operations
     * waiting on their predecessor, ~16 cycles a vector, where four chains side by side take ~11. A group with a lane
     * past exp's clamp (|x| > 87.3) or NaN goes through the one-vector method instead, whose check is per vector.
     * A loop, not a group a call: at 1 KB of bytecode it is compiled on its own, never inlined.
     */
    static void activate4(boolean sigmoid, float[] a, int base, int stride, int count, int step) {
        for (int g = 0, o0 = base; g < count; g++, o0 += step) {
            int o1 = o0 + stride, o2 = o1 + stride, o3 = o2 + stride;
            FloatVector x0 = FloatVector.fromArray(S, a, o0), x1 = FloatVector.fromArray(S, a, o1);
            FloatVector x2 = FloatVector.fromArray(S, a, o2), x3 = FloatVector.fromArray(S, a, o3);
            if (sigmoid) {
                x0 = x0.neg(); x1 = x1.neg(); x2 = x2.neg(); x3 = x3.neg();
            } else {
                x0 = x0.mul(TWO); x1 = x1.mul(TWO); x2 = x2.mul(TWO); x3 = x3.mul(TWO);
            }
            // |x| as integers (NaN's bits above every finite float's): one compare for the four vectors
            IntVector m0 = ((IntVector) x0.reinterpretShape(IS, 0)).and(V_ABS_MASK), m1 = ((IntVector) x1.reinterpretShape(IS, 0)).and(V_ABS_MASK);
            IntVector m2 = ((IntVector) x2.reinterpretShape(IS, 0)).and(V_ABS_MASK), m3 = ((IntVector) x3.reinterpretShape(IS, 0)).and(V_ABS_MASK);
            if (m0.max(m1).max(m2.max(m3)).compare(VectorOperators.GT, V_ABS_LO_BITS).anyTrue()) {
                activateEach(sigmoid, a, o0, stride);
                continue;
            }
            FloatVector t0 = x0.mul(V_LOG2E).add(V_ROUND), t1 = x1.mul(V_LOG2E).add(V_ROUND);
            FloatVector t2 = x2.mul(V_LOG2E).add(V_ROUND), t3 = x3.mul(V_LOG2E).add(V_ROUND);
            FloatVector n0 = t0.sub(V_ROUND), n1 = t1.sub(V_ROUND), n2 = t2.sub(V_ROUND), n3 = t3.sub(V_ROUND);
            FloatVector r0 = x0.sub(n0.mul(V_LN2_HI)).sub(n0.mul(V_LN2_LO)), r1 = x1.sub(n1.mul(V_LN2_HI)).sub(n1.mul(V_LN2_LO));
            FloatVector r2 = x2.sub(n2.mul(V_LN2_HI)).sub(n2.mul(V_LN2_LO)), r3 = x3.sub(n3.mul(V_LN2_HI)).sub(n3.mul(V_LN2_LO));
            FloatVector p0 = r0.mul(V_P0).add(V_P1), p1 = r1.mul(V_P0).add(V_P1), p2 = r2.mul(V_P0).add(V_P1), p3 = r3.mul(V_P0).add(V_P1);
            p0 = p0.mul(r0).add(V_P2); p1 = p1.mul(r1).add(V_P2); p2 = p2.mul(r2).add(V_P2); p3 = p3.mul(r3).add(V_P2);
            p0 = p0.mul(r0).add(V_P3); p1 = p1.mul(r1).add(V_P3); p2 = p2.mul(r2).add(V_P3); p3 = p3.mul(r3).add(V_P3);
            p0 = p0.mul(r0).add(V_P4); p1 = p1.mul(r1).add(V_P4); p2 = p2.mul(r2).add(V_P4); p3 = p3.mul(r3).add(V_P4);
            p0 = p0.mul(r0).add(V_P5); p1 = p1.mul(r1).add(V_P5); p2 = p2.mul(r2).add(V_P5); p3 = p3.mul(r3).add(V_P5);
            p0 = p0.mul(r0.mul(r0)).add(r0).add(ONE); p1 = p1.mul(r1.mul(r1)).add(r1).add(ONE);
            p2 = p2.mul(r2.mul(r2)).add(r2).add(ONE); p3 = p3.mul(r3.mul(r3)).add(r3).add(ONE);
            // 2^n from t's low bits, as unclamped; then e + 1
            FloatVector e0 = p0.mul(((IntVector) t0.reinterpretShape(IS, 0)).sub(V_EXP_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretShape(S, 0)).add(ONE);
            FloatVector e1 = p1.mul(((IntVector) t1.reinterpretShape(IS, 0)).sub(V_EXP_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretShape(S, 0)).add(ONE);
            FloatVector e2 = p2.mul(((IntVector) t2.reinterpretShape(IS, 0)).sub(V_EXP_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretShape(S, 0)).add(ONE);
            FloatVector e3 = p3.mul(((IntVector) t3.reinterpretShape(IS, 0)).sub(V_EXP_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretShape(S, 0)).add(ONE);
            if (sigmoid) {
                ONE.div(e0).intoArray(a, o0); ONE.div(e1).intoArray(a, o1); ONE.div(e2).intoArray(a, o2); ONE.div(e3).intoArray(a, o3);
            } else {
                ONE.sub(TWO.div(e0)).intoArray(a, o0); ONE.sub(TWO.div(e1)).intoArray(a, o1);
                ONE.sub(TWO.div(e2)).intoArray(a, o2); ONE.sub(TWO.div(e3)).intoArray(a, o3);
            }
        }
    }

    /** activate4's group one vector at a time, through the clamp (rare: kept out of its loop). */
    private static void activateEach(boolean sigmoid, float[] a, int o, int stride) {
        for (int q = 0; q < 4; q++, o += stride) {
            FloatVector v = FloatVector.fromArray(S, a, o);
            (sigmoid ? sigmoid(v) : tanh(v)).intoArray(a, o);
        }
    }

    /** 1/(1 + e^{−v}) per lane: the vector half of {@link Activations#sigmoid(float)}. */
    static FloatVector sigmoid(FloatVector v) {
        return ONE.div(exp(v.neg()).add(ONE));
    }

    /**
     * erf(x/√2) for a vector, given z = x/√2, |z| and g = exp(−z²), by Abramowitz &amp; Stegun 7.1.26 (absolute error
     * ≤ 1.5e-7, fp32 rounding level): GELU's backward reuses g as the normal density, one exp per value.
     */
    static FloatVector erfHalf(FloatVector z, FloatVector az, FloatVector g) {
        FloatVector t = ONE.div(az.mul(V_ERF_P).add(ONE));
        FloatVector poly = t.mul(V_A5).add(V_A4).mul(t).add(V_A3).mul(t).add(V_A2).mul(t).add(V_A1).mul(t);
        FloatVector r = ONE.sub(poly.mul(g));
        // r ≥ 0 (poly ≤ 1 and g ≤ 1), so z's sign bit OR'd into it is r.blend(r.neg(), z < 0) without the compare,
        // which JDK 17 makes a vector and back into a predicate: harness GELU forward and backward 5-7% faster. The
        // bits are the blend's but at z = −0 (−0 for +0: both callers add 1) and a NaN's sign (VectorGeluTest)
        IntVector sign = ((IntVector) z.reinterpretShape(IS, 0)).and(V_SIGN_MASK);
        return (FloatVector) ((IntVector) r.reinterpretShape(IS, 0)).or(sign).reinterpretShape(S, 0);
    }

    /** {@link Softmax#scaleAndMax}: the products as the scalar loop's; a lane takes a value only when it is larger. */
    static float scaleAndMax(float[] x, int o, int n, float scale) {
        FloatVector vs = c(scale), mx = c(Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j + S.length() <= n; j += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, o + j).mul(vs);
            v.intoArray(x, o + j);
            mx = mx.blend(v, v.compare(VectorOperators.GT, mx));
        }
        // no lane holds NaN (a compare with NaN is false); a max of ±0 only shifts exp's argument by a signed zero
        float max = mx.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) {
            float s = x[o + j] * scale;
            x[o + j] = s;
            if (s > max) max = s;
        }
        return max;
    }

    /**
     * The largest of x[o, o + n), −∞ for none; a NaN is never chosen (a compare with it is false), so a row with one
     * gives its largest other value where Math.max would give NaN: a softmax over it is NaN throughout either way.
     */
    static float max(float[] x, int o, int n) {
        FloatVector mx = c(Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j + S.length() <= n; j += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, o + j);
            mx = mx.blend(v, v.compare(VectorOperators.GT, mx));
        }
        float max = mx.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) if (x[o + j] > max) max = x[o + j];
        return max;
    }

    static void scale(float[] x, int o, int n, float f) {
        FloatVector vf = c(f);
        int j = 0;
        for (; j + S.length() <= n; j += S.length()) FloatVector.fromArray(S, x, o + j).mul(vf).intoArray(x, o + j);
        for (; j < n; j++) x[o + j] *= f;
    }

    /** d = p · (d − dot) · scale, the scalar loop's operations in its order. */
    static void softmaxGradient(float[] p, int pOff, float[] d, int dOff, int n, float dot, float scale) {
        FloatVector vd = c(dot), vs = c(scale);
        int j = 0;
        for (; j + S.length() <= n; j += S.length()) {
            FloatVector.fromArray(S, p, pOff + j).mul(FloatVector.fromArray(S, d, dOff + j).sub(vd)).mul(vs)
                    .intoArray(d, dOff + j);
        }
        for (; j < n; j++) d[dOff + j] = p[pOff + j] * (d[dOff + j] - dot) * scale;
    }
}
