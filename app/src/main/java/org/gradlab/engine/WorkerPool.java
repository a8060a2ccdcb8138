package org.gradlab.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of worker threads that run one {@link Job} at a time, split into as many chunks as threads.
 * The caller runs chunk 0 itself. Workers spin briefly before parking, because a training step hands out
 * hundreds of small jobs (one per time step) and a park/unpark round trip would dominate them.
 * Nothing is allocated per job.
 */
public final class WorkerPool implements AutoCloseable {
    /** A unit of parallel work; chunk c of n covers its own share of the rows or columns. */
    public interface Job {
        void run(int chunk, int chunks);
    }

    private static final long SPIN_NANOS = 200_000, YIELD_AFTER_NANOS = 20_000;

    private final int threads;
    private final Thread[] workers;
    private volatile Job job;
    private volatile long generation;
    private volatile boolean closed;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Throwable failure;

    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            final int chunk = i + 1;
            Thread t = new Thread(() -> workLoop(chunk), "gradlab-worker-" + chunk);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs job on all threads and returns when every chunk is done. */
    public void invoke(Job j) {
        if (threads == 1) {
            j.run(0, 1);
            return;
        }
        failure = null;
        pending.set(threads - 1);
        job = j;
        generation++;
        for (Thread w : workers) LockSupport.unpark(w);
        Throwable mine = null;
        try {
            j.run(0, threads);
        } catch (Throwable t) {
            mine = t;
        }
        long waitStart = System.nanoTime();
        while (pending.get() != 0) {
            // spin briefly (the usual case: the other chunk ends within microseconds), then yield so that an
            // oversubscribed machine gives the descheduled worker its core back instead of burning our slice
            if (System.nanoTime() - waitStart < YIELD_AFTER_NANOS) Thread.onSpinWait();
            else Thread.yield();
        }
        job = null;
        Throwable f = mine != null ? mine : failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException(f);
    }

    private void workLoop(int chunk) {
        long seen = 0;
        while (!closed) {
            long start = System.nanoTime();
            while (generation == seen && !closed) {
                long waited = System.nanoTime() - start;
                if (waited < YIELD_AFTER_NANOS) Thread.onSpinWait();
                else if (waited < SPIN_NANOS) Thread.yield();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = generation;
            Job j = job;
            try {
                if (j != null) j.run(chunk, threads);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    /** [start, end) of chunk c when n items are split into `chunks` parts aligned to `align`. */
    public static int splitStart(int n, int chunk, int chunks, int align) {
        int units = (n + align - 1) / align;
        return Math.min(n, (int) ((long) units * chunk / chunks) * align);
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
