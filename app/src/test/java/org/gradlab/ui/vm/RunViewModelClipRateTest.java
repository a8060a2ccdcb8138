package org.gradlab.ui.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The two clip rates the views show: rolling over the last 100 steps (chart) and over the whole run (table). */
class RunViewModelClipRateTest {
    @Test
    void rollingAndWholeRunRatesDiffer() {
        RunViewModel m = new RunViewModel("r", List.of("layer"));
        assertTrue(Double.isNaN(m.overallClipRate()), "no steps yet");
        // 150 clipped steps, then 100 unclipped: the last-100 rate is 0, the whole-run rate 60%
        for (int k = 0; k < 250; k++) m.appendRow(k, 1f, 1e-3f, new float[] {2f, 1f, 0.5f, 1f, k < 150 ? 1 : 0, 0f}, null, null, null, null, null, null);
        assertEquals(0.0, m.series(RunViewModel.Scalar.CLIP_RATE).valueAt(249), 1e-9);
        assertEquals(0.6, m.overallClipRate(), 1e-12);
    }
}
