package org.gradlab.record.tb;

import java.nio.charset.StandardCharsets;

/**
 * A protobuf wire-format reader over a byte range: just enough for TensorBoard's Event, Summary, HistogramProto,
 * TensorProto and SummaryMetadata. Hand-written rather than generated: six small messages, no protoc in the
 * build, and every bound is checked (a bad length is a {@link Malformed}, never an array exception).
 */
final class ProtoReader {
    static final int VARINT = 0, I64 = 1, LEN = 2, I32 = 5;

    /** A wire-format error at a position. */
    static final class Malformed extends Exception {
        final int position;

        Malformed(int position, String message) {
            super(message);
            this.position = position;
        }
    }

    private final byte[] buf;
    private final int end;
    private int pos, tag;

    ProtoReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    /** Advances to the next field; false at the end. */
    boolean next() throws Malformed {
        if (pos >= end) return false;
        long t = varint();
        if (t <= 0 || t > Integer.MAX_VALUE) throw new Malformed(pos, "bad field key " + t);
        tag = (int) t;
        return true;
    }

    int field() { return tag >>> 3; }
    int wireType() { return tag & 7; }
    int position() { return pos; }

    long varint() throws Malformed {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw new Malformed(pos, "varint runs past the message");
            int b = buf[pos++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw new Malformed(pos, "varint longer than 10 bytes");
    }

    double fixed64AsDouble() throws Malformed {
        need(8);
        long v = TfRecord.u64(buf, pos);
        pos += 8;
        return Double.longBitsToDouble(v);
    }

    float fixed32AsFloat() throws Malformed {
        need(4);
        int v = TfRecord.u32(buf, pos);
        pos += 4;
        return Float.intBitsToFloat(v);
    }

    /** The [offset, length] of a length-delimited field's payload; advances past it. */
    int[] bytes() throws Malformed {
        long n = varint();
        if (n < 0 || n > end - pos) throw new Malformed(pos, "length " + n + " runs past the message");
        int[] r = {pos, (int) n};
        pos += (int) n;
        return r;
    }

    ProtoReader sub() throws Malformed {
        int[] r = bytes();
        return new ProtoReader(buf, r[0], r[1]);
    }

    String string() throws Malformed {
        int[] r = bytes();
        return new String(buf, r[0], r[1], StandardCharsets.UTF_8);
    }

    byte[] raw() throws Malformed {
        int[] r = bytes();
        byte[] out = new byte[r[1]];
        System.arraycopy(buf, r[0], out, 0, r[1]);
        return out;
    }

    /** Packed or single doubles (repeated double fields may come either way). */
    void doubles(java.util.function.DoubleConsumer out) throws Malformed {
        if (wireType() == I64) {
            out.accept(fixed64AsDouble());
            return;
        }
        if (wireType() != LEN) throw new Malformed(pos, "expected doubles");
        int[] r = bytes();
        if (r[1] % 8 != 0) throw new Malformed(r[0], "packed doubles of " + r[1] + " bytes");
        for (int o = r[0]; o < r[0] + r[1]; o += 8) out.accept(Double.longBitsToDouble(TfRecord.u64(buf, o)));
    }

    void floats(java.util.function.DoubleConsumer out) throws Malformed {
        if (wireType() == I32) {
            out.accept(fixed32AsFloat());
            return;
        }
        if (wireType() != LEN) throw new Malformed(pos, "expected floats");
        int[] r = bytes();
        if (r[1] % 4 != 0) throw new Malformed(r[0], "packed floats of " + r[1] + " bytes");
        for (int o = r[0]; o < r[0] + r[1]; o += 4) out.accept(Float.intBitsToFloat(TfRecord.u32(buf, o)));
    }

    void skip() throws Malformed {
        switch (wireType()) {
            case VARINT -> varint();
            case I64 -> {
                need(8);
                pos += 8;
            }
            case LEN -> bytes();
            case I32 -> {
                need(4);
                pos += 4;
            }
            default -> throw new Malformed(pos, "unsupported wire type " + wireType());
        }
    }

    private void need(int n) throws Malformed {
        if (end - pos < n) throw new Malformed(pos, "field runs past the message");
    }
}
