package org.gradlab.cli;

import org.gradlab.run.RunConfig;
import org.gradlab.run.RunSettings;
import org.gradlab.record.RunWriter;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Spike;
import org.gradlab.run.TrainingSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;

/** {@code gradlab train}: trains a model on a task and prints the loss as it goes. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model on a task, printing the loss (a progress bar on a terminal, periodic lines otherwise).",
        footerHeading = "%nClip specs:%n", footer = {"  " + org.gradlab.clip.ClipSpec.FORMS})
public final class TrainCommand implements Runnable {
    /** The run settings' options (--model, --hidden, --lr, …), added from {@link RunSettings#ALL} by {@link #addSettings}. */
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--spike", description = "inject a pathological batch at a step: STEP:KIND:FACTOR with KIND grad, targets, "
            + "inputs or tokens (repeatable), e.g. 300:grad:1000")
    java.util.List<String> spikes = new java.util.ArrayList<>();
    @Option(names = "--out", description = "record the run (every step) into this new directory")
    java.nio.file.Path out;
    @Option(names = "--checkpoint-every", defaultValue = "1000",
            description = "with --out: keep a checkpoint every N steps for forking (0: none; default ${DEFAULT-VALUE})")
    int checkpointEvery;
    @picocli.CommandLine.Mixin
    DeviceOptions deviceOptions = new DeviceOptions();
    @Option(names = "--pause-at", paramLabel = "STEP",
            description = "stop when STEP steps are done, as a teacher's pause: recorded up to there (with --out, a checkpoint "
                    + "at STEP so it forks at once)")
    Long pauseAt;
    @Option(names = "--pause-on", paramLabel = "RULES",
            description = "stop where a rule fires: nonfinite (after the first NaN/inf step), spike[:K[:W]] (pre-clip norm "
                    + "> K x the median of the last W steps; 10, 100), clip-rate[:X[:W]] (more than X of the last W steps "
                    + "clipped; 0.5, 100), event (just before a scheduled --spike); comma-separated")
    String pauseOn;
    @Option(names = "--speed", paramLabel = "STEPS_PER_S", description = "at most this many steps per second (default: as fast as it goes)")
    Double speed;
    @Option(names = "--radius-every", paramLabel = "N", defaultValue = "" + org.gradlab.run.StepRunner.DEFAULT_RADIUS_EVERY,
            description = "vanilla RNNs: measure the recurrent matrix's spectral radius every N steps (0: never; default ${DEFAULT-VALUE})")
    int radiusEvery;
    @Option(names = "--eval", defaultValue = "10000",
            description = "fresh sequences scored by the task's success criterion at the end (0: skip; default ${DEFAULT-VALUE})")
    int eval;

    /**
     * Adds one option per run setting, from the table the app's form and run.json validation read too: its
     * help and default come from there (a default that depends on the model and task says so).
     */
    static void addSettings(picocli.CommandLine.Model.CommandSpec spec) {
        for (RunSettings.Setting st : RunSettings.ALL) {
            String fixed = st.defaultFor("rnn", "adding"), other = st.defaultFor("lstm", "charlm");
            boolean required = st.name().equals("model") || st.name().equals("task");
            String dflt = required ? "" : fixed.equals(other) ? " (default " + fixed + ")" : "";
            spec.addOption(picocli.CommandLine.Model.OptionSpec.builder("--" + st.name()).type(String.class).required(required)
                    .paramLabel(st.type() == RunSettings.Type.CHOICE ? st.name().toUpperCase(java.util.Locale.ROOT)
                            : st.type() == RunSettings.Type.TEXT ? "SPEC" : "N")
                    .description(st.help() + dflt).build());
        }
    }

    private java.util.Map<String, String> settingValues() {
        java.util.Map<String, String> v = new java.util.LinkedHashMap<>();
        for (RunSettings.Setting st : RunSettings.ALL) {
            String given = spec.findOption("--" + st.name()).getValue();
            if (given != null) v.put(st.name(), given);
        }
        return v;
    }

    @Override
    public void run() {
        java.util.List<Spike> spikeList = new java.util.ArrayList<>();
        for (String sp : spikes) spikeList.add(Spike.parse(sp));
        if (checkpointEvery < 0) throw new UserError("--checkpoint-every must be >= 0");
        if (radiusEvery < 0) throw new UserError("--radius-every must be >= 0");
        SessionConfig sc = RunSettings.sessionConfig(settingValues(), spikeList, out == null ? 0 : checkpointEvery, out != null)
                .withRadiusEvery(radiusEvery);
        RunConfig cfg = sc.run();
        long steps = sc.steps();
        PrintStream console = System.out;
        try (org.gradlab.engine.Backend be = deviceOptions.open(console, cfg)) {
            TrainingSession session = new TrainingSession(be, sc);
            console.printf("gradlab train: %s on %s, %,d parameters, batch %d × T=%d, %s lr %g, clip %s, seed %d, backend %s%n",
                    cfg.model(), cfg.task(), session.parameterCount(), cfg.batch(), cfg.seq(), cfg.optimizer().kind().name().toLowerCase(java.util.Locale.ROOT),
                    cfg.optimizer().lr(), sc.clip(), cfg.seed(), be.name());
            ConsoleProgress progress = new ConsoleProgress(console, 0, steps);
            session.addListener(progress);
            RunWriter writer = Sessions.recordTo(session, out, null);
            var paused = Sessions.timeControl(session, pauseAt, pauseOn, speed);
            long t0 = System.nanoTime();
            String failure = Sessions.runToEnd(session, writer);
            progress.finish();
            double secs = (System.nanoTime() - t0) / 1e9;
            long done = session.step();
            console.printf("trained %d steps in %.1f s (%.1f steps/s); final loss %.5g; %s, skipped %d%n", done, secs,
                    done / Math.max(secs, 1e-9), progress.lastLoss, progress.summary(), progress.skipped);
            if (paused.get() != null) {
                long k = paused.get().step();
                String why = paused.get().detail();
                console.printf("paused at step %d (%s)%s%n", k, why.isEmpty() ? "pause-at" : why, out == null ? ""
                        : "; recorded up to there, with a checkpoint at step " + k + " — branch it with: ./gradlab fork " + out
                        + " --at " + k + " --clip norm:1 --clip none --steps 200 --out " + out + "-forks");
            }
            if (out != null) console.println("recorded to " + out + " (inspect it with: ./gradlab inspect " + out + ")");
            if (failure != null) throw new UserError(failure);
            if (eval > 0) {
                org.gradlab.run.Evaluation ev = Sessions.answer(session.submit(new org.gradlab.run.Command.Evaluate(eval)));
                console.printf("evaluation on %d fresh sequences: %.2f%% wrong (%s) → %s%n", ev.sequences(), 100 * ev.errorRate(),
                        ev.criterion(), ev.solved() ? "success" : "not yet solved");
                if (out != null) org.gradlab.record.EvalLog.append(out, ev); // kept with the run
            }
        } catch (java.io.IOException e) {
            throw new UserError(e.getMessage());
        }
    }
}
