package org.gradlab.engine;

/** A CPU buffer: a plain float array. */
public final class CpuBuf implements Buf {
    final float[] a;

    CpuBuf(int n) {
        a = new float[n];
    }

    @Override
    public int size() {
        return a.length;
    }
}
