package org.gradlab.engine;

/** A CPU int buffer. */
public final class CpuIntBuf implements IntBuf {
    final int[] a;

    CpuIntBuf(int n) {
        a = new int[n];
    }

    @Override
    public int size() {
        return a.length;
    }
}
