package org.gradlab.engine;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One block of {@link SegmentJob}'s statistics a vector at a time, bit for bit its scalar loop: the scaling, the
 * maximum, the non-finite count and every value's histogram bin are vector work (a bin from the exponent bits, as
 * {@link HistogramBins#index}), and only what must stay in order — the two double sums, value after value, and the
 * counters' increments — is left to a scalar loop over the vector's lanes. The bins cost more than the sums in the
 * scalar loop (a GPT's 421k gradients: 0.52–0.68 ms with the histogram, 0.20–0.24 without, two threads).
 */
final class VectorSegmentStats {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    /** Doubles as wide as S (half its lanes): each float vector's two halves widened for the sums. */
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
    private static final int L = VectorGemm.L;
    private static final int SIDE = HistogramBins.SIDE, LOW = 127 + HistogramBins.MIN_EXP;

    private VectorSegmentStats() {}

    /**
     * Per-thread scratch: one vector's bins, padded past a cache line either side — two threads' arrays allocated
     * side by side shared a line, and the step's statistics took twice as long in every other JVM.
     */
    static int[] binScratch() {
        return new int[L + 32];
    }

    /**
     * Values [i0, i1) of x, multiplied by f in place first when f != 1, counted into h[row + bin] when h != null —
     * lane q of each vector into the copy of the counters at h[(q % WAYS) · stride + row + bin] (see
     * {@link SegmentJob#WAYS}; where holds those offsets, bins a vector's counters); the block's figures into acc
     * (reset by the caller), up to the last whole vector.
     * Returns where the whole vectors end: the caller adds the last values with {@link BlockStats#add}, which C2 had
     * left out of this method's compilation in some JVMs (NodeCountInliningCutoff), the call then running C1's code.
     */
    static int block(float[] x, int i0, int i1, float f, long[] h, int row, int stride, int[] bins, int[] where,
                     double[] lanes, BlockStats acc) {
        boolean scaled = f != 1f;
        double sq = 0, ab = 0;
        long bad = 0;
        boolean nan = false;
        FloatVector mx = FloatVector.zero(S);
        DoubleVector sq0 = DoubleVector.zero(DS), sq1 = sq0, ab0 = sq0, ab1 = sq0;
        // lane q's counters: the row in copy q % WAYS, added to each vector's bins
        for (int q = 0; q < L; q++) where[q] = row + q % SegmentJob.WAYS * stride;
        IntVector copies = IntVector.fromArray(IS, where, 0);
        int i = i0;
        for (; i + L <= i1; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            if (scaled) {
                v = v.mul(f);
                v.intoArray(x, i);
            }
            FloatVector av = v.abs();
            DoubleVector d0 = (DoubleVector) av.convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector d1 = (DoubleVector) av.convertShape(VectorOperators.F2D, DS, 1);
            sq0 = d0.fma(d0, sq0); // a float's square is exact in double: fused or not, the same
            sq1 = d1.fma(d1, sq1);
            ab0 = ab0.add(d0);
            ab1 = ab1.add(d1);
            mx = mx.blend(av, av.compare(VectorOperators.GT, mx)); // a NaN compares false, as in the scalar loop
            IntVector bits = (IntVector) v.reinterpretShape(IS, 0);
            IntVector e = bits.lanewise(VectorOperators.LSHR, 23).and(0xFF);
            VectorMask<Integer> special = e.eq(0xFF);
            boolean plain = !special.anyTrue(); // no inf or NaN lane: the usual vector
            if (!plain) {
                bad += special.trueCount();
                nan |= bits.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000).anyTrue();
            }
            if (h != null) {
                IntVector b = e.sub(LOW).lanewise(VectorOperators.ASHR, 1);
                // clamp by compare and blend (min/max are not intrinsified on JDK 17), then the sign side
                b = b.blend(0, b.lt(0)).blend(SIDE - 1, b.compare(VectorOperators.GT, SIDE - 1));
                b = b.lanewise(VectorOperators.XOR, bits.lanewise(VectorOperators.ASHR, 31)).add(SIDE);
                b = b.blend(HistogramBins.ZERO, bits.and(0x7FFFFFFF).eq(0));
                b = b.add(copies);
                // each counter's index taken from its lane (a constant lane: an intrinsic), not through the bins
                // array: read back right after the vector's store, the 16 loads waited on it (the 50-unit RNN's
                // 3,104 gradients: 5.8-6.6 µs a statistics pass with the histogram against 1.1 without; so 2.5-2.7)
                if (L == 16 && plain) {
                    h[b.lane(0)]++; h[b.lane(1)]++; h[b.lane(2)]++; h[b.lane(3)]++;
                    h[b.lane(4)]++; h[b.lane(5)]++; h[b.lane(6)]++; h[b.lane(7)]++;
                    h[b.lane(8)]++; h[b.lane(9)]++; h[b.lane(10)]++; h[b.lane(11)]++;
                    h[b.lane(12)]++; h[b.lane(13)]++; h[b.lane(14)]++; h[b.lane(15)]++;
                    continue;
                }
                if (L == 8 && plain) {
                    h[b.lane(0)]++; h[b.lane(1)]++; h[b.lane(2)]++; h[b.lane(3)]++;
                    h[b.lane(4)]++; h[b.lane(5)]++; h[b.lane(6)]++; h[b.lane(7)]++;
                    continue;
                }
                b.intoArray(bins, 0);
                if (!plain) {
                    for (int q = 0; q < L; q++) bins[q] = where[q] + HistogramBins.index(x[i + q]);
                }
                for (int q = 0; q < L; q++) h[bins[q]]++;
            }
        }
        sq0.add(sq1).intoArray(lanes, 0);
        sq = VectorNorms.lanesInOrder(lanes);
        ab0.add(ab1).intoArray(lanes, 0);
        ab = VectorNorms.lanesInOrder(lanes);
        acc.sq = sq;
        acc.abs = ab;
        // every lane is +0 or a larger |v|, never NaN or −0, so the largest is the same in any order; lane(q) with q
        // not a constant is no intrinsic on JDK 17, and read one lane at a time the maximum cost a small RNN's
        // statistics ~0.1 µs a segment, and in some JVMs left the whole loop's vectors boxed (2-3x slower)
        acc.max = mx.reduceLanes(VectorOperators.MAX);
        acc.bad = bad;
        acc.nan = nan;
        return i;
    }
}
