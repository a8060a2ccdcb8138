package org.gradlab.engine.cuda;

import org.gradlab.engine.Buf;
import org.gradlab.engine.IntBuf;

/** Device memory of n 4-byte elements (float or int): the CUDA backend's {@link Buf} and {@link IntBuf}. */
final class CudaBuf implements Buf, IntBuf {
    final DeviceApi.Mem mem;
    final int n;

    CudaBuf(DeviceApi.Mem mem, int n) {
        this.mem = mem;
        this.n = n;
    }

    @Override
    public int size() {
        return n;
    }

    /** The address of element off. */
    DeviceApi.Ptr at(int off) {
        return new DeviceApi.Ptr(mem, 4L * off);
    }
}
