package org.gradlab.engine.cuda;

/** A device work area that grows on demand (zero-filled when it does): per-kernel scratch of the backend. */
final class DeviceScratch {
    private final DeviceApi api;
    private DeviceApi.Mem mem;
    private long bytes;

    DeviceScratch(DeviceApi api) {
        this.api = api;
    }

    /** At least `need` bytes. */
    DeviceApi.Ptr get(long need) {
        if (mem == null || need > bytes) {
            free();
            long size = (Math.max(need, Math.max(256, bytes * 2)) + 7) & ~7L;
            mem = api.alloc(size);
            bytes = size;
        }
        return new DeviceApi.Ptr(mem, 0);
    }

    void free() {
        if (mem != null) api.free(mem);
        mem = null;
        bytes = 0;
    }
}
