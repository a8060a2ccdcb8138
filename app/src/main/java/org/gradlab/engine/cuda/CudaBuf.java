package org.gradlab.engine.cuda;

import jcuda.driver.CUdeviceptr;
import org.gradlab.engine.Buf;
import org.gradlab.engine.IntBuf;

/** Device memory of n 4-byte elements (float or int): the CUDA backend's {@link Buf} and {@link IntBuf}. */
final class CudaBuf implements Buf, IntBuf {
    final CUdeviceptr ptr;
    final int n;
    boolean freed;

    CudaBuf(CUdeviceptr ptr, int n) {
        this.ptr = ptr;
        this.n = n;
    }

    @Override
    public int size() {
        return n;
    }

    /** The address of element off. */
    CUdeviceptr at(int off) {
        return off == 0 ? ptr : ptr.withByteOffset(4L * off);
    }
}
