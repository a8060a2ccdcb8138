package org.gradlab.clip;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AutoClip and ZClip over step sequences, against their published formulas computed here by hand. */
class AdaptiveClipSequenceTest {
    static double percentile(List<Double> xs, double p) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        double rank = p / 100 * (s.size() - 1);
        int lo = (int) Math.floor(rank), hi = Math.min(s.size() - 1, lo + 1);
        return s.get(lo) + (s.get(hi) - s.get(lo)) * (rank - lo);
    }

    @Test
    void autoClipUsesThePercentileOfTheHistoryIncludingThisStep() {
        ClipTestSupport t = new ClipTestSupport(16);
        ClipStrategy s = ClipStrategy.parse("autoclip:50");
        double[] norms = {1.0, 3.0, 2.0, 10.0, 0.5, 4.0};
        List<Double> hist = new ArrayList<>();
        for (double n : norms) {
            t.setNorm(n);
            ClipReport r = s.apply(t.segments);
            hist.add(n);
            double thr = percentile(hist, 50);
            assertEquals(thr, r.threshold(), 1e-5 * thr, "threshold after " + hist);
            double expect = n * Math.min(1, thr / (n + 1e-6));
            assertEquals(expect, t.currentNorm(), 1e-5 * expect);
            assertEquals(thr / (n + 1e-6) < 1, r.clipped(), "clip_grad_norm_ scales whenever C/(total+1e-6) < 1");
        }
    }

    @Test
    void autoClipWindowForgetsOldNormsAndStateRoundTrips() {
        ClipTestSupport t = new ClipTestSupport(4);
        ClipStrategy s = ClipStrategy.parse("autoclip:90:3");
        double[] norms = {100, 1, 2, 3, 4};
        List<Double> hist = new ArrayList<>();
        ClipReport r = null;
        for (double n : norms) {
            t.setNorm(n);
            r = s.apply(t.segments);
            hist.add(n);
            if (hist.size() > 3) hist.remove(0);
        }
        assertEquals(percentile(hist, 90), r.threshold(), 1e-5);
        double[] state = s.saveState();
        ClipStrategy copy = ClipStrategy.parse("autoclip:90:3");
        copy.restoreState(state);
        t.setNorm(7);
        ClipReport a = s.apply(t.segments);
        t.setNorm(7);
        ClipReport b = copy.apply(t.segments);
        assertEquals(a.threshold(), b.threshold(), 0);
    }

    @Test
    void zclipWarmsUpThenClipsSpikesWithTheAdaptiveThreshold() {
        ClipTestSupport t = new ClipTestSupport(8);
        ClipStrategy s = ClipStrategy.parse("zclip");
        double alpha = 0.97, z = 2.5;
        List<Double> warm = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            double n = i % 2 == 0 ? 0.4 : 0.6;
            t.setNorm(n);
            ClipReport r = s.apply(t.segments);
            assertEquals(1.0, r.threshold(), 0, "warm-up clips at max_grad_norm 1.0");
            warm.add(n);
        }
        double mean = warm.stream().mapToDouble(d -> d).average().orElseThrow();
        double var = warm.stream().mapToDouble(d -> (d - mean) * (d - mean)).average().orElseThrow();
        // an ordinary step: no clip, EMA with g
        double g = 0.55;
        t.setNorm(g);
        ClipReport r = s.apply(t.segments);
        assertFalse(r.clipped());
        double m1 = alpha * mean + (1 - alpha) * g;
        double v1 = alpha * var + (1 - alpha) * (g - m1) * (g - m1);
        // a spike: z > 2.5, threshold μ + Z·σ/(z/Z), EMA with the threshold
        double spike = 0.95;
        t.setNorm(spike);
        r = s.apply(t.segments);
        double std = Math.sqrt(v1), zs = (spike - m1) / (std + 1e-6);
        assertTrue(zs > z);
        double thr = m1 + z * std / (zs / z);
        assertTrue(r.clipped());
        assertEquals(thr, r.threshold(), 1e-6);
        assertEquals(thr, t.currentNorm(), 1e-5);
        assertEquals(spike, r.preNorm(), 1e-6);
        double m2 = alpha * m1 + (1 - alpha) * thr;
        ZClip zc = (ZClip) s;
        assertEquals(m2, zc.mean(), 1e-6 * m2);
        double v2 = alpha * v1 + (1 - alpha) * (thr - m2) * (thr - m2);
        assertEquals(v2, zc.variance(), 1e-5 * v2, "norms are fp32, so the EMA agrees to fp32 rounding");
    }

    @Test
    void zclipNeverLetsANormAboveMaxGradNormThrough() {
        ClipTestSupport t = new ClipTestSupport(8);
        ClipStrategy s = ClipStrategy.parse("zclip:2.5:0.9");
        for (int i = 0; i < 40; i++) {
            t.setNorm(3.0 + (i % 3));
            s.apply(t.segments);
            assertTrue(t.currentNorm() <= 1.0 + 1e-5, "step " + i + " norm " + t.currentNorm());
        }
    }
}
