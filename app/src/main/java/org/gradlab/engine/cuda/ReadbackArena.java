package org.gradlab.engine.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * Device slots for the numbers the host reads back (losses, gradient and weight statistics): kernels write
 * into consecutive slots, and {@link #collect()} brings every slot written since the last collect back in
 * one copy, then hands each reader its slice. A step reserves its slots in the same order every time, so
 * their addresses repeat and the step's launches still match the captured CUDA graphs.
 */
final class ReadbackArena {
    /** Receives a reservation's values: values[from .. from + count). */
    interface Reader {
        void read(double[] values, int from);
    }

    private record Pending(int from, Reader reader) {}

    private final DeviceApi api;
    private final List<Pending> pending = new ArrayList<>();
    private DeviceApi.Mem mem;
    private int capacity, used;
    /** Doubles reserved since the last collect() a caller asked for, including rounds flushed early to grow. */
    private int round;
    private double[] host = new double[0];

    ReadbackArena(DeviceApi api) {
        this.api = api;
    }

    /** Room for `count` doubles, read back by `reader` at the next collect. */
    DeviceApi.Ptr reserve(int count, Reader reader) {
        if (used + count > capacity) {
            flush(); // growing frees the memory that pending kernels write into
            grow(round + count); // room for this whole round next time: one copy per round again
        }
        DeviceApi.Ptr p = new DeviceApi.Ptr(mem, 8L * used);
        pending.add(new Pending(used, reader));
        used += count;
        round += count;
        return p;
    }

    /**
     * One device-to-host copy of every slot written since the last collect (it waits for the kernels before
     * it), then every reader; a reader's exception is thrown after all readers ran.
     */
    void collect() {
        try {
            flush();
        } finally {
            if (round > capacity) grow(round); // this round was flushed early to grow: the next one fits whole
            round = 0;
        }
    }

    private void flush() {
        if (pending.isEmpty()) return;
        List<Pending> now = List.copyOf(pending);
        int n = used;
        pending.clear();
        used = 0;
        if (host.length < n) host = new double[Math.max(n, 2 * host.length)];
        api.download(new DeviceApi.Ptr(mem, 0), host, n);
        RuntimeException first = null;
        for (Pending p : now) {
            try {
                p.reader().read(host, p.from());
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    private void grow(int wanted) {
        int size = Math.max(wanted, Math.max(256, 2 * capacity));
        free();
        mem = api.alloc(8L * size);
        capacity = size;
    }

    /** Drops pending reservations (after a device failure nothing will be read). */
    void discard() {
        pending.clear();
        used = 0;
        round = 0;
    }

    void free() {
        if (mem != null) api.free(mem);
        mem = null;
        capacity = 0;
    }
}
