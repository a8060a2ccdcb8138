package org.gradlab.run;

import org.gradlab.clip.ClipSpec;

/**
 * What the UI, the CLI and a rebuild may ask of a session. {@link TrainingSession#submit} queues a command and
 * returns a future of its answer; the session applies commands between two steps, in order, through one
 * {@link CommandInterpreter}, and records those that change training as {@link RunEvent}s with the step they
 * took effect at. A command that cannot be applied completes exceptionally with the reason and changes nothing.
 *
 * @param <T> the answer: for most commands the step it took effect at (the index of the next step to run)
 */
public sealed interface Command<T> {
    record Pause() implements Command<Long> {}

    record Resume() implements Command<Long> {}

    /** Runs n more steps, then pauses; answers with the step it paused at, once there. */
    record Step(int n) implements Command<Long> {
        public Step {
            if (n < 1) throw new IllegalArgumentException("step count must be >= 1, got " + n);
        }
    }

    /** Runs until `step` steps are done, then pauses; answers with that step, once there. */
    record RunTo(long step) implements Command<Long> {}

    /** Pauses (without resuming now) when `step` steps are done; -1 clears it. Answers at once. */
    record PauseAt(long step) implements Command<Long> {}

    record Stop() implements Command<Long> {}

    record SetClip(ClipSpec spec) implements Command<Long> {}

    record SetLr(double lr) implements Command<Long> {
        public SetLr {
            if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
        }
    }

    /** Injects a spike of the given kind at the next step. */
    record InjectSpike(Spike.Kind kind, double factor) implements Command<Long> {
        public InjectSpike {
            new Spike(0, kind, factor); // the same checks as a scheduled spike
        }
    }

    /** At most this many steps per second; +inf (or 0) for as fast as the machine goes. */
    record SetSpeed(double stepsPerSecond) implements Command<Long> {
        public SetSpeed {
            if (Double.isNaN(stepsPerSecond) || stepsPerSecond < 0) {
                throw new IllegalArgumentException("speed must be a number of steps per second >= 0 (0: no limit), got " + stepsPerSecond);
            }
            if (stepsPerSecond == 0) stepsPerSecond = Double.POSITIVE_INFINITY;
        }
    }

    record SetPauseRules(PauseRules rules) implements Command<Long> {}

    /** The state at the current step boundary (for a fork); recorded as a FORK event with the note. */
    record TakeSnapshot(String note) implements Command<Snapshot> {}

    /** Scores the model on fresh sequences by the task's criterion (also after the session has ended). */
    record Evaluate(int sequences) implements Command<Evaluation> {
        public Evaluate {
            if (sequences < 1) throw new IllegalArgumentException("evaluation needs at least one sequence");
        }
    }

    /**
     * The command a recorded event stands for, for rebuilding a run's state: clip and learning-rate changes
     * and spikes change training; the others (pause, fork, …) do not and give null.
     */
    static Command<Long> replayOf(RunEvent e) {
        return switch (e.type()) {
            case CLIP -> new SetClip(ClipSpec.parse(e.value()));
            case LR -> {
                try {
                    yield new SetLr(Double.parseDouble(e.value()));
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("learning-rate event at step " + e.step() + ": '" + e.value() + "' is not a number");
                }
            }
            case SPIKE -> {
                Spike s = Spike.parse(e.value());
                yield new InjectSpike(s.kind(), s.factor());
            }
            default -> null;
        };
    }
}
