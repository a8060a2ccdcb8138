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
import java.util.concurrent.locks.LockSupport;

/**
 * Records a session into a run directory: the training thread only encodes a step into a framed byte array
 * and queues it; a writer thread appends frames and event lines, and flushes and force()s the files at least
 * once a second and on pause, stop and close — so a crash loses at most the last second. The queue is
 * bounded: a disk slower than training slows training down instead of filling memory, and a write that
 * fails makes the next step's hand-over throw (the session then fails with the path and the cause) — no step
 * is acknowledged that cannot be written. Checkpoints are written whole (temporary file, force, rename).
 * When the session ends the writer saves the index (so the run reopens without a scan) and its thread ends;
 * with nothing to write it sleeps.
 */
public final class RunWriter implements SessionListener, AutoCloseable {
    private static final long FLUSH_NANOS = 1_000_000_000L;
    /** While recording, how long the writer lets frames gather before it looks at the queue again. */
    private static final long POLL_NANOS = 2_000_000L;

    /** Items waiting for the writer thread: at most this many (a few MB of frames). */
    static final int QUEUE_CAPACITY = 1024;

    private sealed interface Item permits Frame, Line, Ckpt, Flush, Close {}
    private record Frame(byte[] bytes, StepStats stats) implements Item {}
    private record Line(byte[] bytes, boolean flushNow) implements Item {}
    private record Ckpt(Snapshot snapshot) implements Item {}
    private record Flush(CompletableFuture<Void> done) implements Item {}
    private record Close() implements Item {}

    private final Path dir;
    private final RunManifest manifest;
    private final RecordShape shape;
    private final FileChannel steps, events;
    private final StepIndex index;
    /** The per-layer overview of every step written, saved beside the index at a clean close; null: none kept. */
    private final org.gradlab.overview.LayerOverview overview;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final ByteSink payload = new ByteSink(), frame = new ByteSink();
    private final Thread thread;
    private volatile boolean closeQueued, closed;
    private volatile IOException failure;
    private volatile long durableSteps;
    private long lastForce = System.nanoTime();
    private boolean dirty;

    private final RunLock lock;

    /** Opens the files a writer appends to (a test hands in one that fails the way a full disk does). */
    interface Opener {
        FileChannel open(Path file, java.nio.file.OpenOption... options) throws IOException;
    }

    private RunWriter(Path dir, RunManifest manifest, StepIndex index, org.gradlab.overview.LayerOverview overview, RunLock lock, Opener opener)
            throws IOException {
        this.dir = dir;
        this.overview = overview;
        this.lock = lock;
        this.manifest = manifest;
        this.shape = manifest.shape();
        this.index = index;
        this.steps = opener.open(dir.resolve(RunFiles.STEPS), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        this.steps.position(index.coveredBytes());
        this.events = opener.open(dir.resolve(RunFiles.EVENTS), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        this.durableSteps = index.count();
        this.thread = new Thread(this::writeLoop, "gradlab-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Records a session from now on into a new run directory (see {@link #create}); subscribe before the
     * session starts to record every step. `parent` names the run and step a fork branched from (or null).
     */
    public static RunWriter record(org.gradlab.run.TrainingSession s, Path dir, RunManifest.Parent parent) throws IOException {
        RunWriter w = create(dir, RunManifest.create(s.config(), s.layout(), parent, s.deviceName()));
        s.addListener(w);
        return w;
    }

    /**
     * A new run directory: created, locked for this writer alone, and refused when it already holds a run or
     * any run file (nothing already there is ever deleted). It is marked incomplete until the writer closes
     * cleanly, so a run whose recording was killed says so.
     */
    public static RunWriter create(Path dir, RunManifest manifest) throws IOException {
        return create(dir, manifest, FileChannel::open);
    }

    static RunWriter create(Path dir, RunManifest manifest, Opener opener) throws IOException {
        Files.createDirectories(dir);
        RunLock lock = RunLock.acquire(dir);
        try {
            if (Files.exists(dir.resolve(RunFiles.MANIFEST), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new RunFileException(dir.resolve(RunFiles.MANIFEST), -1, "a run is already recorded here; choose another --out");
            }
            for (String f : new String[] {RunFiles.STEPS, RunFiles.INDEX, RunFiles.EVENTS, RunFiles.CHECKPOINTS}) {
                if (Files.exists(dir.resolve(f), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new RunFileException(dir.resolve(f), -1, "left here without a run.json (an earlier run?); choose another --out "
                            + "or move it away: GradLab does not delete what it did not write");
                }
            }
            RunFiles.markIncomplete(dir);
            manifest.write(dir);
            Files.createFile(dir.resolve(RunFiles.STEPS));
            StepIndex ix = new StepIndex();
            ix.setFirstStep(manifest.firstStep());
            // another tool's log keeps its own rules for what a NaN means: its replay reads its records
            return new RunWriter(dir, manifest, ix, manifest.imported() == null ? SummaryFile.fresh(manifest) : null, lock, opener);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Reopens a run to continue recording after its last intact step. A torn or damaged tail of steps.bin is
     * moved aside to {@code steps.bin.torn-<offset>} (never deleted) and the file truncated to its intact end.
     */
    public static RunWriter resume(Path dir) throws IOException {
        RunLock lock = RunLock.acquire(dir);
        try {
            return resume(dir, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static RunWriter resume(Path dir, RunLock lock) throws IOException {
        StepsFile.Damage damage;
        StepIndex index;
        RunManifest manifest;
        org.gradlab.overview.LayerOverview overview = null;
        try (RunReader r = RunReader.open(dir)) {
            damage = r.damage();
            index = r.index();
            manifest = r.manifest();
            if (manifest.imported() == null) {
                // the saved summary when it covers exactly the intact steps; else one pass over their records
                overview = SummaryFile.load(dir, manifest, index);
                if (overview == null) {
                    org.gradlab.overview.LayerOverview o = SummaryFile.fresh(manifest);
                    r.forEachStep(0, index.count(), (i, st) -> o.append(st));
                    overview = o;
                }
            }
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
        Files.deleteIfExists(dir.resolve(RunFiles.INDEX)); // derived: rebuilt at the next close
        SummaryFile.delete(dir); // the same
        Files.deleteIfExists(dir.resolve(RunFiles.INDEX + ".tmp"));
        RunFiles.markIncomplete(dir);
        try (java.util.stream.Stream<Path> tmp = Files.list(dir.resolve(RunFiles.CHECKPOINTS))) {
            for (Path t : tmp.filter(p -> p.getFileName().toString().endsWith(".ckpt.tmp")).toList()) Files.deleteIfExists(t);
        } catch (java.nio.file.NoSuchFileException e) {
            // no checkpoints folder: nothing half-written there
        }
        return new RunWriter(dir, manifest, index, overview, lock, FileChannel::open);
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
        put(new Frame(java.util.Arrays.copyOf(frame.array(), frame.length()), stats));
    }

    @Override
    public void onEvent(RunEvent e) {
        boolean flush = e.type() != RunEvent.Type.CLIP && e.type() != RunEvent.Type.LR && e.type() != RunEvent.Type.SPIKE;
        put(new Line(EventLog.line(e), flush));
    }

    @Override
    public void onCheckpoint(Snapshot snapshot) {
        put(new Ckpt(snapshot));
    }

    /** The session ended: write what is queued, save the index and let the writer thread end. */
    @Override
    public void onEnd(String error) {
        requestClose();
    }

    /**
     * Queues an item for the writer, waiting while the queue is full (back-pressure); throws once the writer
     * has failed, naming the file and the cause, so the session stops instead of acknowledging lost steps.
     */
    private void put(Item it) {
        try {
            while (!queue.offer(it, 100, TimeUnit.MILLISECONDS)) checkFailure();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording to " + dir);
        }
        checkFailure();
    }

    private void checkFailure() {
        IOException f = failure;
        if (f != null) throw new RecordingFailure(f.getMessage());
        if (closed) throw new RecordingFailure("the recorder of " + dir + " is closed");
    }

    /** Recording stopped: the message names the file and the cause. */
    public static final class RecordingFailure extends RuntimeException {
        RecordingFailure(String message) {
            super(message);
        }
    }

    /** Writes and forces everything queued so far; returns when it is on disk (or the writer has failed). */
    public void flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed || failure != null) return;
        try {
            put(new Flush(done));
            while (!done.isDone() && thread.isAlive()) {
                try {
                    done.get(100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // still writing
                }
            }
        } catch (RecordingFailure | java.util.concurrent.ExecutionException e) {
            // reported by close() through `failure`
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ writer thread
    private void writeLoop() {
        try {
            while (true) {
                // nothing unforced: sleep until there is work (idle costs nothing). While recording, look again
                // every POLL_NANOS instead of waiting on the queue: a writer waiting there made each step's
                // hand-over wake it, a futex call and an interrupt to the other core on the training thread
                // (~30 µs of kernel time a step in a VM: recording cost a 50-unit RNN's step 6.6-7.9%, now 1.1-1.2%)
                Item it = dirty ? queue.poll() : queue.take();
                if (it instanceof Close) break;
                if (it != null) handle(it);
                long sinceForce = System.nanoTime() - lastForce;
                if (dirty && sinceForce >= FLUSH_NANOS) force();
                else if (it == null) LockSupport.parkNanos(Math.min(POLL_NANOS, FLUSH_NANOS - sinceForce));
            }
            finishFiles();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            failure = e;
        } finally {
            closed = true;
            closeQuietly();
            // nobody waits on what is still queued: answer the flushes so their callers go on
            for (Item it; (it = queue.poll()) != null; ) if (it instanceof Flush fl) fl.done().complete(null);
        }
    }

    private void handle(Item it) throws IOException {
        if (it instanceof Frame f) {
            long pos = steps.position();
            ByteBuffer b = ByteBuffer.wrap(f.bytes());
            try {
                while (b.hasRemaining()) steps.write(b);
            } catch (IOException e) {
                steps.truncate(pos); // never leave a partial frame behind a failure
                throw failed(RunFiles.STEPS, e);
            }
            synchronized (index) {
                index.add(pos, steps.position(), f.stats());
            }
            if (overview != null) overview.append(f.stats());
            dirty = true;
        } else if (it instanceof Line l) {
            ByteBuffer b = ByteBuffer.wrap(l.bytes());
            try {
                while (b.hasRemaining()) events.write(b);
            } catch (IOException e) {
                throw failed(RunFiles.EVENTS, e);
            }
            dirty = true;
            if (l.flushNow()) force();
        } else if (it instanceof Ckpt c) {
            force();
            try {
                CheckpointIo.write(dir, c.snapshot());
            } catch (IOException e) {
                throw failed(RunFiles.CHECKPOINTS, e);
            }
        } else if (it instanceof Flush fl) {
            force();
            fl.done().complete(null);
        }
    }

    private IOException failed(String file, IOException e) {
        return new IOException("cannot write " + dir.resolve(file) + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
    }

    private void force() throws IOException {
        try {
            steps.force(false);
            events.force(false);
        } catch (IOException e) {
            throw failed(RunFiles.STEPS, e);
        }
        lastForce = System.nanoTime();
        dirty = false;
        synchronized (index) {
            durableSteps = index.count();
        }
    }

    private void finishFiles() throws IOException {
        force();
        synchronized (index) {
            try {
                index.save(dir);
            } catch (IOException e) {
                throw failed(RunFiles.INDEX, e);
            }
        }
        // outside the lock (readers of the step count need not wait on it): only this thread writes the index now
        if (overview != null) {
            try {
                SummaryFile.save(dir, overview, index);
            } catch (IOException e) {
                // derived, like the index, but not needed to read the run: its replay reads the records instead
            }
        }
    }

    private void closeQuietly() {
        try {
            steps.close();
            events.close();
        } catch (IOException ignored) {
            // closing after the data was forced (or after a failure already recorded)
        }
        try {
            if (failure == null) RunFiles.markComplete(dir); // everything was written and forced
        } catch (IOException ignored) {
            // the marker stays: the run reads as incomplete, which is the safe side
        }
        lock.close();
    }

    private void requestClose() {
        synchronized (this) {
            if (closeQueued) return;
            closeQueued = true;
        }
        try {
            while (thread.isAlive() && !queue.offer(new Close(), 100, TimeUnit.MILLISECONDS)) {
                // the writer is still busy with a full queue
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued, forces the files, saves the index and ends the writer thread. */
    @Override
    public void close() throws IOException {
        requestClose();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) throw failure;
    }

    /** Whether the writer thread has ended (after the session's end or close()). */
    public boolean finished() {
        return !thread.isAlive();
    }
}
