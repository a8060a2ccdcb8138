package org.gradlab.record;

import org.gradlab.clip.ClipAction;
import org.gradlab.clip.ClipReport;
import org.gradlab.telemetry.StepStats;

import java.util.Arrays;

/**
 * The binary payload of one step record (little-endian, varints for counts). Norms are stored as fp32, the
 * precision they were computed in; histogram counts as varints, so empty bins cost one byte and a
 * histogram that clipping did not change is stored once.
 */
final class StepCodec {
    // HIST_POST_ABSENT: pre-clip histograms without post-clip ones (a TensorBoard log that never logged them)
    private static final int SKIPPED = 1, HAS_CLIP = 2, HAS_HIST = 4, CLIP_POST_SAME = 8, HIST_POST_SAME = 16, HIST_POST_ABSENT = 32, HAS_TIME = 64,
            HAS_RADII = 128, KNOWN = 255;
    private static final ClipAction[] ACTIONS = ClipAction.values();

    private StepCodec() {}

    static void encode(StepStats s, RecordShape shape, ByteSink out) {
        ClipReport c = s.clip();
        // post-clip arrays are stored only when they differ from the pre-clip ones, per tensor and per layer (a log
        // with pre-clip layer norms and no post-clip ones must not read back with a copy)
        boolean clipSame = c != null && (c.tensorPost() == c.tensorPre() || Arrays.equals(c.tensorPre(), c.tensorPost()))
                && Arrays.equals(c.layerPre(), c.layerPost());
        boolean hasHist = s.histPre() != null;
        boolean postAbsent = hasHist && s.histPost() == null;
        boolean histSame = hasHist && !postAbsent && Arrays.equals(s.histPre(), s.histPost());
        // a run recorded before these readings (resumed now) has no room for them in its shape: left out
        boolean hasTime = s.timeGrads() != null && shape.timeValues() > 0, hasRadii = s.radii() != null && shape.radii() > 0;
        int flags = (s.skipped() ? SKIPPED : 0) | (c != null ? HAS_CLIP : 0) | (hasHist ? HAS_HIST : 0)
                | (clipSame ? CLIP_POST_SAME : 0) | (histSame ? HIST_POST_SAME : 0) | (postAbsent ? HIST_POST_ABSENT : 0)
                | (hasTime ? HAS_TIME : 0) | (hasRadii ? HAS_RADII : 0);
        out.u8(flags);
        out.varLong(s.step());
        out.i64(s.wallMillis());
        out.varLong(Math.max(0, s.stepNanos()));
        out.f32(s.loss());
        out.f64(s.lr());
        if (c != null) {
            out.f32((float) c.preNorm());
            out.f32((float) c.strategyNorm());
            out.f32((float) c.postNorm());
            out.f32((float) c.coefficient());
            out.u8(c.clipped() ? 1 : 0);
            out.f32((float) c.threshold());
            out.varLong(c.nonFinite());
            out.u8(c.action().ordinal());
            out.varLong(c.clippedParts());
            check(c.tensorPre().length == shape.tensors() && c.layerPre().length == shape.groups(), "clip report arrays");
            out.floats(c.tensorPre());
            out.floats(c.layerPre());
            if (!clipSame) {
                out.floats(c.tensorPost());
                out.floats(c.layerPost());
            }
        }
        check(s.weightNorms().length == shape.groups(), "weight norms");
        out.floats(s.weightNorms());
        out.floats(s.updateRatios());
        if (hasHist) {
            check(s.histPre().length == shape.groups() * shape.histogramWidth(), "histogram size");
            for (int v : s.histPre()) out.varLong(v);
            if (!histSame && !postAbsent) for (int v : s.histPost()) out.varLong(v);
        }
        if (hasTime) {
            check(s.timeGrads().length == shape.timeValues(), "gradient-through-time size");
            out.floats(s.timeGrads());
        }
        if (hasRadii) {
            check(s.radii().length == shape.radii(), "spectral radii");
            out.floats(s.radii());
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new IllegalArgumentException("step record does not match the run's shape: " + what);
    }

    /** Reads only the leading scalar fields into out (Series order) and returns the step number. */
    static long scalars(ByteSource in, float[] out) throws ByteSource.Malformed {
        int flags = in.u8();
        if ((flags & ~KNOWN) != 0) throw new ByteSource.Malformed(in.position() - 1, "unknown record flags " + flags);
        long step = in.varLong();
        in.i64();
        in.varLong();
        out[Series.LOSS.ordinal()] = in.f32();
        out[Series.LR.ordinal()] = (float) in.f64();
        if ((flags & HAS_CLIP) != 0) {
            out[Series.PRE_NORM.ordinal()] = in.f32();
            in.f32();
            out[Series.POST_NORM.ordinal()] = in.f32();
            out[Series.COEFFICIENT.ordinal()] = in.f32();
            out[Series.CLIPPED.ordinal()] = in.u8() != 0 ? 1f : 0f;
            out[Series.THRESHOLD.ordinal()] = in.f32();
            out[Series.NON_FINITE.ordinal()] = in.varLong();
        } else {
            out[Series.PRE_NORM.ordinal()] = Float.NaN;
            out[Series.POST_NORM.ordinal()] = Float.NaN;
            out[Series.COEFFICIENT.ordinal()] = Float.NaN;
            out[Series.THRESHOLD.ordinal()] = Float.NaN;
            out[Series.CLIPPED.ordinal()] = 0f;
            out[Series.NON_FINITE.ordinal()] = 0f;
        }
        return step;
    }

    static StepStats decode(ByteSource in, RecordShape shape) throws ByteSource.Malformed {
        int flags = in.u8();
        if ((flags & ~KNOWN) != 0) throw new ByteSource.Malformed(in.position() - 1, "unknown record flags " + flags);
        long step = in.varLong();
        long wall = in.i64();
        long nanos = in.varLong();
        float loss = in.f32();
        double lr = in.f64();
        ClipReport c = null;
        if ((flags & HAS_CLIP) != 0) {
            float pre = in.f32(), strat = in.f32(), post = in.f32(), coef = in.f32();
            boolean clipped = in.u8() != 0;
            float thr = in.f32();
            long nonFinite = in.varLong();
            int a = in.u8();
            if (a >= ACTIONS.length) throw new ByteSource.Malformed(in.position() - 1, "unknown clip action " + a);
            long parts = in.varLong();
            float[] tPre = in.floats(shape.tensors()), lPre = in.floats(shape.groups());
            float[] tPost = tPre, lPost = lPre;
            if ((flags & CLIP_POST_SAME) == 0) {
                tPost = in.floats(shape.tensors());
                lPost = in.floats(shape.groups());
            }
            c = new ClipReport(pre, strat, post, coef, clipped, thr, nonFinite, ACTIONS[a], parts, tPre, tPost, lPre, lPost);
        }
        float[] wn = in.floats(shape.groups()), ur = in.floats(shape.groups());
        int[] hPre = null, hPost = null;
        if ((flags & HAS_HIST) != 0) {
            int n = shape.groups() * shape.histogramWidth();
            hPre = new int[n];
            for (int i = 0; i < n; i++) hPre[i] = (int) Math.min(Integer.MAX_VALUE, in.varLong());
            if ((flags & HIST_POST_SAME) != 0) {
                hPost = hPre;
            } else if ((flags & HIST_POST_ABSENT) == 0) {
                hPost = new int[n];
                for (int i = 0; i < n; i++) hPost[i] = (int) Math.min(Integer.MAX_VALUE, in.varLong());
            }
        }
        float[] time = (flags & HAS_TIME) != 0 ? in.floats(shape.timeValues()) : null;
        float[] radii = (flags & HAS_RADII) != 0 ? in.floats(shape.radii()) : null;
        if (!in.atEnd()) throw new ByteSource.Malformed(in.position(), "unexpected bytes after the record");
        return new StepStats(step, wall, nanos, loss, lr, c, (flags & SKIPPED) != 0, wn, ur, hPre, hPost, time, radii);
    }
}
