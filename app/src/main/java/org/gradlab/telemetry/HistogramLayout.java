package org.gradlab.telemetry;

import org.gradlab.engine.HistogramBins;

/** The layout of a {@link StepStats} histogram row, for readers that must not reach into the engine. */
public final class HistogramLayout {
    /** Counters per row: negative bins, positive bins, then zero, +inf, −inf, NaN. */
    public static final int WIDTH = HistogramBins.WIDTH;
    /** Magnitude bins per sign. */
    public static final int SIDE = HistogramBins.SIDE;
    public static final int ZERO = HistogramBins.ZERO, POS_INF = HistogramBins.POS_INF, NEG_INF = HistogramBins.NEG_INF,
            NAN = HistogramBins.NAN;

    private HistogramLayout() {}

    /** Label of counter i, e.g. "+[1.5e-05, 6.1e-05)" or "NaN". */
    public static String label(int i) {
        if (i == ZERO) return "0";
        if (i == POS_INF) return "+inf";
        if (i == NEG_INF) return "-inf";
        if (i == NAN) return "NaN";
        boolean neg = i < SIDE;
        int k = neg ? SIDE - 1 - i : i - SIDE;
        return String.format(java.util.Locale.ROOT, "%s[%.1e, %.1e)", neg ? "-" : "+", HistogramBins.magnitudeEdge(k),
                HistogramBins.magnitudeEdge(k + 1));
    }
}
