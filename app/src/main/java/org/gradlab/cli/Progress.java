package org.gradlab.cli;

import java.io.PrintStream;

/** A one-line progress bar on a terminal; on a pipe, a plain line every ~5% of the run or every 2 s. */
final class Progress {
    private final PrintStream out;
    private final long total;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastPrint;
    private double ema = Double.NaN;
    private float last = Float.NaN;
    private long lastStep;

    Progress(PrintStream out, long total, boolean terminal) {
        this.out = out;
        this.total = total;
        this.terminal = terminal;
    }

    void update(long step, float loss) {
        last = loss;
        ema = Double.isNaN(ema) ? loss : 0.95 * ema + 0.05 * loss;
        long now = System.nanoTime();
        boolean periodic = terminal ? now - lastPrint > 100_000_000L
                : (total >= 20 && step % (total / 20) == 0) || now - lastPrint > 2_000_000_000L;
        if (!periodic && step != total) return;
        lastPrint = now;
        lastStep = step;
        double rate = step / Math.max((now - start) / 1e9, 1e-9);
        if (terminal) {
            int width = 30, filled = total == 0 ? width : (int) (width * step / total);
            out.printf("\r[%s%s] %d/%d loss %.4f (ema %.4f) %.1f steps/s ", "#".repeat(filled), ".".repeat(width - filled),
                    step, total, loss, ema, rate);
        } else {
            out.printf("step %d/%d loss %.5f ema %.5f %.1f steps/s%n", step, total, loss, ema, rate);
        }
        out.flush();
    }

    void finish() {
        if (terminal && lastStep > 0) out.println();
    }

    float lastLoss() {
        return last;
    }
}
