package org.gradlab.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of a grid of training cells run in parallel: a one-line bar on a terminal (redrawn twice a second), a
 * plain line every 30 s on a pipe. Work is counted in units each cell reports as it goes (steps × sequence length,
 * so a long-sequence cell weighs what it costs); a cell that stops early (solved, diverged) hands back the work it
 * no longer needs, so the bar and the estimate stay honest.
 */
final class GridProgress implements AutoCloseable {
    private final PrintStream out;
    private final boolean terminal;
    private final long total;
    private final int cells;
    private final AtomicLong done = new AtomicLong();
    private final long start = System.nanoTime();
    private final ScheduledExecutorService timer;
    private int cellsDone;

    GridProgress(PrintStream out, boolean terminal, long totalUnits, int cells) {
        this.out = out;
        this.terminal = terminal;
        this.total = Math.max(1, totalUnits);
        this.cells = cells;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gradlab-grid-progress");
            t.setDaemon(true);
            return t;
        });
        long period = terminal ? 500 : 30_000;
        timer.scheduleAtFixedRate(this::print, period, period, TimeUnit.MILLISECONDS);
    }

    void add(long units) {
        done.addAndGet(units);
    }

    /** A cell ended, leaving `unspent` units untrained; its one-line outcome goes above the bar. */
    void cellDone(long unspent, String line) {
        done.addAndGet(unspent);
        synchronized (this) {
            cellsDone++;
            if (terminal) out.print("\r" + " ".repeat(100) + "\r");
            out.println(line);
            if (terminal) print();
        }
    }

    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    private synchronized void print() {
        double f = Math.min(1, (double) done.get() / total), secs = elapsedSeconds();
        String eta = f <= 0 ? "?" : String.format(Locale.ROOT, "%.0f s", secs * (1 - f) / f);
        if (terminal) {
            int width = 30, filled = (int) (width * f);
            out.printf(Locale.ROOT, "\r[%s%s] %3.0f%%  cells %d/%d  %.0f s, ETA %s ", "#".repeat(filled), ".".repeat(width - filled), 100 * f,
                    cellsDone, cells, secs, eta);
        } else {
            out.printf(Locale.ROOT, "progress %.0f%%: cells %d/%d done, %.0f s, ETA %s%n", 100 * f, cellsDone, cells, secs, eta);
        }
        out.flush();
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        if (terminal) out.print("\r" + " ".repeat(100) + "\r");
        out.flush();
    }
}
