package org.gradlab.record.tb;

import java.nio.charset.StandardCharsets;
import org.gradlab.record.ByteSource;
import org.gradlab.record.ByteSource.Malformed;

/**
 * A protobuf wire-format reader over a byte range: just enough for TensorBoard's Event, Summary, HistogramProto,
 * TensorProto and SummaryMetadata. Hand-written rather than generated: six small messages, no protoc in the
 * build, and every bound is checked (a bad length is a {@link Malformed}, never an array exception).
 */
final class ProtoReader {
    static final int VARINT = 0, I64 = 1, LEN = 2, I32 = 5;

    private final byte[] buf;
    private final ByteSource in;
    private int tag;

    ProtoReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.in = new ByteSource(buf, off, len);
    }

    /** Advances to the next field; false at the end. */
    boolean next() throws Malformed {
        if (in.atEnd()) return false;
        long t = varint();
        if (t <= 0 || t > Integer.MAX_VALUE) throw new Malformed(in.position(), "bad field key " + t);
        tag = (int) t;
        return true;
    }

    int field() { return tag >>> 3; }
    int wireType() { return tag & 7; }
    int position() { return in.position(); }

    long varint() throws Malformed {
        return in.varLong();
    }

    double fixed64AsDouble() throws Malformed {
        return in.f64();
    }

    float fixed32AsFloat() throws Malformed {
        return in.f32();
    }

    /** The [offset, length] of a length-delimited field's payload; advances past it. */
    int[] bytes() throws Malformed {
        long n = varint();
        if (n < 0 || n > in.remaining()) throw new Malformed(in.position(), "length " + n + " runs past the message");
        int[] r = {in.position(), (int) n};
        in.skip((int) n);
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
        if (wireType() != LEN) throw new Malformed(in.position(), "expected doubles");
        int[] r = bytes();
        if (r[1] % 8 != 0) throw new Malformed(r[0], "packed doubles of " + r[1] + " bytes");
        for (int o = r[0]; o < r[0] + r[1]; o += 8) out.accept(Double.longBitsToDouble(TfRecord.u64(buf, o)));
    }

    void floats(java.util.function.DoubleConsumer out) throws Malformed {
        if (wireType() == I32) {
            out.accept(fixed32AsFloat());
            return;
        }
        if (wireType() != LEN) throw new Malformed(in.position(), "expected floats");
        int[] r = bytes();
        if (r[1] % 4 != 0) throw new Malformed(r[0], "packed floats of " + r[1] + " bytes");
        for (int o = r[0]; o < r[0] + r[1]; o += 4) out.accept(Float.intBitsToFloat(TfRecord.u32(buf, o)));
    }

    void skip() throws Malformed {
        switch (wireType()) {
            case VARINT -> varint();
            case I64 -> in.skip(8);
            case LEN -> bytes();
            case I32 -> in.skip(4);
            default -> throw new Malformed(in.position(), "unsupported wire type " + wireType());
        }
    }
}
