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
    /** Reservations (and their doubles) whose kernels have certainly been issued, see {@link #seal()}. */
    private int sealedPending, sealedUsed;

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
     * Runs r after the readers of every slot reserved so far: at once when none is waiting, else at the end of
     * the next collect (in order with the readers; dropped with them by {@link #discard()}).
     */
    void whenCollected(Runnable r) {
        if (pending.isEmpty()) r.run();
        else pending.add(new Pending(used, (values, from) -> r.run()));
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
        clearPending();
        read(now, n);
    }

    /** Downloads the first n doubles and hands them to the readers; a reader's exception comes after all ran. */
    private void read(List<Pending> now, int n) {
        if (host.length < n) host = new double[Math.max(n, 2 * host.length)];
        if (n > 0) api.download(new DeviceApi.Ptr(mem, 0), host, n);
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
        clearPending();
        round = 0;
    }

    private void clearPending() {
        pending.clear();
        used = 0;
        sealedPending = 0;
        sealedUsed = 0;
    }

    /**
     * Called after a copy to the device succeeded: every kernel that writes the slots reserved so far was
     * issued before it (held launches go out before any copy), so those slots hold results even if a later
     * launch fails.
     */
    void seal() {
        sealedPending = pending.size();
        sealedUsed = used;
    }

    /**
     * After an error that leaves the device usable (out of memory): reads back the sealed slots — a finished
     * step's statistics still reach its recording — and drops the rest.
     */
    void salvage() {
        List<Pending> sealed = List.copyOf(pending.subList(0, sealedPending));
        int n = sealedUsed;
        discard();
        if (!sealed.isEmpty()) read(sealed, n);
    }

    void free() {
        if (mem != null) api.free(mem);
        mem = null;
        capacity = 0;
    }
}
