package org.gradlab.engine;

/**
 * The fixed gradient-histogram bins of every run: signed log-magnitude bins, each spanning a factor of 4
 * (two binary octaves), from 2^-40 ≈ 9.1e-13 to 2^14 = 16384, plus separate counts of exact zeros, +inf,
 * −inf and NaN. Magnitudes below the range fall into the innermost bin of their sign, above it into the
 * outermost, so nothing is dropped. The bin of a float comes from its exponent bits alone (no logarithm),
 * which keeps a histogram pass as cheap as a norm pass.
 *
 * Layout of a count row: [0, SIDE) negative bins from the largest magnitude down; [SIDE, 2·SIDE) positive
 * bins from the smallest up; then ZERO, POS_INF, NEG_INF, NAN.
 */
public final class HistogramBins {
    public static final int MIN_EXP = -40, MAX_EXP = 14, OCTAVES_PER_BIN = 2;
    public static final int SIDE = (MAX_EXP - MIN_EXP) / OCTAVES_PER_BIN;
    public static final int ZERO = 2 * SIDE, POS_INF = ZERO + 1, NEG_INF = ZERO + 2, NAN = ZERO + 3;
    /** Counters in one histogram row. */
    public static final int WIDTH = NAN + 1;

    private HistogramBins() {}

    /** The counter index of v. */
    public static int index(float v) {
        int bits = Float.floatToRawIntBits(v);
        int e = (bits >>> 23) & 0xFF;
        if (e == 0xFF || (bits & 0x7FFFFFFF) == 0) return special(bits);
        // no branch on the sign or the clamps: a gradient's signs are a coin toss, and a mispredicted branch per
        // value made the bin cost 13 cycles. SIDE − 1 − k = SIDE + ~k, and bits >> 31 is 0 or −1 (~ as ^ −1).
        int k = Math.min(Math.max((e - 127 - MIN_EXP) >> 1, 0), SIDE - 1);
        return SIDE + (k ^ (bits >> 31));
    }

    private static int special(int bits) {
        if ((bits & 0x7FFFFFFF) == 0) return ZERO;
        if ((bits & 0x7FFFFF) != 0) return NAN;
        return bits < 0 ? NEG_INF : POS_INF;
    }

    /** Lower magnitude edge of magnitude bin k (0 ≤ k ≤ SIDE; k = SIDE gives the top edge). */
    public static double magnitudeEdge(int k) {
        return Math.scalb(1.0, MIN_EXP + OCTAVES_PER_BIN * k);
    }

    /** Signed bin edges, ascending: 2·SIDE + 1 values from −2^14 to +2^14 (0 splits the two sides). */
    public static double[] edges() {
        double[] e = new double[2 * SIDE + 1];
        for (int k = 0; k <= SIDE; k++) {
            e[SIDE - k] = k == 0 ? 0 : -magnitudeEdge(k);
            e[SIDE + k] = k == 0 ? 0 : magnitudeEdge(k);
        }
        return e;
    }
}
