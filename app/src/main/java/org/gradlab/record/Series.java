package org.gradlab.record;

import org.gradlab.clip.ClipReport;
import org.gradlab.telemetry.StepStats;

/** The scalar series every step has, kept per step in the index and summarised per 2^k steps. */
public enum Series {
    LOSS, PRE_NORM, POST_NORM, COEFFICIENT, THRESHOLD, LR, CLIPPED, NON_FINITE;

    public static final int COUNT = values().length;

    /** This step's value of every series (NaN where the step has no clip report). */
    static void of(StepStats s, float[] out, int off) {
        ClipReport c = s.clip();
        out[off + LOSS.ordinal()] = s.loss();
        out[off + LR.ordinal()] = (float) s.lr();
        out[off + PRE_NORM.ordinal()] = c == null ? Float.NaN : (float) c.preNorm();
        out[off + POST_NORM.ordinal()] = c == null ? Float.NaN : (float) c.postNorm();
        out[off + COEFFICIENT.ordinal()] = c == null ? Float.NaN : (float) c.coefficient();
        out[off + THRESHOLD.ordinal()] = c == null ? Float.NaN : (float) c.threshold();
        out[off + CLIPPED.ordinal()] = c != null && c.clipped() ? 1f : 0f;
        out[off + NON_FINITE.ordinal()] = c == null ? 0f : (float) c.nonFinite();
    }
}
