package org.gradlab.record;

import org.gradlab.overview.LayerOverview;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * summary.bin: the run's {@link LayerOverview} as its recorder kept it, saved beside the index at a clean close,
 * so a replay draws per-layer norms, histograms over time and the gradient through time without reading every
 * record. Derived like the index: it names the steps it covers (count, last step, bytes of steps.bin) and is
 * used only when they are exactly the index's; a missing, stale or damaged one is ignored (the replay reads the
 * records instead), never trusted.
 */
public final class SummaryFile {
    private static final int MAGIC = 0x53554D31; // "SUM1"
    private static final int VERSION = 1;
    /** Far above what a summary of any run holds (buckets and columns are bounded, not the run's length). */
    private static final long MAX_BYTES = 1L << 30;

    private SummaryFile() {}

    /** An empty overview shaped for a run: its layer groups, and the gradient through time when recurrent. */
    public static LayerOverview fresh(RunManifest m) {
        LayerOverview o = new LayerOverview(m.groups().size(), 0, LayerOverview.HISTOGRAM_COLUMNS);
        if (m.recurrent() != null) o.enableThroughTime(m.recurrent().layers(), m.recurrent().steps(), m.recurrent().matrices());
        return o;
    }

    /** Writes the overview of the steps the index covers (temporary file, forced, then moved into place). */
    static void save(Path dir, LayerOverview o, StepIndex ix) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(ix.count());
        out.writeLong(ix.count() == 0 ? -1 : ix.lastStep());
        out.writeLong(ix.coveredBytes());
        o.write(out);
        out.flush();
        CRC32C crc = new CRC32C();
        byte[] body = bytes.toByteArray();
        crc.update(body);
        Path tmp = dir.resolve(RunFiles.SUMMARY + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(body);
            while (b.hasRemaining()) ch.write(b);
            ByteBuffer c = ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip();
            while (c.hasRemaining()) ch.write(c);
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp); // derived: better none than a half-written one
            throw e;
        }
        Files.move(tmp, dir.resolve(RunFiles.SUMMARY), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes a summary that is about to go stale (a resumed recording appends steps it does not cover). */
    static void delete(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(RunFiles.SUMMARY));
        Files.deleteIfExists(dir.resolve(RunFiles.SUMMARY + ".tmp"));
    }

    /**
     * The run's saved overview when it covers exactly the steps the index does and is intact; null otherwise
     * (none saved, a recording that did not close, a resumed one, a damaged or foreign file).
     */
    public static LayerOverview load(Path dir, RunManifest m, StepIndex ix) {
        Path file = dir.resolve(RunFiles.SUMMARY);
        try {
            if (RunFiles.readable(dir, file, MAX_BYTES) == null || Files.size(file) < 32) return null;
            byte[] all = Files.readAllBytes(file);
            CRC32C crc = new CRC32C();
            crc.update(all, 0, all.length - 4);
            if ((int) crc.getValue() != ByteBuffer.wrap(all, all.length - 4, 4).getInt()) return null;
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 4));
            if (in.readInt() != MAGIC || in.readInt() != VERSION) return null;
            int count = in.readInt();
            long last = in.readLong(), covered = in.readLong();
            if (count != ix.count() || last != (ix.count() == 0 ? -1 : ix.lastStep()) || covered != ix.coveredBytes()) return null;
            LayerOverview o = fresh(m);
            o.read(in);
            if (in.available() != 0) return null;
            return o;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
