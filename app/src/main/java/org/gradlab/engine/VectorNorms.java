package org.gradlab.engine;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums of squares in double, each float vector widened to two double vectors. {@link #sumSq} keeps eight running sums
 * (four float vectors an iteration: with two, every add waited on the one before it). A vector's upper half is widened as
 * the lower half of the vector half a width on, read again from the array: widening part 1 in place compiled to a
 * permute, a compare and a masked blend per vector (JDK 17), and the sums ran at ~3.4 cycles a vector — a small RNN's
 * gradient per time step (100 segments of 1,600 floats) took 10–13 µs a step, ~2% of it. The sums are combined in a
 * fixed order and the lanes added first to last at the end, so a rerun gives the same bits. [i0, i1) must be whole
 * float vectors.
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

    /** Σ x[i]² over [i0, i1). */
    static double sumSq(float[] x, int i0, int i1, double[] laneScratch) {
        DoubleVector s0 = DoubleVector.zero(DS), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int l = FS.length(), h = DS.length(), i = i0, reach = Math.min(i1, x.length - h);
        for (; i + 4 * l <= reach; i += 4 * l) {
            DoubleVector d0 = (DoubleVector) FloatVector.fromArray(FS, x, i).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d1 = (DoubleVector) FloatVector.fromArray(FS, x, i + h).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d2 = (DoubleVector) FloatVector.fromArray(FS, x, i + l).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d3 = (DoubleVector) FloatVector.fromArray(FS, x, i + l + h).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d4 = (DoubleVector) FloatVector.fromArray(FS, x, i + 2 * l).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d5 = (DoubleVector) FloatVector.fromArray(FS, x, i + 2 * l + h).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d6 = (DoubleVector) FloatVector.fromArray(FS, x, i + 3 * l).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d7 = (DoubleVector) FloatVector.fromArray(FS, x, i + 3 * l + h).convertShape(VectorOperators.F2D, DS, 0);
            s0 = d0.fma(d0, s0); // a float's square is exact in double: fused or not, the same
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
            s4 = d4.fma(d4, s4);
            s5 = d5.fma(d5, s5);
            s6 = d6.fma(d6, s6);
            s7 = d7.fma(d7, s7);
        }
        for (; i + l <= reach; i += l) {
            DoubleVector d0 = (DoubleVector) FloatVector.fromArray(FS, x, i).convertShape(VectorOperators.F2D, DS, 0), d1 = (DoubleVector) FloatVector.fromArray(FS, x, i + h).convertShape(VectorOperators.F2D, DS, 0);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
        }
        for (; i < i1; i += l) { // the array's last whole vector: its upper half widened in place
            FloatVector v = FloatVector.fromArray(FS, x, i);
            DoubleVector d0 = (DoubleVector) v.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d1 = (DoubleVector) v.convertShape(VectorOperators.F2D, DS, 1);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
        }
        s0.add(s1).add(s2.add(s3)).add(s4.add(s5).add(s6.add(s7))).intoArray(laneScratch, 0);
        return lanesInOrder(laneScratch);
    }

    /**
     * Σ (x[i] − y[i])² over [i0, i1), each difference a float (as the scalar loop's x − y), two running sums. Only the
     * weights' change a step calls it, a few times a step: written as sumSq is, its longer loop ran boxed in C1 code
     * for the bench's first ~1,000 steps (C2 compiles after so many calls and loop turns), 0.3-1 ms a step.
     */
    static double sumSqDiff(float[] x, float[] y, int i0, int i1, double[] laneScratch) {
        DoubleVector s0 = DoubleVector.zero(DS), s1 = s0;
        for (int i = i0; i < i1; i += FS.length()) {
            FloatVector e = FloatVector.fromArray(FS, x, i).sub(FloatVector.fromArray(FS, y, i));
            DoubleVector d0 = (DoubleVector) e.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d1 = (DoubleVector) e.convertShape(VectorOperators.F2D, DS, 1);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
        }
        s0.add(s1).intoArray(laneScratch, 0);
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
