package org.gradlab.cli;

import org.gradlab.run.RunEvent;
import org.gradlab.run.SessionListener;
import org.gradlab.telemetry.StepStats;

import java.io.PrintStream;

/** Prints a session's progress and counts what a summary needs (clipped and non-finite steps). */
final class ConsoleProgress implements SessionListener {
    private final Progress progress;
    private final PrintStream out;
    private final long first;
    volatile long clipped, nonFinite, steps, skipped;
    volatile float lastLoss = Float.NaN;

    ConsoleProgress(PrintStream out, long firstStep, long total) {
        this.out = out;
        this.first = firstStep;
        this.progress = new Progress(out, total, System.console() != null);
    }

    @Override
    public void onStep(StepStats s) {
        steps++;
        if (s.skipped()) skipped++;
        boolean c = s.clip() != null && s.clip().clipped();
        if (c) clipped++;
        synchronized (recent) {
            recent.add(c);
            if (recent.size() > org.gradlab.record.RunSummary.WINDOW) recent.removeFirst();
        }
        if (s.nonFinite()) nonFinite++;
        lastLoss = s.loss();
        progress.update(s.step() + 1 - first, s.loss());
    }

    @Override
    public void onEvent(RunEvent e) {
        if (e.type() == RunEvent.Type.SPIKE) {
            progress.finish();
            out.println("step " + e.step() + ": spike injected (" + e.value() + ")");
        }
    }

    void finish() {
        progress.finish();
    }

    String summary() {
        int w = recent.size(), inWindow = 0;
        for (boolean b : recent) if (b) inWindow++;
        return String.format("clipped %d steps (%.2f%%; last %d steps %.2f%%: %s); non-finite %d steps", clipped, steps == 0 ? 0 : 100.0 * clipped / steps,
                w, w == 0 ? 0 : 100.0 * inWindow / w, org.gradlab.diagnose.ClipRegime.of(steps == 0 ? Double.NaN : (double) clipped / steps), nonFinite);
    }

    /** Whether each of the last steps was clipped (the windowed clip rate). */
    private final java.util.ArrayDeque<Boolean> recent = new java.util.ArrayDeque<>();
}
