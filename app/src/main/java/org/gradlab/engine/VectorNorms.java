package org.gradlab.engine;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums of squares in double, float vectors widened to double vectors, each with its own running sum (the sums and
 * then their lanes added in a fixed order at the end, so a rerun gives the same bits). [i0, i1) must be whole float vectors.
 */
final class VectorNorms {
    /**
     * The engine's one float species, and doubles as wide (half the lanes): a second, narrower float species here
     * made the shared vector methods' type profiles polymorphic, and C2 then left every kernel's vectors boxed — a
     * recorded small RNN ran 1.6× slower, allocating 2.4 MB a step.
     */
    private static final VectorSpecies<Float> FS = VectorGemm.S;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    private VectorNorms() {}

    /**
     * Σ x[i]² over [i0, i1): two float vectors an iteration, four running sums, since each double FMA waits ~4 cycles
     * on its sum's last one — with two sums a small RNN's backward spent 12-17 µs a step (of ~650) on its 100 time
     * steps' gradient norms.
     */
    static double sumSq(float[] x, int i0, int i1, double[] laneScratch) {
        DoubleVector s0 = DoubleVector.zero(DS), s1 = s0, s2 = s0, s3 = s0;
        int i = i0, l = FS.length(), h = DS.length();
        // each half vector widened from its own load's low half: the upper half's conversion (part 1) compiles to a
        // permute, a compare and a blend (1,000 floats in cache: 89-101 ns so, 63-90 this way); the last load reaches
        // h floats past the pair, so an array's last pairs take the loop below
        for (; i + 2 * l <= i1 && i + 2 * l + h <= x.length; i += 2 * l) {
            DoubleVector d0 = (DoubleVector) FloatVector.fromArray(FS, x, i).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d1 = (DoubleVector) FloatVector.fromArray(FS, x, i + h).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d2 = (DoubleVector) FloatVector.fromArray(FS, x, i + l).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d3 = (DoubleVector) FloatVector.fromArray(FS, x, i + l + h).convertShape(VectorOperators.F2D, DS, 0);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
        }
        for (; i + 2 * l <= i1; i += 2 * l) {
            FloatVector f = FloatVector.fromArray(FS, x, i), g = FloatVector.fromArray(FS, x, i + l);
            DoubleVector d0 = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d1 = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 1);
            DoubleVector d2 = (DoubleVector) g.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d3 = (DoubleVector) g.convertShape(VectorOperators.F2D, DS, 1);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
        }
        if (i < i1) {
            FloatVector f = FloatVector.fromArray(FS, x, i);
            DoubleVector d0 = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d1 = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 1);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
        }
        s0.add(s2).add(s1.add(s3)).intoArray(laneScratch, 0);
        return lanesInOrder(laneScratch);
    }

    /**
     * A block whose first {@link #PROBE} values all lie under 2^-40 is summed in double at once. In the float pass a
     * square under float's normal range (|x| < 2^-63) takes a microcode assist on every multiply-add that makes it,
     * and a vanishing gradient's early time steps (a tanh RNN's ‖∂L/∂h_t‖ at 10^-23 to 10^-12: the rnn-adding anchor's
     * first forty of a hundred) took 2-10x their double sum's time, often to be thrown away for it after
     * ({@link #FLOAT_FLOOR}). A time step's values lie within a few orders of magnitude of each other, so its first
     * values tell; a block they mislead is summed as before (either way a correct sum, the choice made by the data
     * alone, so the same bits on any thread count). A probe, not a pass over the block: a pass of its own made ordinary
     * blocks' sums 60-85% slower (100 × 4,096 values on one thread: 26.7 → 43-50 µs).
     */
    private static final int SMALL_BITS = Float.floatToRawIntBits(0x1p-40f);
    /** Values {@link #SMALL_BITS} looks at: four vectors. */
    private static final int PROBE = 4 * FS.length();
    private static final VectorSpecies<Integer> IS = FS.withLanes(int.class);
    private static final IntVector ABS_BITS = IntVector.broadcast(IS, 0x7fffffff);

    /**
     * The largest |x| of [i0, i1) as its float bits (a NaN's above every finite value's): integer lanes, which no value
     * makes slow. The last values past the whole vectors one by one.
     */
    static int maxAbsBits(float[] x, int i0, int i1) {
        int l = FS.length(), i = i0;
        IntVector m = IntVector.zero(IS);
        for (; i + l <= i1; i += l) m = m.max(((IntVector) FloatVector.fromArray(FS, x, i).reinterpretShape(IS, 0)).and(ABS_BITS));
        int best = m.reduceLanes(VectorOperators.MAX);
        for (; i < i1; i++) best = Math.max(best, Float.floatToRawIntBits(x[i]) & 0x7fffffff);
        return best;
    }

    /** Float vectors of squares summed before they are widened: 4 running sums × this many loads, at most. */
    static final int FLOAT_RUN = 16;
    /**
     * The least float-summed Σx² taken as it stands: below it, squares under float's range (|x| < 2^-63) may have
     * been lost against the total, so the values are summed again in double.
     */
    private static final double FLOAT_FLOOR = 0x1p-100;

    /**
     * Σ x[i]² over [i0, i1) for a reading kept to float precision (a recurrent layer's ‖∂L/∂h_t‖, a float in the
     * recording): squares summed in four float vectors for up to {@value #FLOAT_RUN} loads each, then widened into
     * two double sums, the lanes added first to last. A 20 × 50 step's 1,000 values in L1 take ~36 ns so, ~68 in
     * {@link #sumSq} (whose widening of every value bounds it); the relative error is at most ~FLOAT_RUN·2^-24. A
     * float sum that is not finite or under {@link #FLOAT_FLOOR} (a square past float's range, a NaN, a sum that
     * overflowed) is taken again by {@link #sumSq}, so no reading becomes 0 or ∞ that is not.
     */
    static double sumSqFloat(float[] x, int i0, int i1, double[] laneScratch) {
        if (maxAbsBits(x, i0, Math.min(i1, i0 + PROBE)) < SMALL_BITS) return sumSq(x, i0, i1, laneScratch);
        DoubleVector w0 = DoubleVector.zero(DS), w1 = w0;
        int i = i0, l = FS.length();
        while (i < i1) {
            FloatVector s0 = FloatVector.zero(FS), s1 = s0, s2 = s0, s3 = s0;
            int stop = Math.min(i1, i + 4 * FLOAT_RUN * l);
            for (; i + 4 * l <= stop; i += 4 * l) {
                FloatVector a = FloatVector.fromArray(FS, x, i), b = FloatVector.fromArray(FS, x, i + l);
                FloatVector c = FloatVector.fromArray(FS, x, i + 2 * l), d = FloatVector.fromArray(FS, x, i + 3 * l);
                s0 = a.fma(a, s0);
                s1 = b.fma(b, s1);
                s2 = c.fma(c, s2);
                s3 = d.fma(d, s3);
            }
            for (; i < stop; i += l) {
                FloatVector a = FloatVector.fromArray(FS, x, i);
                s0 = a.fma(a, s0);
            }
            FloatVector s = s0.add(s1).add(s2.add(s3));
            w0 = w0.add((DoubleVector) s.convertShape(VectorOperators.F2D, DS, 0));
            w1 = w1.add((DoubleVector) s.convertShape(VectorOperators.F2D, DS, 1));
        }
        w0.add(w1).intoArray(laneScratch, 0);
        double sq = lanesInOrder(laneScratch);
        return sq >= FLOAT_FLOOR && sq < Double.POSITIVE_INFINITY ? sq : sumSq(x, i0, i1, laneScratch);
    }

    /** Σ (x[i] − y[i])² over [i0, i1), each difference a float (as the scalar loop's x − y), with {@link #sumSq}'s four sums. */
    static double sumSqDiff(float[] x, float[] y, int i0, int i1, double[] laneScratch) {
        DoubleVector s0 = DoubleVector.zero(DS), s1 = s0, s2 = s0, s3 = s0;
        int i = i0, l = FS.length(), h = DS.length();
        // as sumSq: each half from its own loads' low halves
        for (; i + 2 * l <= i1 && i + 2 * l + h <= Math.min(x.length, y.length); i += 2 * l) {
            FloatVector e0 = FloatVector.fromArray(FS, x, i).sub(FloatVector.fromArray(FS, y, i));
            FloatVector e1 = FloatVector.fromArray(FS, x, i + h).sub(FloatVector.fromArray(FS, y, i + h));
            FloatVector e2 = FloatVector.fromArray(FS, x, i + l).sub(FloatVector.fromArray(FS, y, i + l));
            FloatVector e3 = FloatVector.fromArray(FS, x, i + l + h).sub(FloatVector.fromArray(FS, y, i + l + h));
            DoubleVector d0 = (DoubleVector) e0.convertShape(VectorOperators.F2D, DS, 0), d1 = (DoubleVector) e1.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d2 = (DoubleVector) e2.convertShape(VectorOperators.F2D, DS, 0), d3 = (DoubleVector) e3.convertShape(VectorOperators.F2D, DS, 0);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
        }
        for (; i + 2 * l <= i1; i += 2 * l) {
            FloatVector e = FloatVector.fromArray(FS, x, i).sub(FloatVector.fromArray(FS, y, i));
            FloatVector f = FloatVector.fromArray(FS, x, i + l).sub(FloatVector.fromArray(FS, y, i + l));
            DoubleVector d0 = (DoubleVector) e.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d1 = (DoubleVector) e.convertShape(VectorOperators.F2D, DS, 1);
            DoubleVector d2 = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d3 = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 1);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
        }
        if (i < i1) {
            FloatVector e = FloatVector.fromArray(FS, x, i).sub(FloatVector.fromArray(FS, y, i));
            DoubleVector d0 = (DoubleVector) e.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d1 = (DoubleVector) e.convertShape(VectorOperators.F2D, DS, 1);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
        }
        s0.add(s2).add(s1.add(s3)).intoArray(laneScratch, 0);
        return lanesInOrder(laneScratch);
    }

    /** Per-thread scratch: one double vector's lanes, padded past a cache line (see {@link VectorSegmentStats#binScratch}). */
    static double[] laneScratch() {
        return new double[DS.length() + 16];
    }

    /**
     * A double vector's lanes, stored by the caller at lanes[0, DS.length()), summed first to last: reduceLanes leaves
     * the order to the JIT, and a rerun must give the same bits. The caller stores them because a vector passed to a
     * method C2 does not inline is boxed, and C2 did not inline this one into VectorSegmentStats.block or sumSqDiff
     * in the GPT's and LSTM's benches (LogCompilation: "too big": called once after a long loop).
     */
    static double lanesInOrder(double[] lanes) {
        double s = 0;
        for (int q = 0; q < DS.length(); q++) s += lanes[q];
        return s;
    }
}
