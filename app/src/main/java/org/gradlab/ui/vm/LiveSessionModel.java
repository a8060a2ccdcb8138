package org.gradlab.ui.vm;

import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.gradlab.clip.ClipSpec;
import org.gradlab.record.RunManifest;
import org.gradlab.record.RunWriter;
import org.gradlab.run.Command;
import org.gradlab.run.PauseRules;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.SessionItem;
import org.gradlab.run.SessionState;
import org.gradlab.run.Snapshot;
import org.gradlab.run.Spike;
import org.gradlab.run.StreamQueue;
import org.gradlab.run.TrainingSession;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The view-model of a live run. It owns a {@link TrainingSession} (training on its own thread) and its
 * recorder, and knows the run only through the session's stream: {@link #pollFrame()} (once per frame, on the
 * FX thread) moves new steps and events into the {@link RunViewModel} and updates the read-only properties —
 * step, state, clip in force, learning rate, speed, why it paused. The view steers the run only through the
 * command methods here; each answers with the step it took effect at, and a refusal shows as the message of
 * the field it came from (text checked here at once; what only the session can judge, when it answers).
 */
public final class LiveSessionModel implements AutoCloseable {
    private final String name;
    private final TrainingSession session;
    private final RunWriter writer;
    private final RunViewModel data;
    private final StreamQueue queue;
    private final String deviceName, deviceNote, device;
    private final ReadOnlyObjectWrapper<SessionState> state = new ReadOnlyObjectWrapper<>(SessionState.NEW);
    private final ReadOnlyLongWrapper step = new ReadOnlyLongWrapper();
    private final ReadOnlyStringWrapper clip = new ReadOnlyStringWrapper(""), detail = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper rules = new ReadOnlyStringWrapper("none");
    private final ReadOnlyDoubleWrapper lr = new ReadOnlyDoubleWrapper(Double.NaN), speed = new ReadOnlyDoubleWrapper(Double.POSITIVE_INFINITY);
    private final StringProperty clipError = new SimpleStringProperty(""), lrError = new SimpleStringProperty("");
    private final StringProperty spikeError = new SimpleStringProperty(""), timeError = new SimpleStringProperty("");
    /** Answers not yet in, each with the message property its refusal goes to (read on the FX thread). */
    private final List<Answer> waiting = new ArrayList<>();
    private record Answer(CompletableFuture<?> future, StringProperty error) {}
    private long droppedShown;
    /** Alerts on this run's steps (NaN/inf, spikes, sustained clipping, regime changes), newest last. */
    private final javafx.collections.ObservableList<org.gradlab.diagnose.AlertMonitor.Alert> alerts = javafx.collections.FXCollections.observableArrayList();
    private final org.gradlab.diagnose.AlertMonitor monitor;
    private long rateStep = -1, rateNanos;
    private double stepsPerSecond;

    private LiveSessionModel(String name, TrainingSession session, RunWriter writer, String device) {
        this.name = name;
        this.session = session;
        this.writer = writer;
        this.device = device;
        this.deviceName = session.deviceName();
        this.deviceNote = session.deviceNote();
        this.data = new RunViewModel(name, session.layerGroups());
        data.enableThroughTime(RunManifest.Recurrent.of(session.config(), session.layerGroups()));
        this.queue = session.subscribe(1 << 16);
        this.monitor = new org.gradlab.diagnose.AlertMonitor(name, org.gradlab.diagnose.AlertMonitor.Settings.DEFAULT);
        show(session.status());
    }

    /** The alerts raised on this run so far (the view shows each as it arrives). */
    public javafx.collections.ObservableList<org.gradlab.diagnose.AlertMonitor.Alert> alerts() {
        return alerts;
    }

    private void show(SessionItem.Status st) {
        state.set(st.state());
        clip.set(st.clip());
        lr.set(st.lr());
        speed.set(st.speed());
        rules.set(st.rules());
        detail.set(st.detail());
        step.set(st.step());
    }

    /**
     * Builds and starts a session (paused if asked) with pause rules in force from its first step; records it
     * into recordDir when that is not null.
     */
    public static LiveSessionModel start(String name, SessionConfig cfg, Snapshot from, Path recordDir, String device,
                                         int threads, boolean paused, RunManifest.Parent parent, PauseRules rules) throws IOException {
        TrainingSession s = TrainingSession.open(cfg, from, device, threads);
        try {
            RunWriter w = recordDir == null ? null : RunWriter.record(s, recordDir, parent);
            LiveSessionModel m = new LiveSessionModel(name, s, w, device);
            if (rules != null && rules.any()) s.submit(new Command.SetPauseRules(rules));
            s.start(paused);
            m.show(s.status()); // not yet seen by any view: safe on any thread
            return m;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public String name() { return name; }
    /** Which device trains this run, and why (one line). */
    public String deviceNote() { return deviceNote; }
    /** The device alone: "cpu (2 threads, …)" or "cuda (NVIDIA …)". */
    public String deviceName() { return deviceName; }
    public RunViewModel data() { return data; }
    public ReadOnlyObjectProperty<SessionState> stateProperty() { return state.getReadOnlyProperty(); }
    public SessionState state() { return state.get(); }
    /** Steps handed to the view so far (the next step's index). */
    public ReadOnlyLongProperty stepProperty() { return step.getReadOnlyProperty(); }
    public long step() { return step.get(); }
    public ReadOnlyStringProperty clipProperty() { return clip.getReadOnlyProperty(); }
    public String clipText() { return clip.get(); }
    public ReadOnlyDoubleProperty lrProperty() { return lr.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty speedProperty() { return speed.getReadOnlyProperty(); }
    /** The pause rules in force, in their text form ("none" when there are none). */
    public ReadOnlyStringProperty rulesProperty() { return rules.getReadOnlyProperty(); }
    public PauseRules pauseRules() { return PauseRules.parse(rules.get()); }
    /** Why the run paused by itself (a rule, a breakpoint) or failed; empty otherwise. */
    public ReadOnlyStringProperty detailProperty() { return detail.getReadOnlyProperty(); }
    public StringProperty clipErrorProperty() { return clipError; }
    public StringProperty lrErrorProperty() { return lrError; }
    public StringProperty spikeErrorProperty() { return spikeError; }
    /** Refusals of time commands (run-to, pause-at, speed, pause rules, fork). */
    public StringProperty timeErrorProperty() { return timeError; }
    public double stepsPerSecond() { return stepsPerSecond; }
    public Path recordDir() { return writer == null ? null : writer.dir(); }

    /**
     * The recorded steps around [from, to], read from this run's recording as it is being written, for a zoom on
     * steps older than the view-model keeps one per bucket; null when the run is not recorded. Call off the FX thread.
     */
    public RunViewModel detail(long from, long to) throws org.gradlab.record.RunFileException {
        if (writer == null) return null;
        try (org.gradlab.record.RunReader r = org.gradlab.record.RunReader.open(writer.dir())) {
            return ReplayModel.detail(r, data, from, to);
        }
    }
    public SessionConfig config() { return session.config(); }

    /** Steps the slow consumer (the UI) missed because training outran it. */
    public long droppedSteps() {
        return droppedShown;
    }

    /** Calls r (on the training thread) when stream items arrive at an empty queue: a sleeping UI wakes up. */
    public void setOnArrival(Runnable r) {
        queue.setOnArrival(r);
    }

    /**
     * True when nothing will change without a command: the run is paused or over, everything it said has been
     * shown and every answer is in — the UI can stop drawing frames.
     */
    public boolean idle() {
        SessionState s = state.get();
        return (s == SessionState.PAUSED || s.ended()) && queue.isEmpty() && waiting.isEmpty();
    }

    /** Moves everything new into the view-model, in stream order; call once per frame on the FX thread. */
    public int pollFrame() {
        int steps = 0;
        List<org.gradlab.diagnose.AlertMonitor.Alert> raised = new ArrayList<>();
        for (SessionItem it : queue.drain()) {
            if (it instanceof SessionItem.StepDone sd) {
                data.append(sd.stats());
                var st = sd.stats();
                raised.addAll(monitor.add(st.step(), st.loss(), st.clip() == null ? Double.NaN : st.clip().preNorm(),
                        st.clip() == null ? null : st.clip().clipped(), st.nonFinite()));
                step.set(sd.stats().step() + 1);
                lr.set(sd.stats().lr());
                steps++;
            } else if (it instanceof SessionItem.Event ev) {
                data.addEvent(ev.event());
            } else if (it instanceof SessionItem.Status st) {
                long k = step.get();
                show(st);
                if (st.state() == SessionState.RUNNING) step.set(k); // a running status's step lags the steps
            }
        }
        droppedShown = queue.dropped();
        collectAnswers();
        if (!raised.isEmpty()) alerts.addAll(raised); // after every item is applied: a listener cannot cut the frame short
        long now = System.nanoTime();
        if (rateStep < 0 || state.get() != SessionState.RUNNING) {
            rateStep = step.get();
            rateNanos = now;
            if (state.get() != SessionState.RUNNING) stepsPerSecond = 0;
        } else if (now - rateNanos > 500_000_000L) {
            stepsPerSecond = (step.get() - rateStep) / ((now - rateNanos) / 1e9);
            rateStep = step.get();
            rateNanos = now;
        }
        return steps;
    }

    private void collectAnswers() {
        for (Iterator<Answer> it = waiting.iterator(); it.hasNext(); ) {
            Answer a = it.next();
            if (!a.future().isDone()) continue;
            it.remove();
            try {
                a.future().join();
                a.error().set("");
            } catch (CompletionException e) {
                a.error().set(firstLine(e.getCause()));
            } catch (java.util.concurrent.CancellationException e) {
                a.error().set("cancelled");
            }
        }
    }

    private <T> CompletableFuture<T> send(Command<T> c, StringProperty error) {
        CompletableFuture<T> f = session.submit(c);
        waiting.add(new Answer(f, error));
        return f;
    }

    public CompletableFuture<Long> play() { return send(new Command.Resume(), timeError); }
    public CompletableFuture<Long> pause() { return send(new Command.Pause(), timeError); }
    public CompletableFuture<Long> stepOnce() { return send(new Command.Step(1), timeError); }
    public CompletableFuture<Long> stop() { return send(new Command.Stop(), timeError); }

    public CompletableFuture<Long> togglePlay() {
        return state.get() == SessionState.RUNNING ? pause() : play();
    }

    /** Runs to a step and pauses there; text as typed by the user. */
    public CompletableFuture<Long> runTo(String text) {
        try {
            return send(new Command.RunTo(parseStep(text)), timeError);
        } catch (IllegalArgumentException e) {
            return refuse(timeError, e);
        }
    }

    /** Pauses when the run reaches a step (without resuming now); empty text clears it. */
    public CompletableFuture<Long> pauseAt(String text) {
        try {
            return send(new Command.PauseAt(text.isBlank() ? -1 : parseStep(text)), timeError);
        } catch (IllegalArgumentException e) {
            return refuse(timeError, e);
        }
    }

    /** A speed limit in steps/s ("max", empty or 0 for none). */
    public CompletableFuture<Long> setSpeed(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("steps/s", "").trim();
        try {
            double v = t.isEmpty() || t.equals("max") ? 0 : Double.parseDouble(t);
            return send(new Command.SetSpeed(v), timeError);
        } catch (NumberFormatException e) {
            return refuse(timeError, new IllegalArgumentException("speed: '" + text + "' is not a number of steps per second (or max)"));
        } catch (IllegalArgumentException e) {
            return refuse(timeError, e);
        }
    }

    public CompletableFuture<Long> setPauseRules(String text) {
        try {
            return send(new Command.SetPauseRules(PauseRules.parse(text)), timeError);
        } catch (IllegalArgumentException e) {
            return refuse(timeError, e);
        }
    }

    private static long parseStep(String text) {
        try {
            long k = Long.parseLong(text.trim().replace(",", "").replace("_", ""));
            if (k < 0) throw new IllegalArgumentException("step must be >= 0, got " + k);
            return k;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("step: '" + text.trim() + "' is not a whole number");
        }
    }

    /** Applies a clip spec from the next step on; a bad one is refused (reason in clipErrorProperty, run unchanged). */
    public CompletableFuture<Long> applyClip(String text) {
        try {
            ClipSpec spec = ClipSpec.parse(text);
            clipError.set("");
            return send(new Command.SetClip(spec), clipError);
        } catch (IllegalArgumentException ex) {
            return refuse(clipError, ex);
        }
    }

    public CompletableFuture<Long> applyLr(String text) {
        try {
            double v = Double.parseDouble(text.trim());
            CompletableFuture<Long> f = send(new Command.SetLr(v), lrError);
            lrError.set("");
            return f;
        } catch (NumberFormatException ex) {
            return refuse(lrError, new IllegalArgumentException("learning rate: '" + text.trim() + "' is not a number"));
        } catch (IllegalArgumentException ex) {
            return refuse(lrError, ex);
        }
    }

    public CompletableFuture<Long> injectSpike(String kind, String factor) {
        try {
            Spike.Kind k = Spike.Kind.valueOf(kind.trim().toUpperCase(Locale.ROOT));
            double f;
            try {
                f = Double.parseDouble(factor.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("spike factor: '" + factor.trim() + "' is not a number");
            }
            CompletableFuture<Long> answer = send(new Command.InjectSpike(k, f), spikeError);
            spikeError.set("");
            return answer;
        } catch (IllegalArgumentException ex) {
            return refuse(spikeError, ex);
        }
    }

    private static <T> CompletableFuture<T> refuse(StringProperty error, Exception e) {
        error.set(firstLine(e));
        return CompletableFuture.failedFuture(e);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.toString() : m.lines().findFirst().orElse(m);
    }

    /**
     * Branches this run at the step it is paused at (pausing it first) into one session per clip spec, all
     * from the identical snapshot (weights, optimizer and clip state, step) and so the same batches; they start
     * paused. Bad specs are refused before anything is forked. Never blocks: the answer arrives with the
     * branches, built on a background thread.
     */
    public CompletableFuture<List<LiveSessionModel>> fork(List<String> specs, Path recordRoot) {
        List<ClipSpec> parsed;
        try {
            parsed = Forks.parse(specs);
        } catch (IllegalArgumentException e) {
            return refuse(timeError, e);
        }
        session.submit(new Command.Pause());
        Path parentDir = recordDir();
        CompletableFuture<List<LiveSessionModel>> out = session.submit(new Command.TakeSnapshot("fork into " + specs.size() + " branches"))
                .thenApplyAsync(snap -> Forks.start(name, session.config(), snap, parsed, recordRoot, parentDir, device));
        waiting.add(new Answer(out, timeError));
        return out;
    }

    /** Stops the session; the recorder writes what it has, saves its index and ends with it. */
    @Override
    public void close() {
        session.close();
        try {
            if (writer != null) writer.close();
        } catch (IOException ignored) {
            // the recorder forced what it had; nothing more to save
        }
    }
}
