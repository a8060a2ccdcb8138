package org.gradlab.run;

import org.gradlab.engine.Backend;
import org.gradlab.telemetry.StepStats;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A training run on its own thread. Everything else talks to it through {@link Command}s, applied between
 * two steps in the order received and recorded as {@link RunEvent}s with the step they took effect at.
 * Listeners get every step on the training thread (the recorder); {@link #subscribe} queues never block it.
 */
public final class TrainingSession implements AutoCloseable {
    public enum State { NEW, RUNNING, PAUSED, FINISHED, STOPPED, FAILED }

    private final Backend backend;
    private final SessionConfig config;
    private final Trainer trainer;
    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final List<StepStatsQueue> queues = new CopyOnWriteArrayList<>();
    private final Object wake = new Object();
    private volatile State state = State.NEW;
    private volatile String failure;
    private String deviceNote;
    private volatile StepStats last;
    private Thread thread;
    private boolean paused;
    private int stepBudget = -1;
    private Spike injected;
    private boolean ownsBackend;

    /** A fresh run from the config's seed. */
    public TrainingSession(Backend backend, SessionConfig config) {
        this(backend, config, null);
    }

    /** A run continuing from a snapshot (a fork branch or a resumed recording), with this config's settings. */
    public TrainingSession(Backend backend, SessionConfig config, Snapshot from) {
        this.backend = backend;
        this.config = config;
        this.trainer = new Trainer(backend, config.run(), config.clip(), config.nonFinite());
        if (from != null) {
            trainer.restore(from);
            trainer.runner().setClip(config.clip());
            trainer.runner().setNonFinitePolicy(config.nonFinite());
            if (config.clip().toText().equals(from.clipSpec())) {
                trainer.runner().clip().restoreState(from.clipState());
            }
        }
        trainer.runner().setTelemetry(config.telemetry());
        for (Spike s : config.spikes()) trainer.checkSpike(s.kind());
    }

    /**
     * A session on its own backend, closed with the session (for callers such as the UI that should not deal
     * with the engine), on the device asked for: "auto", "cpu" with `threads` threads, or "cuda" (see
     * {@link Devices}); {@link #deviceNote()} says which and why. A GPU that was asked for and cannot be used
     * is an IllegalArgumentException whose message says why.
     */
    public static TrainingSession open(SessionConfig config, Snapshot from, String device, int threads) {
        org.gradlab.engine.Backends.Opened o;
        try {
            o = org.gradlab.engine.Backends.open(org.gradlab.engine.DeviceChoice.parse(device), threads);
        } catch (org.gradlab.engine.Backends.Unavailable e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        try {
            TrainingSession s = new TrainingSession(o.backend(), config, from);
            s.ownsBackend = true;
            s.deviceNote = o.note();
            return s;
        } catch (RuntimeException e) {
            o.backend().close();
            throw e;
        }
    }

    public SessionConfig config() { return config; }
    public Trainer trainer() { return trainer; }
    public State state() { return state; }
    public String failure() { return failure; }
    /** The backend's name: "cpu (2 threads, …)" or "cuda (NVIDIA …)". */
    public String deviceName() { return backend.name(); }
    /** "device: …" as chosen by {@link #open}, or the backend's name. */
    public String deviceNote() { return deviceNote != null ? deviceNote : "device: " + backend.name(); }
    public StepStats lastStats() { return last; }
    public Backend backend() { return backend; }

    /** Steps completed (the next step's index). */
    public long step() {
        return trainer.step();
    }

    public void addListener(SessionListener l) {
        listeners.add(l);
    }

    /** A queue that receives every step until it fills up; then the oldest entries are dropped and counted. */
    public StepStatsQueue subscribe(int capacity) {
        StepStatsQueue q = new StepStatsQueue(capacity);
        queues.add(q);
        return q;
    }

    /** Starts the training thread; with startPaused it waits for Resume or Step. */
    public synchronized void start(boolean startPaused) {
        if (thread != null) throw new IllegalStateException("session already started");
        paused = startPaused;
        state = startPaused ? State.PAUSED : State.RUNNING;
        emit(RunEvent.Type.START, config.clip().toText());
        thread = new Thread(this::loop, "gradlab-session");
        thread.setDaemon(true);
        thread.start();
    }

    public void submit(Command c) {
        commands.add(c);
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** Waits until the session ends (finished, stopped or failed); false on timeout. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) return true;
        t.join(unit.toMillis(timeout));
        return !t.isAlive();
    }

    public boolean ended() {
        State s = state;
        return s == State.FINISHED || s == State.STOPPED || s == State.FAILED;
    }

    private void loop() {
        String error = null;
        try {
            while (true) {
                // everything that is not the next step sees every step before it
                if (!commands.isEmpty()) deliver(trainer.runner().drain());
                if (applyCommands()) {
                    state = State.STOPPED;
                    break;
                }
                if (trainer.step() >= config.steps()) {
                    deliver(trainer.runner().drain());
                    state = State.FINISHED;
                    break;
                }
                if (paused && stepBudget <= 0) {
                    deliver(trainer.runner().drain());
                    state = State.PAUSED;
                    synchronized (wake) {
                        if (commands.isEmpty()) wake.wait(200);
                    }
                    continue;
                }
                state = State.RUNNING;
                runOneStep();
                if (stepBudget > 0 && --stepBudget == 0) paused = true;
            }
        } catch (StepRunner.NonFiniteStop e) {
            deliverCompleted();
            error = e.getMessage();
            emit(RunEvent.Type.NONFINITE_STOP, e.getMessage());
            state = State.STOPPED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = State.STOPPED;
        } catch (RuntimeException | OutOfMemoryError e) {
            deliverCompleted();
            error = e instanceof org.gradlab.engine.DeviceFailure ? e.getMessage() : e.toString();
            failure = error;
            emit(RunEvent.Type.ERROR, error);
            state = State.FAILED;
        }
        if (error != null) failure = error;
        for (SessionListener l : listeners) l.onEnd(error);
    }

    private void runOneStep() {
        long k = trainer.step();
        Spike spike = injected != null ? new Spike(k, injected.kind(), injected.factor()) : scheduledSpike(k);
        injected = null;
        if (spike != null) emit(RunEvent.Type.SPIKE, spike.toText());
        trainer.queueStep(spike);
        deliver(trainer.runner().completed());
        if (config.checkpointEvery() > 0 && trainer.step() % config.checkpointEvery() == 0) {
            deliver(trainer.runner().drain()); // a checkpoint follows every step it covers
            Snapshot snap = trainer.snapshot();
            for (SessionListener l : listeners) l.onCheckpoint(snap);
        }
    }

    /**
     * Hands completed steps to the listeners and queues. On a GPU a step's stats complete during the next
     * step (its statistics ride on that step's copy), so the loop drains them before it pauses, applies
     * commands or ends.
     */
    private void deliver(List<StepStats> done) {
        for (StepStats s : done) {
            last = s;
            for (SessionListener l : listeners) l.onStep(s);
            for (StepStatsQueue q : queues) q.offer(s);
        }
    }

    /** After a failure: the steps whose stats did complete still reach the recording (no device call). */
    private void deliverCompleted() {
        try {
            deliver(trainer.runner().completed());
        } catch (RuntimeException e) {
            // a listener failing here must not hide the run's own error
        }
    }

    private Spike scheduledSpike(long k) {
        for (Spike s : config.spikes()) if (s.step() == k) return s;
        return null;
    }

    /** Applies queued commands; true when a Stop was among them. */
    private boolean applyCommands() {
        Command c;
        boolean stop = false;
        while ((c = commands.poll()) != null) {
            if (c instanceof Command.Pause) {
                paused = true;
                stepBudget = -1;
                emit(RunEvent.Type.PAUSE, "");
            } else if (c instanceof Command.Resume) {
                paused = false;
                stepBudget = -1;
                emit(RunEvent.Type.RESUME, "");
            } else if (c instanceof Command.Step s) {
                paused = true;
                stepBudget = Math.max(1, s.n());
            } else if (c instanceof Command.Stop) {
                emit(RunEvent.Type.STOP, "");
                stop = true;
            } else if (c instanceof Command.SetClip sc) {
                trainer.runner().setClip(sc.spec());
                emit(RunEvent.Type.CLIP, sc.spec().toText());
            } else if (c instanceof Command.SetLr lr) {
                trainer.optimizer().setLr(lr.lr());
                emit(RunEvent.Type.LR, Double.toString(lr.lr()));
            } else if (c instanceof Command.InjectSpike sp) {
                try {
                    trainer.checkSpike(sp.kind());
                    injected = new Spike(trainer.step(), sp.kind(), sp.factor());
                } catch (IllegalArgumentException e) {
                    emit(RunEvent.Type.ERROR, e.getMessage());
                }
            } else if (c instanceof Command.TakeSnapshot ts) {
                emit(RunEvent.Type.FORK, ts.note());
                ts.result().complete(trainer.snapshot());
            }
            if (stop) break;
        }
        return stop;
    }

    private void emit(RunEvent.Type type, String value) {
        RunEvent e = new RunEvent(trainer.step(), System.currentTimeMillis(), type, value);
        for (SessionListener l : listeners) l.onEvent(e);
    }

    /** Stops the session and waits for its thread (and closes its backend when the session owns it). */
    @Override
    public void close() {
        submit(new Command.Stop());
        try {
            await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsBackend) backend.close();
    }

    /** Branches: N sessions from the same snapshot that differ only in their clip spec. */
    public static List<TrainingSession> fork(java.util.function.Supplier<Backend> backends, SessionConfig base,
                                             Snapshot at, List<org.gradlab.clip.ClipSpec> clips) {
        List<TrainingSession> out = new ArrayList<>();
        for (org.gradlab.clip.ClipSpec c : clips) out.add(new TrainingSession(backends.get(), base.withClip(c), at));
        return out;
    }
}
