package org.gradlab.run;

import org.gradlab.engine.Backend;
import org.gradlab.engine.ParamLayout;
import org.gradlab.telemetry.StepStats;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A training run on its own thread, speaking one ordered stream — finished steps, control events and status
 * changes — to its {@link SessionListener}s. Nothing outside this package reaches its trainer, model,
 * optimizer or clip strategy: everything else talks to it through {@link Command}s, applied between two steps
 * by one {@link CommandInterpreter} and answered with the step they took effect at. A paused or ended session
 * uses no CPU: its thread waits for a command, or has ended.
 */
public final class TrainingSession implements AutoCloseable {
    private record Pending<T>(Command<T> command, CompletableFuture<T> answer) {}

    private final Backend backend;
    private final SessionConfig config;
    private final Trainer trainer;
    private final CommandInterpreter interpreter;
    private final ArrayDeque<Pending<?>> commands = new ArrayDeque<>();
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private volatile SessionState state = SessionState.NEW;
    private volatile String failure;
    private volatile long stepsDone;
    private volatile SessionItem.Status lastStatus;
    private String deviceNote;
    private Thread thread;
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
        trainer.runner().setRadiusEvery(config.radiusEvery());
        for (Spike s : config.spikes()) trainer.checkSpike(s.kind());
        this.interpreter = new CommandInterpreter(trainer, this::emit);
        this.stepsDone = trainer.step();
        this.lastStatus = status(SessionState.NEW);
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
    public SessionState state() { return state; }
    /** Why the session failed or stopped on non-finite values, else null. */
    public String failure() { return failure; }
    /** The backend's name: "cpu (2 threads, …)" or "cuda (NVIDIA …)". */
    public String deviceName() { return backend.name(); }
    /** "device: …" as chosen by {@link #open}, or the backend's name. */
    public String deviceNote() { return deviceNote != null ? deviceNote : "device: " + backend.name(); }
    /** The parameter layout (names, shapes, layer groups) — what a recorder writes into run.json. */
    public ParamLayout layout() { return trainer.model().params().layout(); }
    public List<String> layerGroups() { return layout().groups(); }
    public long parameterCount() { return trainer.model().params().size(); }

    /** The status last published on the stream (before the start: what the session will start with). */
    public SessionItem.Status status() {
        return lastStatus;
    }

    /** Steps finished and handed to the stream (the next step's index). */
    public long step() {
        return stepsDone;
    }

    /** Subscribes to the stream from now on (subscribe before {@link #start} to see every item). */
    public void addListener(SessionListener l) {
        listeners.add(l);
    }

    /** A queue that receives the stream for another thread (see {@link StreamQueue}). */
    public StreamQueue subscribe(int capacity) {
        StreamQueue q = new StreamQueue(capacity);
        listeners.add(q);
        return q;
    }

    /** Starts the training thread; with startPaused it waits for Resume, Step or RunTo. */
    public synchronized void start(boolean startPaused) {
        if (thread != null) throw new IllegalStateException("session already started");
        interpreter.startPaused(startPaused);
        emit(RunEvent.Type.START, config.clip().toText());
        publishStatus(startPaused ? SessionState.PAUSED : SessionState.RUNNING);
        thread = new Thread(this::loop, "gradlab-session");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a command for the training thread and returns its answer (the step it took effect at, a snapshot,
     * an evaluation). After the session has ended, snapshots and evaluations are answered at once on the
     * caller's thread and every other command is refused.
     */
    public <T> CompletableFuture<T> submit(Command<T> c) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        synchronized (commands) {
            if (!state.ended()) {
                commands.add(new Pending<>(c, answer));
                commands.notifyAll();
                return answer;
            }
        }
        if (c instanceof Command.TakeSnapshot || c instanceof Command.Evaluate) {
            synchronized (this) { // the thread has ended: its objects are ours now
                interpreter.apply(c, answer);
            }
        } else {
            answer.completeExceptionally(new IllegalStateException("the session has ended (" + state.name().toLowerCase(java.util.Locale.ROOT) + ")"));
        }
        return answer;
    }

    /** Waits until the session ends (finished, stopped or failed); false on timeout. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) return true;
        t.join(Math.max(1, unit.toMillis(timeout)));
        return !t.isAlive();
    }

    public boolean ended() {
        return state.ended();
    }

    private void loop() {
        String error = null;
        SessionState end;
        try {
            while (true) {
                if (hasCommands()) {
                    deliver(trainer.runner().drain()); // commands see every step before them
                    applyCommands();
                    publishStatus(state);
                }
                if (interpreter.stopRequested()) {
                    end = SessionState.STOPPED;
                    break;
                }
                long k = trainer.step();
                if (k >= config.steps()) {
                    deliver(trainer.runner().drain());
                    end = SessionState.FINISHED;
                    break;
                }
                if (interpreter.pauseBefore(k, scheduledSpike(k) != null)) {
                    deliver(trainer.runner().drain());
                    if (state == SessionState.RUNNING) checkpointAtPause();
                    publishStatus(SessionState.PAUSED);
                    interpreter.answerArrivals();
                    waitForCommand(-1);
                    continue;
                }
                long wait = interpreter.waitNanos(System.nanoTime());
                publishStatus(SessionState.RUNNING);
                if (wait > 0) {
                    deliver(trainer.runner().drain());
                    waitForCommand(wait);
                    continue;
                }
                interpreter.stepStarting(System.nanoTime());
                runOneStep(k);
            }
        } catch (StepRunner.NonFiniteStop e) {
            deliverCompleted();
            error = e.getMessage();
            emit(RunEvent.Type.NONFINITE_STOP, e.getMessage());
            end = SessionState.STOPPED;
        } catch (RuntimeException | OutOfMemoryError e) {
            deliverCompleted();
            error = e instanceof org.gradlab.engine.DeviceFailure || e instanceof ListenerFailure ? e.getMessage() : e.toString();
            emitQuietly(RunEvent.Type.ERROR, error);
            end = SessionState.FAILED;
        }
        finish(end, error);
    }

    private void finish(SessionState end, String error) {
        failure = error;
        List<Pending<?>> left;
        synchronized (commands) {
            state = end; // from here on submit() answers itself
            left = List.copyOf(commands);
            commands.clear();
        }
        String why = "the session ended (" + end.name().toLowerCase(java.util.Locale.ROOT) + (error == null ? "" : ": " + error) + ")";
        synchronized (this) {
            interpreter.endAt(trainer.step(), why);
            for (Pending<?> p : left) {
                if (p.command() instanceof Command.TakeSnapshot || p.command() instanceof Command.Evaluate) applyLater(p);
                else p.answer().completeExceptionally(new IllegalStateException(why));
            }
        }
        SessionItem.Status last = new SessionItem.Status(trainer.step(), end, trainer.runner().clip().spec().toText(),
                trainer.optimizer().lrAt(trainer.step()), interpreter.speed(), interpreter.rules().toText(), error == null ? "" : error);
        lastStatus = last;
        for (SessionListener l : listeners) {
            try {
                l.onStatus(last);
            } catch (RuntimeException e) {
                // the run is over; a subscriber failing now changes nothing
            }
        }
        for (SessionListener l : listeners) {
            try {
                l.onEnd(error);
            } catch (RuntimeException e) {
                if (failure == null) failure = e.getMessage();
            }
        }
    }

    private <T> void applyLater(Pending<T> p) {
        interpreter.apply(p.command(), p.answer());
    }

    private boolean hasCommands() {
        synchronized (commands) {
            return !commands.isEmpty();
        }
    }

    private void applyCommands() {
        while (true) {
            Pending<?> p;
            synchronized (commands) {
                p = commands.poll();
            }
            if (p == null) return;
            applyLater(p);
            if (interpreter.stopRequested()) return;
        }
    }

    /** Sleeps until a command arrives, or for at most `nanos` (forever when negative). */
    private void waitForCommand(long nanos) {
        synchronized (commands) {
            if (!commands.isEmpty()) return;
            try {
                if (nanos < 0) commands.wait();
                else commands.wait(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                commands.add(new Pending<>(new Command.Stop(), new CompletableFuture<>()));
            }
        }
    }

    private void runOneStep(long k) {
        Spike spike = interpreter.takeSpike(k, scheduledSpike(k));
        if (spike != null) emit(RunEvent.Type.SPIKE, spike.toText());
        trainer.queueStep(spike);
        String stop = trainer.runner().takeStop();
        if (stop != null) {
            deliver(trainer.runner().drain()); // the stopping step is recorded, then the run ends
            throw new StepRunner.NonFiniteStop(stop);
        }
        deliver(interpreter.needsEachStep() ? trainer.runner().drain() : trainer.runner().completed());
        if (config.checkpointEvery() > 0 && trainer.step() % config.checkpointEvery() == 0) {
            deliver(trainer.runner().drain()); // a checkpoint follows every step it covers
            Snapshot snap = trainer.snapshot();
            for (SessionListener l : listeners) call(() -> l.onCheckpoint(snap));
        }
    }

    /**
     * A recorded run that pauses gets a checkpoint there (if the step has none), so a fork from that step
     * later — from the replay, or `fork --at` — starts at once instead of retraining from the last one.
     */
    private void checkpointAtPause() {
        long k = trainer.step();
        if (config.checkpointEvery() <= 0 || k == 0 || k % config.checkpointEvery() == 0) return;
        Snapshot snap = trainer.snapshot();
        for (SessionListener l : listeners) call(() -> l.onCheckpoint(snap));
    }

    /**
     * Hands finished steps to the stream. On a GPU a step's stats complete during the next step (its
     * statistics ride on that step's copy), so the loop drains them before it pauses, applies commands or ends.
     */
    private void deliver(List<StepStats> done) {
        for (StepStats s : done) {
            for (SessionListener l : listeners) call(() -> l.onStep(s));
            stepsDone = s.step() + 1;
            interpreter.afterStep(s);
        }
    }

    /** After a failure: the steps whose stats did complete still reach the stream (no device call). */
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

    private SessionItem.Status status(SessionState s) {
        return new SessionItem.Status(trainer.step(), s, trainer.runner().clip().spec().toText(), trainer.optimizer().lrAt(trainer.step()),
                interpreter.speed(), interpreter.rules().toText(), s == SessionState.PAUSED ? interpreter.detail() : "");
    }

    private void publishStatus(SessionState s) {
        state = s;
        SessionItem.Status st = status(s), prev = lastStatus;
        if (st.equals(prev)) return;
        // a running session's step moves all the time: a new status only when something else changed
        // (nor for the learning rate, which a schedule moves every step: each step's record carries it)
        if (s == SessionState.RUNNING && prev.state() == s && st.clip().equals(prev.clip())
                && st.speed() == prev.speed() && st.rules().equals(prev.rules())) return;
        lastStatus = st;
        for (SessionListener l : listeners) call(() -> l.onStatus(st));
    }

    private void emit(RunEvent.Type type, String value) {
        if (state.ended()) return; // a snapshot taken after the end: the stream is over
        RunEvent e = new RunEvent(trainer.step(), System.currentTimeMillis(), type, value);
        for (SessionListener l : listeners) call(() -> l.onEvent(e));
        if (type == RunEvent.Type.CLIP || type == RunEvent.Type.LR) publishStatus(state);
    }

    private void emitQuietly(RunEvent.Type type, String value) {
        try {
            emit(type, value);
        } catch (RuntimeException e) {
            // reporting the failure failed too: the session's failure says it
        }
    }

    /** A subscriber's exception, carried out of the loop so the run fails with its message. */
    static final class ListenerFailure extends RuntimeException {
        ListenerFailure(RuntimeException cause) {
            super(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        }
    }

    private static void call(Runnable r) {
        try {
            r.run();
        } catch (ListenerFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ListenerFailure(e);
        }
    }

    /** Stops the session and waits for its thread (and closes its backend when the session owns it). */
    @Override
    public void close() {
        if (thread != null && !state.ended()) submit(new Command.Stop());
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
        List<TrainingSession> out = new java.util.ArrayList<>();
        for (org.gradlab.clip.ClipSpec c : clips) out.add(new TrainingSession(backends.get(), base.withClip(c), at));
        return out;
    }
}
