package org.gradlab.record.tb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The matching writer for the few messages GradLab exports (Event, Summary, Value, HistogramProto). */
final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    byte[] bytes() {
        return out.toByteArray();
    }

    private void key(int field, int wire) {
        varint(((long) field << 3) | wire);
    }

    private void varint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    ProtoWriter int64(int field, long v) {
        key(field, ProtoReader.VARINT);
        varint(v);
        return this;
    }

    ProtoWriter dbl(int field, double v) {
        key(field, ProtoReader.I64);
        long b = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) out.write((int) (b >>> (8 * i)));
        return this;
    }

    ProtoWriter flt(int field, float v) {
        key(field, ProtoReader.I32);
        int b = Float.floatToRawIntBits(v);
        for (int i = 0; i < 4; i++) out.write(b >>> (8 * i));
        return this;
    }

    ProtoWriter bytes(int field, byte[] b) {
        key(field, ProtoReader.LEN);
        varint(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter packedDoubles(int field, double[] v) {
        byte[] b = new byte[8 * v.length];
        for (int i = 0; i < v.length; i++) TfRecord.putU64(b, 8 * i, Double.doubleToRawLongBits(v[i]));
        return bytes(field, b);
    }
}
