package org.gradlab.record;

import org.gradlab.telemetry.StepStats;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * A run's steps as CSV, one row per step (used by the CLI and the app): the global scalars from the index,
 * whether the step was non-finite by GradLab's one definition ({@link StepStats#isNonFinite}), then four
 * columns per layer group from the step's record — pre- and post-clip gradient norm, weight norm and
 * update/weight ratio ("nan" where a value is not known, as in logs that did not record it).
 */
public final class CsvExport {
    public static final String HEADER = "step,loss,lr,pre_clip_norm,post_clip_norm,clip_coefficient,threshold,clipped,non_finite,non_finite_step";

    private CsvExport() {}

    /** The header with the per-layer columns of these layer groups. */
    public static String header(List<String> layers) {
        StringBuilder sb = new StringBuilder(HEADER);
        for (String kind : new String[] {"pre_norm", "post_norm", "weight_norm", "update_ratio"}) {
            for (String l : layers) sb.append(',').append(kind).append('/').append(l.replace(',', '_'));
        }
        return sb.toString();
    }

    public static void write(RunReader r, Writer out) throws IOException {
        StepIndex ix = r.index();
        List<String> layers = r.manifest().groups();
        StringBuilder sb = new StringBuilder(header(layers)).append('\n');
        for (int i = 0; i < ix.count(); i++) {
            float loss = ix.valueAt(i, Series.LOSS), pre = ix.valueAt(i, Series.PRE_NORM), nonFinite = ix.valueAt(i, Series.NON_FINITE);
            sb.append(ix.stepAt(i)).append(',').append(num(loss)).append(',')
                    .append(num(ix.valueAt(i, Series.LR))).append(',').append(num(pre)).append(',')
                    .append(num(ix.valueAt(i, Series.POST_NORM))).append(',').append(num(ix.valueAt(i, Series.COEFFICIENT))).append(',')
                    .append(num(ix.valueAt(i, Series.THRESHOLD))).append(',').append((int) ix.valueAt(i, Series.CLIPPED)).append(',')
                    .append((long) nonFinite).append(',').append(StepStats.isNonFinite(loss, pre, nonFinite) ? 1 : 0);
            StepStats s = r.step(ix.stepAt(i));
            float[][] perLayer = {s.clip() == null ? null : s.clip().layerPre(), s.clip() == null ? null : s.clip().layerPost(),
                s.weightNorms(), s.updateRatios()};
            for (float[] v : perLayer) {
                for (int l = 0; l < layers.size(); l++) sb.append(',').append(v == null || l >= v.length ? "nan" : num(v[l]));
            }
            sb.append('\n');
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
