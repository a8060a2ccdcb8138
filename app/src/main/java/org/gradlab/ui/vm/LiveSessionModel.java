package org.gradlab.ui.vm;

import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.gradlab.clip.ClipSpec;
import org.gradlab.record.RunManifest;
import org.gradlab.record.RunWriter;
import org.gradlab.run.Command;
import org.gradlab.run.RunEvent;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.SessionListener;
import org.gradlab.run.Snapshot;
import org.gradlab.run.Spike;
import org.gradlab.run.StepStatsQueue;
import org.gradlab.run.TrainingSession;
import org.gradlab.telemetry.StepStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The view-model of a live run: owns a {@link TrainingSession} (on its own thread) and optionally its
 * recorder; the UI calls {@link #pollFrame()} once per frame to move new steps and events into the
 * {@link RunViewModel}, and steers the run only through commands — validated here, with the reason for a
 * refusal exposed as a property for the view to show beside the field.
 */
public final class LiveSessionModel implements AutoCloseable {
    private final String name;
    private final TrainingSession session;
    private final RunWriter writer;
    private final RunViewModel data;
    private final StepStatsQueue queue;
    private final ConcurrentLinkedQueue<RunEvent> events = new ConcurrentLinkedQueue<>();
    private final ReadOnlyStringWrapper state = new ReadOnlyStringWrapper("new");
    private final StringProperty clipError = new SimpleStringProperty(""), lrError = new SimpleStringProperty("");
    private final StringProperty spikeError = new SimpleStringProperty("");
    private long droppedShown;
    /** The device choice this run was started with; its forks use the same. */
    private String device = "cpu";
    private long rateStep = -1, rateNanos;
    private double stepsPerSecond;

    private LiveSessionModel(String name, TrainingSession session, RunWriter writer) {
        this.name = name;
        this.session = session;
        this.writer = writer;
        this.data = new RunViewModel(name, session.trainer().model().params().layout().groups());
        this.queue = session.subscribe(1 << 16);
        session.addListener(new SessionListener() {
            @Override public void onStep(StepStats s) { }
            @Override public void onEvent(RunEvent e) { events.add(e); }
        });
    }

    /** Builds and starts a session (paused if asked); records it into recordDir when that is not null. */
    public static LiveSessionModel start(String name, SessionConfig cfg, Snapshot from, Path recordDir, String device,
                                         int threads, boolean paused, RunManifest.Parent parent) throws IOException {
        return start(name, TrainingSession.open(cfg, from, device, threads), recordDir, device, paused, parent);
    }

    private static LiveSessionModel start(String name, TrainingSession s, Path recordDir, String device,
                                          boolean paused, RunManifest.Parent parent) throws IOException {
        try {
            RunWriter w = null;
            if (recordDir != null) {
                w = RunWriter.create(recordDir, RunManifest.create(s.config(), s.trainer().model().params().layout(), parent, s.deviceName()));
                s.addListener(w);
            }
            LiveSessionModel m = new LiveSessionModel(name, s, w);
            m.device = device;
            s.start(paused);
            return m;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public String name() { return name; }
    /** Which device trains this run, and why (one line). */
    public String deviceNote() { return session.deviceNote(); }
    /** The device alone: "cpu (2 threads, …)" or "cuda (NVIDIA …)". */
    public String deviceName() { return session.deviceName(); }
    public RunViewModel data() { return data; }
    public TrainingSession session() { return session; }
    public ReadOnlyStringProperty stateProperty() { return state.getReadOnlyProperty(); }
    public StringProperty clipErrorProperty() { return clipError; }
    public StringProperty lrErrorProperty() { return lrError; }
    public StringProperty spikeErrorProperty() { return spikeError; }
    public double stepsPerSecond() { return stepsPerSecond; }
    public Path recordDir() { return writer == null ? null : writer.dir(); }
    public String clipText() { return session.trainer().runner().clip().spec().toText(); }

    /** Steps the slow consumer (the UI) missed because training outran it. */
    public long droppedSteps() {
        return droppedShown;
    }

    /** Moves everything new into the view-model; call once per frame on the FX thread. Returns steps added. */
    public int pollFrame() {
        RunEvent e;
        while ((e = events.poll()) != null) data.addEvent(e);
        List<StepStats> fresh = queue.drain();
        for (StepStats s : fresh) data.append(s);
        droppedShown = queue.dropped();
        long now = System.nanoTime();
        if (rateStep < 0) {
            rateStep = session.step();
            rateNanos = now;
        } else if (now - rateNanos > 500_000_000L) {
            stepsPerSecond = (session.step() - rateStep) / ((now - rateNanos) / 1e9);
            rateStep = session.step();
            rateNanos = now;
        }
        state.set(session.state().name().toLowerCase(Locale.ROOT) + (session.failure() != null ? ": " + session.failure() : ""));
        return fresh.size();
    }

    public void play() { session.submit(new Command.Resume()); }
    public void pause() { session.submit(new Command.Pause()); }
    public void step() { session.submit(new Command.Step(1)); }
    public void stop() { session.submit(new Command.Stop()); }

    public void togglePlay() {
        if (session.state() == TrainingSession.State.RUNNING) pause();
        else play();
    }

    /** Applies a clip spec from the next step on; refuses a bad one (reason in clipErrorProperty, run unchanged). */
    public boolean applyClip(String text) {
        try {
            ClipSpec spec = ClipSpec.parse(text);
            session.submit(new Command.SetClip(spec));
            clipError.set("");
            return true;
        } catch (IllegalArgumentException ex) {
            clipError.set(ex.getMessage().lines().findFirst().orElse("invalid clip spec"));
            return false;
        }
    }

    public boolean applyLr(String text) {
        try {
            double lr = Double.parseDouble(text.trim());
            session.submit(new Command.SetLr(lr));
            lrError.set("");
            return true;
        } catch (NumberFormatException ex) {
            lrError.set("not a number: '" + text + "'");
        } catch (IllegalArgumentException ex) {
            lrError.set(ex.getMessage());
        }
        return false;
    }

    public boolean injectSpike(String kind, String factor) {
        try {
            Spike.Kind k = Spike.Kind.valueOf(kind.trim().toUpperCase(Locale.ROOT));
            double f = Double.parseDouble(factor.trim());
            new Spike(0, k, f);
            session.trainer().checkSpike(k);
            session.submit(new Command.InjectSpike(k, f));
            spikeError.set("");
            return true;
        } catch (IllegalArgumentException ex) {
            spikeError.set(ex.getMessage() == null ? "bad spike" : ex.getMessage());
            return false;
        }
    }

    /**
     * Branches this run at the current step into one session per clip spec, all from the identical snapshot
     * (weights, optimizer and clip state, step) and so the same batches; they start paused. Bad specs are
     * refused before anything is forked.
     */
    public List<LiveSessionModel> fork(List<String> specs, Path recordRoot) throws Exception {
        List<ClipSpec> parsed = new ArrayList<>();
        for (String s : specs) parsed.add(ClipSpec.parse(s));
        CompletableFuture<Snapshot> f = new CompletableFuture<>();
        session.submit(new Command.TakeSnapshot(f, "fork into " + specs.size() + " branches"));
        Snapshot snap = f.get(60, TimeUnit.SECONDS);
        List<LiveSessionModel> out = new ArrayList<>();
        SessionConfig base = session.config();
        for (int i = 0; i < parsed.size(); i++) {
            ClipSpec c = parsed.get(i);
            SessionConfig cfg = base.withClip(c);
            Path dir = recordRoot == null ? null : recordRoot.resolve("branch-" + (i + 1) + "-" + c.toText().replace(':', '_'));
            RunManifest.Parent parent = recordDir() == null || dir == null ? null
                    : new RunManifest.Parent(dir.toAbsolutePath().relativize(recordDir().toAbsolutePath()).toString(), snap.step(), c.toText());
            out.add(start(name + " ▸ " + c.toText(), cfg, snap, dir, device, 1, true, parent));
        }
        return out;
    }

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
