package org.gradlab.record.tb;

import java.util.zip.CRC32C;

/**
 * TFRecord framing as TensorBoard writes it: u64 length, u32 masked CRC32C of the 8 length bytes, the data, u32
 * masked CRC32C of the data (all little-endian). The mask is TensorFlow's: rotate right by 15, add 0xa282ead8.
 */
public final class TfRecord {
    public static final int HEADER = 12, FOOTER = 4;
    /** No summary record is near this; a larger length is corruption, never an allocation. */
    public static final long MAX_DATA = 64L << 20;

    private TfRecord() {}

    public static int maskedCrc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        int crc = (int) c.getValue();
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    static long u64(byte[] b, int o) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (b[o + i] & 0xFF);
        return v;
    }

    static int u32(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
    }

    static void putU64(byte[] b, int o, long v) {
        for (int i = 0; i < 8; i++) b[o + i] = (byte) (v >>> (8 * i));
    }

    static void putU32(byte[] b, int o, int v) {
        for (int i = 0; i < 4; i++) b[o + i] = (byte) (v >>> (8 * i));
    }

    /** One framed record around data. */
    public static byte[] frame(byte[] data) {
        byte[] out = new byte[HEADER + data.length + FOOTER];
        putU64(out, 0, data.length);
        putU32(out, 8, maskedCrc(out, 0, 8));
        System.arraycopy(data, 0, out, HEADER, data.length);
        putU32(out, HEADER + data.length, maskedCrc(data, 0, data.length));
        return out;
    }
}
