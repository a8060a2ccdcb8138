package org.gradlab.engine.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemsetD32;

import jcuda.driver.CUdeviceptr;

/** A device work area that grows on demand (and is zeroed when it does): per-kernel scratch of the backend. */
final class DeviceScratch {
    private CUdeviceptr ptr;
    private long bytes;

    /** At least `need` bytes, zero-filled when (re)allocated. */
    CUdeviceptr get(long need) {
        if (need > bytes || ptr == null) {
            free();
            long size = (Math.max(need, Math.max(256, bytes * 2)) + 7) & ~7L;
            CUdeviceptr p = new CUdeviceptr();
            cuMemAlloc(p, size);
            cuMemsetD32(p, 0, size / 4);
            ptr = p;
            bytes = size;
        }
        return ptr;
    }

    void free() {
        if (ptr != null) cuMemFree(ptr);
        ptr = null;
        bytes = 0;
    }
}
