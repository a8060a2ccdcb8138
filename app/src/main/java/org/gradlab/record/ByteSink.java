package org.gradlab.record;

import java.util.Arrays;

/** A growable little-endian byte buffer with varints (the step record encoder's output). */
final class ByteSink {
    private byte[] buf = new byte[4096];
    private int len;

    void reset() {
        len = 0;
    }

    int length() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    private void ensure(int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    void u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
    }

    void u32(int v) {
        ensure(4);
        buf[len++] = (byte) v;
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 24);
    }

    void i64(long v) {
        u32((int) v);
        u32((int) (v >>> 32));
    }

    void f32(float v) {
        u32(Float.floatToRawIntBits(v));
    }

    void f64(double v) {
        i64(Double.doubleToRawLongBits(v));
    }

    /** Unsigned LEB128. */
    void varLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    void floats(float[] a) {
        for (float v : a) f32(v);
    }

    void bytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }
}
