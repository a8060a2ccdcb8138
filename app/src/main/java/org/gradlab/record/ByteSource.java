package org.gradlab.record;

/**
 * Reads what {@link ByteSink} wrote, checking every bound: running off the end or an over-long varint is a
 * {@link Malformed} with the position, never an exception from an array.
 */
final class ByteSource {
    /** Position-carrying decode failure; callers turn it into a {@link RunFileException}. */
    static final class Malformed extends Exception {
        final int position;

        Malformed(int position, String message) {
            super(message);
            this.position = position;
        }
    }

    private final byte[] buf;
    private final int end;
    private int pos;

    ByteSource(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    int position() {
        return pos;
    }

    boolean atEnd() {
        return pos == end;
    }

    private void need(int n) throws Malformed {
        if (end - pos < n) throw new Malformed(pos, "record ends early (needs " + n + " more bytes)");
    }

    int u8() throws Malformed {
        need(1);
        return buf[pos++] & 0xFF;
    }

    int u32() throws Malformed {
        need(4);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    long i64() throws Malformed {
        long lo = u32() & 0xFFFFFFFFL;
        long hi = u32() & 0xFFFFFFFFL;
        return lo | hi << 32;
    }

    float f32() throws Malformed {
        return Float.intBitsToFloat(u32());
    }

    double f64() throws Malformed {
        return Double.longBitsToDouble(i64());
    }

    long varLong() throws Malformed {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw new Malformed(pos, "varint longer than 10 bytes");
    }

    /** A count that must lie in [0, max]. */
    int count(long max, String what) throws Malformed {
        long v = varLong();
        if (v < 0 || v > max) throw new Malformed(pos, what + " " + v + " out of range (max " + max + ")");
        return (int) v;
    }

    float[] floats(int n) throws Malformed {
        need(4 * n);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = f32();
        return a;
    }
}
