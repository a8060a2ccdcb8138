package org.gradlab.engine.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Device copies of the segment tables the gradient-statistics kernels walk (see gradstats.cu), built once
 * per (offsets, sizes) pair and reused every step — callers keep passing the same arrays, as with the CPU
 * twin {@code SegmentJob}. A table whose host arrays changed content is rebuilt.
 */
final class SegmentTables {
    /** Values per thread block: 256 threads × 32. */
    static final int CHUNK = 8192;

    static final class Table {
        final int[] offsets, sizes, offsetsCopy, sizesCopy;
        final int blocks, segments;
        final DeviceApi.Mem device;

        Table(DeviceApi api, int[] offsets, int[] sizes) {
            this.offsets = offsets;
            this.sizes = sizes;
            this.offsetsCopy = offsets.clone();
            this.sizesCopy = sizes.clone();
            this.segments = offsets.length;
            int[] host = layout(offsets, sizes);
            this.blocks = (host.length - segments - 1) / 3;
            this.device = api.alloc(4L * host.length);
            api.upload(ptr(), host, 0, host.length);
        }

        DeviceApi.Ptr ptr() {
            return new DeviceApi.Ptr(device, 0);
        }

        boolean matches(int[] o, int[] s) {
            return o == offsets && s == sizes && Arrays.equals(o, offsetsCopy) && Arrays.equals(s, sizesCopy);
        }
    }

    /** blockSeg[nb] | blockStart[nb] | blockEnd[nb] | segFirst[segments + 1]; an empty segment gets one empty block. */
    static int[] layout(int[] offsets, int[] sizes) {
        int segments = offsets.length, nb = 0;
        for (int s = 0; s < segments; s++) nb += Math.max(1, (sizes[s] + CHUNK - 1) / CHUNK);
        int[] t = new int[3 * nb + segments + 1];
        int k = 0;
        for (int s = 0; s < segments; s++) {
            t[3 * nb + s] = k;
            int start = offsets[s], end = offsets[s] + sizes[s];
            do {
                t[k] = s;
                t[nb + k] = start;
                t[2 * nb + k] = Math.min(end, start + CHUNK);
                start = t[2 * nb + k];
                k++;
            } while (start < end);
        }
        t[3 * nb + segments] = k;
        return t;
    }

    private final DeviceApi api;
    private final List<Table> tables = new ArrayList<>();
    private final List<int[]> intHosts = new ArrayList<>();
    private final List<DeviceApi.Mem> intDevices = new ArrayList<>();

    SegmentTables(DeviceApi api) {
        this.api = api;
    }

    Table table(int[] offsets, int[] sizes) {
        for (int i = 0; i < tables.size(); i++) {
            Table t = tables.get(i);
            if (t.matches(offsets, sizes)) return t;
            if (t.offsets == offsets && t.sizes == sizes) {
                api.free(t.device);
                tables.remove(i);
                break;
            }
        }
        Table t = new Table(api, offsets, sizes);
        tables.add(t);
        return t;
    }

    /**
     * The device copy of a small int table (a histogram row map, a row table), uploaded again only when its
     * content changed.
     */
    DeviceApi.Ptr ints(int[] host) {
        for (int i = 0; i < intHosts.size(); i++) {
            if (Arrays.equals(intHosts.get(i), host)) return new DeviceApi.Ptr(intDevices.get(i), 0);
        }
        DeviceApi.Mem d = api.alloc(4L * Math.max(1, host.length));
        DeviceApi.Ptr p = new DeviceApi.Ptr(d, 0);
        if (host.length > 0) api.upload(p, host, 0, host.length);
        intHosts.add(host.clone());
        intDevices.add(d);
        return p;
    }

    void free() {
        for (Table t : tables) api.free(t.device);
        for (DeviceApi.Mem d : intDevices) api.free(d);
        tables.clear();
        intHosts.clear();
        intDevices.clear();
    }
}
