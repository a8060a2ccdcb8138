package org.gradlab.engine.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays the steady-state training step as CUDA graphs, with no change to the models: launches are held
 * back until the next operation that is not a launch (a copy to or from the host, an allocation, a sync),
 * and a run of launches seen before with the very same kernels, shapes and arguments is captured once into a
 * graph and from then on replayed with a single call. Runs that differ from step to step (Adam's
 * step-dependent scalars, a changed clip factor buffer) simply run as plain launches. A failed capture turns
 * graphs off for this device and falls back to plain launches.
 */
final class GraphingDevice implements DeviceApi {
    /** Runs shorter than this are not worth a graph. */
    static final int MIN_LAUNCHES = 8;
    /** Held launches beyond this are flushed (a runaway sequence without any copy in it). */
    static final int MAX_PENDING = 8192;
    /** Distinct runs remembered before the cache is cleared (runs that never repeat would pile up). */
    static final int MAX_RUNS = 64;

    private final DeviceApi inner;
    private final List<Launch> pending = new ArrayList<>();
    private final Map<List<Launch>, Run> runs = new HashMap<>();
    private boolean broken;
    private String brokenReason;
    private long graphLaunches, plainLaunches;

    private static final class Run {
        int seen;
        Object graph;
    }

    GraphingDevice(DeviceApi inner) {
        this.inner = inner;
    }

    /** Graph replays and launches issued one by one so far (for tests and the bench). */
    long graphLaunches() { return graphLaunches; }
    long plainLaunches() { return plainLaunches; }
    /** Why graphs were turned off, or null. */
    String brokenReason() { return brokenReason; }

    @Override
    public void launch(String name, int gridX, int gridY, int threads, int sharedBytes, Object... args) {
        pending.add(new Launch(name, gridX, gridY, threads, sharedBytes, Arrays.asList(args.clone())));
        if (pending.size() >= MAX_PENDING) flush();
    }

    /** Issues the held launches: as a known graph, as a new graph on their second sighting, or one by one. */
    void flush() {
        if (pending.isEmpty()) return;
        List<Launch> seq = List.copyOf(pending);
        pending.clear();
        if (broken || seq.size() < MIN_LAUNCHES) {
            plain(seq);
            return;
        }
        Run r = runs.get(seq);
        if (r == null) {
            if (runs.size() >= MAX_RUNS) clearRuns();
            runs.put(seq, r = new Run());
        }
        if (r.graph == null && ++r.seen >= 2) {
            try {
                r.graph = inner.captureGraph(seq);
            } catch (DeviceError | UnsupportedOperationException e) {
                turnOff(e);
                plain(seq);
                return;
            }
        }
        if (r.graph == null) {
            plain(seq);
            return;
        }
        try {
            inner.launchGraph(r.graph);
            graphLaunches++;
        } catch (DeviceError e) {
            // a driver that captures but cannot replay: plain launches from now on (a real kernel fault
            // fails again there and ends the run as usual)
            turnOff(e);
            plain(seq);
        }
    }

    private void turnOff(RuntimeException why) {
        broken = true;
        brokenReason = String.valueOf(why.getMessage());
        try {
            clearRuns();
        } catch (DeviceError ignored) {
            runs.clear();
        }
    }

    private void plain(List<Launch> seq) {
        for (Launch l : seq) {
            inner.launch(l.name(), l.gridX(), l.gridY(), l.threads(), l.sharedBytes(), l.args().toArray());
            plainLaunches++;
        }
    }

    private void clearRuns() {
        for (Run r : runs.values()) if (r.graph != null) inner.destroyGraph(r.graph);
        runs.clear();
    }

    // ---- everything else first issues the held launches, so the order of work is kept

    @Override public String description() { return inner.description(); }

    @Override
    public Mem alloc(long bytes) {
        flush();
        return inner.alloc(bytes);
    }

    /** A freed buffer may be named by a graph: graphs are dropped (they are rebuilt on the next repeats). */
    @Override
    public void free(Mem m) {
        flush();
        clearRuns();
        inner.free(m);
    }

    @Override
    public void upload(Ptr dst, float[] src, int off, int n) {
        flush();
        inner.upload(dst, src, off, n);
    }

    @Override
    public void upload(Ptr dst, int[] src, int off, int n) {
        flush();
        inner.upload(dst, src, off, n);
    }

    @Override
    public void download(Ptr src, float[] dst, int off, int n) {
        flush();
        inner.download(src, dst, off, n);
    }

    @Override
    public void download(Ptr src, double[] dst, int n) {
        flush();
        inner.download(src, dst, n);
    }

    @Override
    public void copy(Ptr dst, Ptr src, long bytes) {
        flush();
        inner.copy(dst, src, bytes);
    }

    @Override
    public void synchronize() {
        flush();
        inner.synchronize();
    }

    @Override public String memoryInfo() { return inner.memoryInfo(); }
}
