package org.gradlab.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * steps.bin framing: per step a u32 payload length, the payload's CRC32C, the payload. A scan validates
 * every frame and indexes it; the first frame that is incomplete (a torn write), oversized, fails its
 * checksum or is out of sequence ends the intact prefix and is reported as {@link Damage}.
 */
public final class StepsFile {
    /** Where the intact prefix ends and why; `bytes` after it are unreadable. */
    public record Damage(long offset, long bytes, String reason) {
        /** A crash mid-write leaves an incomplete last frame; anything else is corruption. */
        public boolean tornTail() {
            return reason.startsWith("incomplete");
        }
    }

    private StepsFile() {}

    static void frame(ByteSink payload, ByteSink out) {
        CRC32C crc = new CRC32C();
        crc.update(payload.array(), 0, payload.length());
        out.reset();
        out.u32(payload.length());
        out.u32((int) crc.getValue());
        out.bytes(payload.array(), 0, payload.length());
    }

    /** Scans from the index's covered end to the end of the file, adding intact frames; returns damage or null. */
    static Damage scan(FileChannel ch, Path file, StepIndex index) throws IOException {
        long size = ch.size();
        long pos = index.coveredBytes();
        ByteBuffer head = ByteBuffer.allocate(RunFiles.FRAME_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        byte[] payload = new byte[64 << 10];
        float[] scalars = new float[Series.COUNT];
        CRC32C crc = new CRC32C();
        while (pos < size) {
            if (size - pos < RunFiles.FRAME_HEADER) return new Damage(pos, size - pos, "incomplete record header");
            head.clear();
            readFully(ch, head, pos);
            int len = head.getInt(0), stored = head.getInt(4);
            if (len <= 0 || len > RunFiles.MAX_RECORD) return new Damage(pos, size - pos, "bad record length " + Integer.toUnsignedString(len));
            if (size - pos - RunFiles.FRAME_HEADER < len) return new Damage(pos, size - pos, "incomplete record (" + len + " bytes announced)");
            if (payload.length < len) payload = new byte[Math.max(len, payload.length * 2)];
            readFully(ch, ByteBuffer.wrap(payload, 0, len), pos + RunFiles.FRAME_HEADER);
            crc.reset();
            crc.update(payload, 0, len);
            if ((int) crc.getValue() != stored) return new Damage(pos, size - pos, "checksum mismatch");
            long step;
            try {
                step = StepCodec.scalars(new ByteSource(payload, 0, len), scalars);
                boolean inOrder = index.count() == 0 ? step >= index.firstStep() : step > index.lastStep();
                if (!inOrder) return new Damage(pos, size - pos, "record for step " + step + " out of order after step " + index.lastStep());
            } catch (ByteSource.Malformed m) {
                return new Damage(pos, size - pos, "malformed record: " + m.getMessage());
            }
            long end = pos + RunFiles.FRAME_HEADER + len;
            index.addScalars(pos, end, step, scalars);
            pos = end;
        }
        return null;
    }

    static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) throw new IOException("unexpected end of file");
            pos += n;
        }
    }
}
