package org.gradlab.record;

import org.gradlab.run.RunEvent;
import org.gradlab.run.Snapshot;
import org.gradlab.telemetry.StepStats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Opens a recorded run for replay. Every file is untrusted: problems are {@link RunFileException}s naming the
 * file and byte offset. A damaged or torn tail of steps.bin does not stop the run from opening — the intact
 * prefix is readable and {@link #damage()} says what was cut off. Opening uses index.bin when it matches
 * steps.bin and rebuilds it by a scan otherwise; reading one step is one positional read.
 */
public final class RunReader implements AutoCloseable {
    private final Path dir;
    private final RunManifest manifest;
    private List<RunEvent> events;
    private final StepIndex index;
    private StepsFile.Damage damage;
    private FileChannel steps;
    private final RecordShape shape;

    private RunReader(Path dir, RunManifest m, List<RunEvent> events, StepIndex index, StepsFile.Damage damage, FileChannel steps) {
        this.dir = dir;
        this.manifest = m;
        this.events = events;
        this.index = index;
        this.damage = damage;
        this.steps = steps;
        this.shape = m.shape();
    }

    public static RunReader open(Path dir) throws RunFileException {
        if (!Files.isDirectory(dir)) throw new RunFileException(dir, -1, "not a directory");
        RunManifest m = RunManifest.read(dir);
        List<RunEvent> events = EventLog.read(dir);
        Path file = dir.resolve(RunFiles.STEPS);
        FileChannel ch = null;
        try {
            // a run without steps.bin has no steps yet (a reader never creates files)
            if (RunFiles.readable(dir, file, Long.MAX_VALUE) != null) ch = FileChannel.open(file, StandardOpenOption.READ);
            long size = ch == null ? 0 : ch.size();
            StepIndex ix = StepIndex.load(dir, size, m.firstStep());
            if (ix == null) {
                ix = new StepIndex();
                ix.setFirstStep(m.firstStep());
            }
            // the saved index covers a prefix (all of it after a clean close); scan whatever follows
            StepsFile.Damage dmg = ch == null ? null : StepsFile.scan(ch, file, ix);
            return new RunReader(dir, m, events, ix, dmg, ch);
        } catch (IOException e) {
            closeQuietly(ch);
            if (e instanceof RunFileException r) throw r;
            throw new RunFileException(file, -1, "cannot read: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            if (ch != null) ch.close();
        } catch (IOException ignored) {
            // closing a read-only channel after a failure: nothing to save
        }
    }

    public Path dir() { return dir; }
    public RunManifest manifest() { return manifest; }
    public List<RunEvent> events() { return events; }
    public StepIndex index() { return index; }

    /** The unreadable tail of steps.bin, or null when the whole file is intact. */
    public StepsFile.Damage damage() {
        return damage;
    }

    public int stepCount() {
        return index.count();
    }

    /** First recorded step (0, or where a fork branched). */
    public long firstStep() {
        return index.firstStep();
    }

    /** One past the last recorded step. */
    public long endStep() {
        return index.nextStep();
    }

    /**
     * Reads what a writer appended since: new intact records (a record still being written waits for the next
     * call) and the events. Returns the number of new steps. For following a run that is being recorded.
     */
    public int refresh() throws RunFileException {
        Path file = dir.resolve(RunFiles.STEPS);
        int before = index.count();
        try {
            if (steps == null && RunFiles.readable(dir, file, Long.MAX_VALUE) != null) steps = FileChannel.open(file, StandardOpenOption.READ);
            if (steps != null) damage = StepsFile.scan(steps, file, index);
        } catch (RunFileException e) {
            throw e;
        } catch (IOException e) {
            throw new RunFileException(file, -1, "cannot read: " + e.getMessage(), e);
        }
        events = EventLog.read(dir);
        return index.count() - before;
    }

    public Overview overview(int maxBuckets) {
        return index.overview(maxBuckets);
    }

    /** The full record of step k (checksum verified). */
    public StepStats step(long k) throws RunFileException {
        Path file = dir.resolve(RunFiles.STEPS);
        int at = index.positionOf(k);
        if (at < 0) {
            throw new RunFileException(file, -1, "step " + k + " is not recorded in this run (it has steps " + index.firstStep() + "–"
                    + index.lastStep() + ")");
        }
        long off = index.offsetAt(at);
        long frame = index.frameLengthAt(at);
        checkFrame(file, off, frame);
        ByteBuffer b = ByteBuffer.allocate((int) frame).order(ByteOrder.LITTLE_ENDIAN);
        try {
            StepsFile.readFully(steps, b, off);
        } catch (IOException e) {
            throw new RunFileException(file, off, "cannot read step " + k + ": " + e.getMessage(), e);
        }
        return decodeFrame(file, b.array(), 0, (int) frame, off, k);
    }

    private static void checkFrame(Path file, long off, long frame) throws RunFileException {
        if (frame < RunFiles.FRAME_HEADER || frame > RunFiles.MAX_RECORD + RunFiles.FRAME_HEADER) {
            throw new RunFileException(file, off, "bad record length");
        }
    }

    /** The record framed at buf[at, at + frame), which sits at byte `off` of the file and must hold step k. */
    private StepStats decodeFrame(Path file, byte[] buf, int at, int frame, long off, long k) throws RunFileException {
        ByteBuffer b = ByteBuffer.wrap(buf, at, frame).order(ByteOrder.LITTLE_ENDIAN);
        int len = b.getInt(at), stored = b.getInt(at + 4);
        if (len != frame - RunFiles.FRAME_HEADER) throw new RunFileException(file, off, "record length does not match the index");
        CRC32C crc = new CRC32C();
        crc.update(buf, at + RunFiles.FRAME_HEADER, len);
        if ((int) crc.getValue() != stored) throw new RunFileException(file, off, "checksum mismatch in step " + k);
        try {
            StepStats s = StepCodec.decode(new ByteSource(buf, at + RunFiles.FRAME_HEADER, len), shape);
            if (s.step() != k) throw new RunFileException(file, off, "record holds step " + s.step() + ", expected " + k);
            return s;
        } catch (ByteSource.Malformed m) {
            throw new RunFileException(file, off + m.position, "malformed step " + k + ": " + m.getMessage());
        }
    }

    /** Receives the records of {@link #forEachStep} in order. */
    public interface StepVisitor {
        void visit(int position, StepStats s) throws RunFileException;
    }

    /**
     * Every intact record, in step order, each checked as {@link #step} checks it — read sequentially in large
     * blocks (one read per megabyte instead of one per record), for passes over a whole run.
     */
    public void forEachStep(StepVisitor v) throws RunFileException {
        forEachStep(0, index.count(), v);
    }

    /** Records decoded ahead, in order, from the first index position they hold. */
    private record Batch(int first, List<StepStats> steps) {}

    private static final Batch END = new Batch(-1, List.of());

    /**
     * As {@link #forEachStep(StepVisitor)} for the records at index positions [from, to). A long pass decodes on a
     * second thread, a batch ahead of the visitor (reading and checking a record costs about as much as what a
     * replay does with it).
     */
    public void forEachStep(int from, int to, StepVisitor v) throws RunFileException {
        if (to - from < 20_000) {
            readInOrder(from, to, v);
            return;
        }
        java.util.concurrent.BlockingQueue<Object> q = new java.util.concurrent.ArrayBlockingQueue<>(8);
        Thread decoder = new Thread(() -> {
            List<StepStats> batch = new java.util.ArrayList<>(512);
            int[] first = {from};
            try {
                readInOrder(from, to, (i, s) -> {
                    if (batch.isEmpty()) first[0] = i;
                    batch.add(s);
                    if (batch.size() == 512) {
                        put(q, new Batch(first[0], List.copyOf(batch)));
                        batch.clear();
                    }
                });
                if (!batch.isEmpty()) put(q, new Batch(first[0], List.copyOf(batch)));
                put(q, END);
            } catch (Interrupted stop) {
                // the visitor failed: nobody is reading
            } catch (RunFileException | RuntimeException e) {
                try {
                    // the records before the bad one are handed out first, as a pass on one thread would
                    if (!batch.isEmpty()) q.put(new Batch(first[0], List.copyOf(batch)));
                    q.put(e);
                } catch (InterruptedException ignored) {
                    // the reader stopped first
                }
            }
        }, "gradlab-decode");
        decoder.setDaemon(true);
        decoder.start();
        try {
            while (true) {
                Object o = q.take();
                if (o == END) return;
                if (o instanceof RunFileException e) throw e;
                if (o instanceof RuntimeException e) throw e;
                Batch b = (Batch) o;
                for (int i = 0; i < b.steps().size(); i++) v.visit(b.first() + i, b.steps().get(i));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunFileException(dir.resolve(RunFiles.STEPS), -1, "interrupted while reading");
        } finally {
            decoder.interrupt();
        }
    }

    /** Stops the decoder when the visitor has gone. */
    private static final class Interrupted extends RuntimeException {
        Interrupted() {
            super(null, null, false, false);
        }
    }

    private static void put(java.util.concurrent.BlockingQueue<Object> q, Object o) {
        try {
            q.put(o);
        } catch (InterruptedException e) {
            throw new Interrupted();
        }
    }

    private void readInOrder(int from, int to, StepVisitor v) throws RunFileException {
        Path file = dir.resolve(RunFiles.STEPS);
        int n = Math.min(to, index.count());
        if (from >= n) return;
        if (steps == null) throw new RunFileException(file, -1, "cannot read: the steps file is gone");
        byte[] buf = new byte[1 << 20];
        long bufStart = 0;
        int bufLen = 0;
        for (int i = Math.max(0, from); i < n; i++) {
            long off = index.offsetAt(i), frame = index.frameLengthAt(i);
            checkFrame(file, off, frame);
            if (off < bufStart || off + frame > bufStart + bufLen) {
                if (frame > buf.length) buf = new byte[(int) frame];
                // the next block: from this record on, as many following records as fit
                long end = off + frame;
                for (int j = i + 1; j < n && index.offsetAt(j) + index.frameLengthAt(j) - off <= buf.length; j++) {
                    end = index.offsetAt(j) + index.frameLengthAt(j);
                }
                ByteBuffer b = ByteBuffer.wrap(buf, 0, (int) (end - off));
                try {
                    StepsFile.readFully(steps, b, off);
                } catch (IOException e) {
                    throw new RunFileException(file, off, "cannot read step " + index.stepAt(i) + ": " + e.getMessage(), e);
                }
                bufStart = off;
                bufLen = (int) (end - off);
            }
            v.visit(i, decodeFrame(file, buf, (int) (off - bufStart), (int) frame, off, index.stepAt(i)));
        }
    }

    public List<Long> checkpoints() throws RunFileException {
        try {
            return CheckpointIo.list(dir);
        } catch (IOException e) {
            throw new RunFileException(dir.resolve(RunFiles.CHECKPOINTS), -1, "cannot list: " + e.getMessage(), e);
        }
    }

    public Snapshot checkpoint(long step) throws RunFileException {
        int params = manifest.tensors().stream().mapToInt(RunManifest.Tensor::size).sum();
        return CheckpointIo.read(dir, step, params);
    }

    @Override
    public void close() {
        closeQuietly(steps);
    }
}
