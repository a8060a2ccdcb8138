package org.gradlab.run;

import org.gradlab.telemetry.StepStats;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one place where commands take effect — for live sessions, fork branches and the rebuild of a recorded
 * run's state ({@link Rebuild}). Applied between two steps on the training thread: changes to training (clip,
 * learning rate, spike) go to the {@link Trainer} and out as events; time control (pause, run-to, breakpoints,
 * speed, pause rules) is kept here for the session's loop to ask. Every command's future is completed with
 * the step it took effect at, or exceptionally with the reason it was refused (nothing changed then).
 */
final class CommandInterpreter {
    /** Where recorded events go (the session's stream; nowhere in a rebuild). */
    interface Events {
        void emit(RunEvent.Type type, String value);
    }

    private final Trainer trainer;
    private final Events events;
    private final PauseRuleMonitor monitor = new PauseRuleMonitor();
    private boolean paused, stop;
    private long breakpoint = -1, runTarget = -1, eventPausedAt = -1, arrivedAt = -1;
    private final List<CompletableFuture<Long>> runWaiters = new ArrayList<>();
    private String pendingPause, detail = "";
    private double speed = Double.POSITIVE_INFINITY;
    private long nextStepNanos;
    private Spike injected;

    CommandInterpreter(Trainer trainer, Events events) {
        this.trainer = trainer;
        this.events = events;
    }

    boolean paused() { return paused; }
    boolean stopRequested() { return stop; }
    double speed() { return speed; }
    PauseRules rules() { return monitor.rules(); }
    /** Why the session is paused (empty when paused by the user or running). */
    String detail() { return detail; }

    void startPaused(boolean p) {
        paused = p;
    }

    /** Applies one command now; its future completes now, or (run-to, step) when the run gets there. */
    @SuppressWarnings("unchecked")
    <T> void apply(Command<T> c, CompletableFuture<T> answer) {
        long k = trainer.step();
        try {
            if (c instanceof Command.TakeSnapshot ts) {
                Snapshot snap = trainer.snapshot();
                events.emit(RunEvent.Type.FORK, ts.note());
                ((CompletableFuture<Snapshot>) answer).complete(snap);
            } else if (c instanceof Command.Evaluate ev) {
                ((CompletableFuture<Evaluation>) answer).complete(trainer.evaluate(ev.sequences()));
            } else if (c instanceof Command.Step s) {
                runTo(k + s.n(), (CompletableFuture<Long>) answer, false);
            } else if (c instanceof Command.RunTo r) {
                runTo(r.step(), (CompletableFuture<Long>) answer, true);
            } else {
                applyNow((Command<Long>) c, k);
                ((CompletableFuture<Long>) answer).complete(k);
            }
        } catch (TrainingSession.ListenerFailure e) {
            throw e; // a subscriber failed, not the command: the session ends
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
        }
    }

    /** The commands that take effect at once (answered with step k). */
    private void applyNow(Command<Long> c, long k) {
        if (c instanceof Command.Pause) {
            pause("");
        } else if (c instanceof Command.Resume) {
            resume();
        } else if (c instanceof Command.PauseAt p) {
            if (p.step() != -1 && p.step() <= k) throw new IllegalArgumentException("pause-at step " + p.step() + " is not ahead of the run (at step " + k + ")");
            breakpoint = p.step();
        } else if (c instanceof Command.Stop) {
            stop = true;
            events.emit(RunEvent.Type.STOP, "");
        } else if (c instanceof Command.SetClip sc) {
            trainer.runner().setClip(sc.spec());
            events.emit(RunEvent.Type.CLIP, sc.spec().toText());
        } else if (c instanceof Command.SetLr lr) {
            trainer.optimizer().setLr(lr.lr());
            events.emit(RunEvent.Type.LR, Double.toString(lr.lr()));
        } else if (c instanceof Command.InjectSpike sp) {
            trainer.checkSpike(sp.kind());
            injected = new Spike(k, sp.kind(), sp.factor());
        } else if (c instanceof Command.SetSpeed sp) {
            speed = sp.stepsPerSecond();
            nextStepNanos = 0;
        } else if (c instanceof Command.SetPauseRules pr) {
            monitor.setRules(pr.rules());
        } else {
            throw new IllegalArgumentException("unknown command " + c);
        }
    }

    private void runTo(long target, CompletableFuture<Long> answer, boolean explicit) {
        long k = trainer.step();
        if (target <= k) throw new IllegalArgumentException("run-to step " + target + " is not ahead of the run (at step " + k + ")");
        if (runTarget >= 0 && runTarget != target) failWaiters("replaced by a run to step " + target);
        runTarget = target;
        runWaiters.add(answer);
        if (explicit) events.emit(RunEvent.Type.RESUME, "run to " + target);
        paused = false;
        detail = "";
    }

    private void pause(String why) {
        paused = true;
        detail = why;
        events.emit(RunEvent.Type.PAUSE, why);
    }

    private void resume() {
        if (paused) events.emit(RunEvent.Type.RESUME, "");
        paused = false;
        detail = "";
    }

    /**
     * Before step `k` runs: pauses when a run-to target or breakpoint is reached, a rule asked for it after the
     * last step, or (with the event rule) step k has a scheduled event. True when paused now.
     */
    boolean pauseBefore(long k, boolean eventScheduled) {
        if (k == runTarget) {
            runTarget = -1;
            paused = true;
            detail = "";
            arrivedAt = k;
        }
        if (k == breakpoint) {
            breakpoint = -1;
            pause("pause-at " + k);
        }
        if (pendingPause != null) {
            pause(pendingPause);
            pendingPause = null;
        }
        if (!paused && eventScheduled && monitor.rules().beforeEvent() && eventPausedAt != k) {
            eventPausedAt = k; // once: resuming runs the step
            pause("before the scheduled event at step " + k);
        }
        return paused;
    }

    /**
     * Answers the run-to and step commands that got where they were going, once every step before it has been
     * handed to the stream (the session calls this after draining, so an answer never precedes its steps).
     */
    void answerArrivals() {
        if (arrivedAt < 0) return;
        for (CompletableFuture<Long> w : runWaiters) w.complete(arrivedAt);
        runWaiters.clear();
        arrivedAt = -1;
    }

    /** A finished step, for the rules that look back; a rule that fires pauses the run before its next step. */
    void afterStep(StepStats s) {
        if (!monitor.rules().watchesSteps()) return;
        String why = monitor.check(s);
        if (why != null && pendingPause == null) pendingPause = why;
    }

    /** Whether every step must be complete before the next is queued (rules judge each step at once). */
    boolean needsEachStep() {
        return monitor.rules().watchesSteps();
    }

    /** The spike for step k: one injected by command, else the scheduled one (null for none). */
    Spike takeSpike(long k, Spike scheduled) {
        Spike s = injected != null ? new Spike(k, injected.kind(), injected.factor()) : scheduled;
        injected = null;
        return s;
    }

    /** Nanoseconds to wait before the next step may start under the speed limit (0: now). */
    long waitNanos(long now) {
        if (speed == Double.POSITIVE_INFINITY || nextStepNanos == 0) return 0;
        return Math.max(0, nextStepNanos - now);
    }

    /** A step starts now: the next may start one interval later. */
    void stepStarting(long now) {
        if (speed == Double.POSITIVE_INFINITY) return;
        long interval = (long) (1e9 / speed);
        nextStepNanos = nextStepNanos == 0 || now - nextStepNanos > interval ? now + interval : nextStepNanos + interval;
    }

    /**
     * The session ends at step k: a run-to that got exactly there is answered; answers still waiting for a step
     * that will not come fail with the reason.
     */
    void endAt(long k, String why) {
        if (runTarget == k) arrivedAt = k;
        answerArrivals();
        failWaiters(why + " at step " + k);
    }

    private void failWaiters(String why) {
        for (CompletableFuture<Long> w : runWaiters) w.completeExceptionally(new IllegalStateException(why));
        runWaiters.clear();
        runTarget = -1;
    }
}
