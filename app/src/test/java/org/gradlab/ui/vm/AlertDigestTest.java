package org.gradlab.ui.vm;

import org.gradlab.diagnose.AlertMonitor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** One pop-up per run per hold; what arrives in between is one summary, none lost. */
class AlertDigestTest {
    private static AlertMonitor.Alert alert(long step, String kind) {
        return new AlertMonitor.Alert("r", step, kind, kind + " at step " + step);
    }

    @Test
    void alertsInsideAHoldAreGatheredIntoOnePopup() {
        AlertDigest d = new AlertDigest("r");
        AlertDigest.Popup first = d.add(alert(100, "spike"), 0);
        assertEquals(new AlertDigest.Popup("r: spike", "spike at step 100"), first);
        assertEquals(-1, d.due());
        assertNull(d.add(alert(400, "spike"), 500));
        assertNull(d.add(alert(700, "regime"), 900));
        assertNull(d.add(alert(900, "spike"), 1500));
        assertEquals(AlertDigest.HOLD_MS, d.due(), "due when the first pop-up's hold ends");
        AlertDigest.Popup summary = d.flush(AlertDigest.HOLD_MS);
        assertEquals("r: 3 alerts in the last 8 s", summary.title());
        assertEquals("2× spike, steps 400–900; the latest: spike at step 900\nregime at step 700", summary.text());
        assertNull(d.flush(AlertDigest.HOLD_MS + 1), "nothing twice");
        assertNull(d.add(alert(1000, "spike"), AlertDigest.HOLD_MS + 10), "a new hold began with the summary");
        assertEquals(new AlertDigest.Popup("r: spike", "spike at step 1000"), d.flush(2 * AlertDigest.HOLD_MS), "a lone alert is shown as itself");
        assertEquals(new AlertDigest.Popup("r: non-finite", "non-finite at step 5"), d.add(alert(5, "non-finite"), 4 * AlertDigest.HOLD_MS),
                "after a quiet hold, at once");
    }
}
