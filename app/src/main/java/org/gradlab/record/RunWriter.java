package org.gradlab.record;

import org.gradlab.run.RunEvent;
import org.gradlab.run.SessionListener;
import org.gradlab.run.Snapshot;
import org.gradlab.telemetry.StepStats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records a session into a run directory without ever stalling it: the training thread only encodes a
 * step into a framed byte array and queues it; a writer thread appends frames and event lines, and flushes
 * and force()s the files at least once a second and on pause, stop and close — so a crash loses at most
 * the last second. Checkpoints are written whole (temporary file, force, rename). On close the index is
 * saved so the run reopens without a scan.
 */
public final class RunWriter implements SessionListener, AutoCloseable {
    private static final long FLUSH_NANOS = 1_000_000_000L;

    private sealed interface Item permits Frame, Line, Ckpt, Flush {}
    private record Frame(byte[] bytes, StepStats stats) implements Item {}
    private record Line(byte[] bytes, boolean flushNow) implements Item {}
    private record Ckpt(Snapshot snapshot) implements Item {}
    private record Flush(CompletableFuture<Void> done) implements Item {}

    private final Path dir;
    private final RunManifest manifest;
    private final RecordShape shape;
    private final FileChannel steps, events;
    private final StepIndex index;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final ByteSink payload = new ByteSink(), frame = new ByteSink();
    private final Thread thread;
    private volatile boolean closing;
    private volatile IOException failure;
    private volatile long durableSteps;
    private long lastForce = System.nanoTime();
    private boolean dirty;

    private RunWriter(Path dir, RunManifest manifest, StepIndex index) throws IOException {
        this.dir = dir;
        this.manifest = manifest;
        this.shape = manifest.shape();
        this.index = index;
        this.steps = FileChannel.open(dir.resolve(RunFiles.STEPS), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        this.steps.position(index.coveredBytes());
        this.events = FileChannel.open(dir.resolve(RunFiles.EVENTS), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        this.durableSteps = index.count();
        this.thread = new Thread(this::writeLoop, "gradlab-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    /** A new run directory (created; it must not already hold a run). */
    public static RunWriter create(Path dir, RunManifest manifest) throws IOException {
        Files.createDirectories(dir);
        if (Files.exists(dir.resolve(RunFiles.MANIFEST))) {
            throw new RunFileException(dir.resolve(RunFiles.MANIFEST), -1, "a run is already recorded here; choose another --out");
        }
        manifest.write(dir);
        Files.deleteIfExists(dir.resolve(RunFiles.STEPS));
        Files.deleteIfExists(dir.resolve(RunFiles.INDEX));
        Files.createFile(dir.resolve(RunFiles.STEPS));
        StepIndex ix = new StepIndex();
        ix.setFirstStep(manifest.firstStep());
        return new RunWriter(dir, manifest, ix);
    }

    /**
     * Reopens a run to continue recording after its last intact step. A torn or damaged tail of steps.bin is
     * moved aside to {@code steps.bin.torn-<offset>} (never deleted) and the file truncated to its intact end.
     */
    public static RunWriter resume(Path dir) throws IOException {
        StepsFile.Damage damage;
        StepIndex index;
        RunManifest manifest;
        try (RunReader r = RunReader.open(dir)) {
            damage = r.damage();
            index = r.index();
            manifest = r.manifest();
        }
        if (damage != null) {
            Path stepsFile = dir.resolve(RunFiles.STEPS);
            Path aside = dir.resolve(RunFiles.STEPS + ".torn-" + damage.offset());
            try (FileChannel in = FileChannel.open(stepsFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileChannel out = FileChannel.open(aside, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                long pos = damage.offset(), end = in.size();
                while (pos < end) pos += in.transferTo(pos, end - pos, out);
                out.force(true);
                in.truncate(damage.offset());
                in.force(true);
            }
        }
        Files.deleteIfExists(dir.resolve(RunFiles.INDEX));
        return new RunWriter(dir, manifest, index);
    }

    public Path dir() { return dir; }
    public RunManifest manifest() { return manifest; }

    /** Steps that have reached the disk and been forced. */
    public long durableSteps() {
        return durableSteps;
    }

    /** Steps recorded (queued or written). */
    public int recordedSteps() {
        synchronized (index) {
            return index.count();
        }
    }

    // ------------------------------------------------------------------ SessionListener (training thread)
    @Override
    public void onStep(StepStats stats) {
        payload.reset();
        StepCodec.encode(stats, shape, payload);
        if (payload.length() > RunFiles.MAX_RECORD) throw new IllegalStateException("step record of " + payload.length() + " bytes");
        StepsFile.frame(payload, frame);
        queue.add(new Frame(java.util.Arrays.copyOf(frame.array(), frame.length()), stats));
    }

    @Override
    public void onEvent(RunEvent e) {
        boolean flush = e.type() != RunEvent.Type.CLIP && e.type() != RunEvent.Type.LR && e.type() != RunEvent.Type.SPIKE;
        queue.add(new Line(EventLog.line(e), flush));
    }

    @Override
    public void onCheckpoint(Snapshot snapshot) {
        queue.add(new Ckpt(snapshot));
    }

    @Override
    public void onEnd(String error) {
        flush();
    }

    /** Writes and forces everything queued so far; returns when it is on disk. */
    public void flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Flush(done));
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // a failed flush is reported by close() through `failure`
        }
    }

    // ------------------------------------------------------------------ writer thread
    private void writeLoop() {
        while (true) {
            try {
                long wait = Math.max(1, FLUSH_NANOS - (System.nanoTime() - lastForce));
                Item it = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (it == null) {
                    if (closing && queue.isEmpty()) break;
                } else {
                    handle(it);
                }
                if (dirty && System.nanoTime() - lastForce >= FLUSH_NANOS) force();
            } catch (InterruptedException e) {
                break;
            } catch (IOException e) {
                failure = e;
                break;
            }
        }
    }

    private void handle(Item it) throws IOException {
        if (it instanceof Frame f) {
            long pos = steps.position();
            ByteBuffer b = ByteBuffer.wrap(f.bytes());
            while (b.hasRemaining()) steps.write(b);
            synchronized (index) {
                index.add(pos, steps.position(), f.stats());
            }
            dirty = true;
        } else if (it instanceof Line l) {
            ByteBuffer b = ByteBuffer.wrap(l.bytes());
            while (b.hasRemaining()) events.write(b);
            dirty = true;
            if (l.flushNow()) force();
        } else if (it instanceof Ckpt c) {
            force();
            CheckpointIo.write(dir, c.snapshot());
        } else if (it instanceof Flush fl) {
            force();
            fl.done().complete(null);
        }
    }

    private void force() throws IOException {
        steps.force(false);
        events.force(false);
        lastForce = System.nanoTime();
        dirty = false;
        synchronized (index) {
            durableSteps = index.count();
        }
    }

    /** Drains the queue, forces the files and saves the index. */
    @Override
    public void close() throws IOException {
        flush();
        closing = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            steps.force(false);
            events.force(false);
            synchronized (index) {
                index.save(dir);
            }
        } finally {
            steps.close();
            events.close();
        }
        if (failure != null) throw failure;
    }

}
