package org.gradlab.engine;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums of squares in double, a float vector at a time widened to two double vectors, each with its own running sum
 * (the lanes added first to last at the end, so a rerun gives the same bits). [i0, i1) must be whole float vectors.
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
        DoubleVector s0 = DoubleVector.zero(DS), s1 = s0;
        for (int i = i0; i < i1; i += FS.length()) {
            FloatVector f = FloatVector.fromArray(FS, x, i);
            DoubleVector d0 = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d1 = (DoubleVector) f.convertShape(VectorOperators.F2D, DS, 1);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
        }
        s0.add(s1).intoArray(laneScratch, 0);
        return lanesInOrder(laneScratch);
    }

    /** Σ (x[i] − y[i])² over [i0, i1), each difference a float (as the scalar loop's x − y). */
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
