package org.gradlab.record.tb;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes TensorBoard event files for tests, through the same framing and protobuf writer as export. */
public final class TbTestFiles {
    private TbTestFiles() {}

    /** An event file: the version record, then the given events. */
    public static void write(Path file, List<byte[]> events) throws Exception {
        Files.createDirectories(file.getParent());
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(TfRecord.frame(new ProtoWriter().dbl(1, 1).int64(2, 0).string(3, "brain.Event:2").bytes()));
            for (byte[] e : events) out.write(TfRecord.frame(e));
        }
    }

    public static byte[] event(long step, byte[]... values) {
        ProtoWriter summary = new ProtoWriter();
        for (byte[] v : values) summary.bytes(1, v);
        return new ProtoWriter().dbl(1, 1).int64(2, step).bytes(5, summary.bytes()).bytes();
    }

    public static byte[] scalar(String tag, float v) {
        return new ProtoWriter().string(1, tag).flt(2, v).bytes();
    }

    /** A legacy histogram of `count` values split over two buckets, (-1, 0] and (0, 1]. */
    public static byte[] histogram(String tag, double count) {
        byte[] h = new ProtoWriter().dbl(1, -1).dbl(2, 1).dbl(3, count).packedDoubles(6, new double[] {0, 1})
                .packedDoubles(7, new double[] {count / 2, count / 2}).bytes();
        return new ProtoWriter().string(1, tag).bytes(5, h).bytes();
    }
}
