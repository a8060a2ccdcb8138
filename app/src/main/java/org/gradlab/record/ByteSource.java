package org.gradlab.record;

/**
 * Little-endian fixed-width values and LEB128 varints over a byte range, checking every bound: running off
 * the end or an over-long varint is a {@link Malformed} with the position, never an exception from an
 * array. Reads what {@link ByteSink} wrote, and is the byte layer of the TensorBoard protobuf reader.
 */
public final class ByteSource {
    /** Position-carrying decode failure; callers turn it into a sentence for the user with the file name. */
    public static final class Malformed extends Exception {
        public final int position;

        public Malformed(int position, String message) {
            super(message);
            this.position = position;
        }
    }

    private final byte[] buf;
    private final int end;
    private int pos;

    public ByteSource(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    public int position() {
        return pos;
    }

    public boolean atEnd() {
        return pos == end;
    }

    /** Bytes left before the end of the range. */
    public int remaining() {
        return end - pos;
    }

    /** Checks that n more bytes are there. */
    public void need(int n) throws Malformed {
        if (end - pos < n) throw new Malformed(pos, "data ends early (needs " + n + " more bytes)");
    }

    /** Moves past n bytes that are there. */
    public void skip(int n) throws Malformed {
        need(n);
        pos += n;
    }

    public int u8() throws Malformed {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public int u32() throws Malformed {
        need(4);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    public long i64() throws Malformed {
        long lo = u32() & 0xFFFFFFFFL;
        long hi = u32() & 0xFFFFFFFFL;
        return lo | hi << 32;
    }

    public float f32() throws Malformed {
        return Float.intBitsToFloat(u32());
    }

    public double f64() throws Malformed {
        return Double.longBitsToDouble(i64());
    }

    public long varLong() throws Malformed {
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
