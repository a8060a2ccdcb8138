package org.gradlab.record;

import java.io.IOException;
import java.io.Writer;

/** The per-step scalars of a run as CSV: a header row, then one row per step (used by the CLI and the app). */
public final class CsvExport {
    public static final String HEADER = "step,loss,lr,pre_clip_norm,post_clip_norm,clip_coefficient,threshold,clipped,non_finite";

    private CsvExport() {}

    public static void write(StepIndex ix, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < ix.count(); i++) {
            sb.append(ix.stepAt(i)).append(',').append(num(ix.valueAt(i, Series.LOSS))).append(',')
                    .append(num(ix.valueAt(i, Series.LR))).append(',').append(num(ix.valueAt(i, Series.PRE_NORM))).append(',')
                    .append(num(ix.valueAt(i, Series.POST_NORM))).append(',').append(num(ix.valueAt(i, Series.COEFFICIENT))).append(',')
                    .append(num(ix.valueAt(i, Series.THRESHOLD))).append(',').append((int) ix.valueAt(i, Series.CLIPPED)).append(',')
                    .append((long) ix.valueAt(i, Series.NON_FINITE)).append('\n');
            if (sb.length() > 1 << 16) {
                out.write(sb.toString());
                sb.setLength(0);
            }
        }
        out.write(sb.toString());
        out.flush();
    }

    /** Shortest text that reads back as the same float; nan, inf, -inf for the rest. */
    public static String num(float v) {
        if (Float.isNaN(v)) return "nan";
        if (Float.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return Float.toString(v);
    }
}
