package org.gradlab.ui.vm;

import org.gradlab.diagnose.AlertMonitor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A live run's alerts as pop-ups a person can read: at most one per run every {@link #HOLD_MS}; the alerts that
 * arrive in between are gathered into one summary shown when the hold ends. A run at hundreds of steps a second can
 * raise several alerts a second, and a pop-up per alert covered the charts they were about.
 */
public final class AlertDigest {
    /** How long one pop-up stays, and the least time between two of the same run's. */
    public static final long HOLD_MS = 8000;

    /** What to show: a title and a few lines. */
    public record Popup(String title, String text) {}

    private final String run;
    private final List<AlertMonitor.Alert> pending = new ArrayList<>();
    private long lastShown = Long.MIN_VALUE / 2;

    public AlertDigest(String run) {
        this.run = run;
    }

    /** An alert arriving at `now` (ms): the pop-up to show at once, or null when it waits for {@link #flush}. */
    public Popup add(AlertMonitor.Alert a, long now) {
        if (pending.isEmpty() && now - lastShown >= HOLD_MS) {
            lastShown = now;
            return single(a);
        }
        pending.add(a);
        return null;
    }

    private Popup single(AlertMonitor.Alert a) {
        return new Popup(run + ": " + a.kind(), a.message());
    }

    /** When the gathered alerts are due (ms), or −1 when none wait. */
    public long due() {
        return pending.isEmpty() ? -1 : lastShown + HOLD_MS;
    }

    /** The gathered alerts as one pop-up at `now` (null when none wait): per kind, how many, over which steps, the latest. */
    public Popup flush(long now) {
        if (pending.isEmpty()) return null;
        lastShown = now;
        if (pending.size() == 1) {
            return single(pending.remove(0));
        }
        Map<String, List<AlertMonitor.Alert>> byKind = new LinkedHashMap<>();
        for (AlertMonitor.Alert a : pending) byKind.computeIfAbsent(a.kind(), k -> new ArrayList<>()).add(a);
        StringBuilder text = new StringBuilder();
        for (var e : byKind.entrySet()) {
            List<AlertMonitor.Alert> as = e.getValue();
            AlertMonitor.Alert last = as.get(as.size() - 1);
            if (text.length() > 0) text.append('\n');
            text.append(as.size() == 1 ? last.message() : String.format(Locale.ROOT, "%d× %s, steps %d–%d; the latest: %s",
                    as.size(), e.getKey(), as.get(0).step(), last.step(), last.message()));
        }
        Popup p = new Popup(String.format(Locale.ROOT, "%s: %d alerts in the last %d s", run, pending.size(), HOLD_MS / 1000), text.toString());
        pending.clear();
        return p;
    }
}
