package org.gradlab.engine;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A job's panels (a product's row panels, a row op's panels of rows, attention's (batch, head) pairs) for two
 * threads, one K block after another: each thread takes its half's panels top down, and when its half is done, the
 * other half's from the bottom up, so a thread whose core runs slower, or whose worker woke late, ends up with fewer.
 * The host's two cores often ran the same work 30-40% apart for minutes, and a fixed half each left the faster one
 * waiting; a parked worker takes ~40 µs to wake, most of a LayerNorm. Each thread's panels stay one run top down, as
 * a fixed half's are: panels handed out in turn from one counter, or the second thread's taken bottom up, ran 3-12%
 * slower when the cores were even. A product's threads still pack each K block of B into their own scratch (one
 * shared packed B was slower: read from the other core's cache). A panel's K blocks run in order, whichever thread
 * takes each (single-block jobs never wait), so every element keeps its one chain in k order and its bits.
 */
final class RowClaims {
    /** Per K block and half: the half's next panel from the top (low 32 bits) and its end (high 32 bits). */
    private AtomicLongArray halves = new AtomicLongArray(0);
    /** Per panel: how many of its K blocks are done. */
    private AtomicIntegerArray done = new AtomicIntegerArray(0);

    /** Before the job starts (one thread): `panels` panels, `blocks` K blocks. */
    void reset(int panels, int blocks) {
        if (halves.length() < 2 * blocks) halves = new AtomicLongArray(2 * blocks);
        int mid = (panels + 1) / 2;
        for (int b = 0; b < blocks; b++) {
            halves.set(2 * b, range(0, mid));
            halves.set(2 * b + 1, range(mid, panels));
        }
        if (done.length() < panels) done = new AtomicIntegerArray(panels);
        for (int p = 0; p < panels; p++) done.set(p, 0);
    }

    /** The next panel of K block `block` for thread `chunk` (0 or 1); -1 when all are taken. */
    int claim(int block, int chunk) {
        int p = take(2 * block + chunk, true);
        return p >= 0 ? p : take(2 * block + 1 - chunk, false);
    }

    /** Waits until the panel's earlier K blocks are done (by whichever thread took them). */
    void awaitEarlierBlocks(int panel, int block) {
        long start = 0;
        while (done.get(panel) < block) {
            if (start == 0) start = System.nanoTime();
            // a descheduled other thread: give it the core rather than spin through our slice
            if (System.nanoTime() - start < 20_000) Thread.onSpinWait();
            else Thread.yield();
        }
    }

    void finished(int panel, int block) {
        done.set(panel, block + 1);
    }

    /** A panel from the top (the half's own thread) or the bottom (the other) of half h; -1 when it is empty. */
    private int take(int h, boolean top) {
        while (true) {
            long v = halves.get(h);
            int next = (int) v, end = (int) (v >>> 32);
            if (next >= end) return -1;
            if (halves.compareAndSet(h, v, top ? range(next + 1, end) : range(next, end - 1))) return top ? next : end - 1;
        }
    }

    private static long range(int next, int end) {
        return (long) end << 32 | next;
    }
}
