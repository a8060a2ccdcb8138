package org.gradlab.diagnose;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The clip-regime alert: a change that holds is said once; a rate hovering at a boundary is not a change. */
class AlertMonitorTest {
    /** Feeds one block of 200 steps per rate, block b clipping on rates[b] of its steps; returns the regime alerts. */
    private static List<AlertMonitor.Alert> regimeAlerts(double... rates) {
        AlertMonitor m = new AlertMonitor("r", AlertMonitor.Settings.DEFAULT);
        List<AlertMonitor.Alert> out = new ArrayList<>();
        long step = 0;
        for (double rate : rates) {
            int clipped = (int) Math.round(rate * 200);
            for (int i = 0; i < 200; i++, step++) {
                for (AlertMonitor.Alert a : m.add(step, 1.0, 0.5, i < clipped, false)) if (a.kind().equals("regime")) out.add(a);
            }
        }
        return out;
    }

    @Test
    void aChangeThatHoldsIsSaidOnce() {
        List<AlertMonitor.Alert> a = regimeAlerts(0.2, 0.2, 0.97, 0.97, 0.97, 0.97);
        assertEquals(1, a.size(), a.toString());
        assertTrue(a.get(0).message().startsWith("clip regime changed from frequent to constant, held over the last 400 steps (at step 799)"),
                a.get(0).message());
    }

    @Test
    void aBurstOfSpikesAlertsOnceAndALaterOneAgain() {
        AlertMonitor m = new AlertMonitor("r", AlertMonitor.Settings.DEFAULT);
        List<Long> spikes = new ArrayList<>();
        for (long k = 0; k < 1000; k++) {
            // spikes at 300, 330, 360, 390 (a burst), then at 600 after a quiet stretch
            boolean spike = k == 300 || k == 330 || k == 360 || k == 390 || k == 600;
            for (AlertMonitor.Alert a : m.add(k, 1.0, spike ? 50.0 : 1.0 + 0.01 * (k % 7), null, false)) if (a.kind().equals("spike")) spikes.add(a.step());
        }
        assertEquals(List.of(300L, 600L), spikes);
    }

    @Test
    void aRateHoveringAtABoundaryIsNotAChange() {
        // 48% and 52% read as frequent and binding in turn: the label flips every block, nothing has changed
        assertEquals(List.of(), regimeAlerts(0.48, 0.52, 0.48, 0.52, 0.48, 0.52, 0.48, 0.52));
        assertEquals(1, regimeAlerts(0.48, 0.52, 0.52, 0.52).size(), "until the other side holds");
    }
}
