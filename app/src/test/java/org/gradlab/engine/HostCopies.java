package org.gradlab.engine;

/** Test arrays onto a backend and back. */
final class HostCopies {
    private HostCopies() {}

    /** A new buffer holding a. */
    static Buf up(Backend be, float[] a) {
        Buf b = be.alloc(a.length);
        be.upload(a, 0, b, 0, a.length);
        return b;
    }

    /** All of b's floats. */
    static float[] down(Backend be, Buf b) {
        float[] a = new float[b.size()];
        be.download(b, 0, a, 0, a.length);
        return a;
    }
}
