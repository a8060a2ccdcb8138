package org.gradlab.cli;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.run.Models;
import org.gradlab.run.RunConfig;
import org.gradlab.run.Tasks;
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
        footerHeading = "%nClip specs:%n", footer = {"  none | norm:C[:2|1|inf] | tensor-norm:C | value:V | agc:L[:eps] | autoclip:P[:H] | zclip[:Z[:alpha]]"})
public final class TrainCommand implements Runnable {
    @Option(names = "--model", required = true, description = "rnn (tanh), lstm, gru or gpt")
    String model;
    @Option(names = "--task", required = true,
            description = "adding, multiplication, temporal-order, temporal-order-3bit or charlm")
    String task;
    @Option(names = "--steps", defaultValue = "1000", description = "optimizer steps (default ${DEFAULT-VALUE})")
    long steps;
    @Option(names = "--seed", defaultValue = "1", description = "fixes initialisation and data order (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, adam or adamw (default ${DEFAULT-VALUE})")
    String optimizer;
    @Option(names = "--lr", defaultValue = "1e-3", description = "learning rate (default ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum (default ${DEFAULT-VALUE})")
    double momentum;
    @Option(names = "--hidden", description = "hidden size of the recurrent cells (default 128 for rnn, 256 otherwise)")
    Integer hidden;
    @Option(names = "--layers", description = "recurrent layers or transformer blocks (default 1 for rnn, 2 otherwise)")
    Integer layers;
    @Option(names = "--embed", defaultValue = "64", description = "embedding size for charlm with rnn/lstm/gru (default ${DEFAULT-VALUE})")
    int embed;
    @Option(names = "--dim", defaultValue = "128", description = "gpt model width (default ${DEFAULT-VALUE})")
    int dim;
    @Option(names = "--heads", defaultValue = "4", description = "gpt attention heads (default ${DEFAULT-VALUE})")
    int heads;
    @Option(names = "--batch", defaultValue = "32", description = "sequences per batch (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--seq", description = "sequence length T (default 50 for synthetic tasks, 64 for charlm)")
    Integer seq;
    @Option(names = "--init", defaultValue = "default",
            description = "default (PyTorch's), or Pascanu et al.'s sigmoid, basic-tanh, smart-tanh for --model rnn")
    String init;
    @Option(names = "--clip", defaultValue = "none", description = "clipping spec (default ${DEFAULT-VALUE}); see 'Clip specs' below")
    String clip;
    @Option(names = "--nonfinite", defaultValue = "propagate",
            description = "what to do with NaN/inf gradients: propagate (as PyTorch), skip the update, or stop (default ${DEFAULT-VALUE})")
    String nonfinite;
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
    @Option(names = "--eval", defaultValue = "10000",
            description = "fresh sequences scored by the task's success criterion at the end (0: skip; default ${DEFAULT-VALUE})")
    int eval;

    @Override
    public void run() {
        if (!Models.NAMES.contains(model)) throw new UserError("unknown model '" + model + "' (expected " + String.join(", ", Models.NAMES) + ")");
        if (!Tasks.NAMES.contains(task)) throw new UserError("unknown task '" + task + "' (expected " + String.join(", ", Tasks.NAMES) + ")");
        if (steps < 0) throw new UserError("--steps must be >= 0");
        if (!(lr > 0) || !Double.isFinite(lr)) throw new UserError("--lr must be a finite number > 0, got " + lr);
        RunConfig d = RunConfig.defaults(model, task);
        OptimizerConfig oc = OptimizerConfig.defaults(OptimizerConfig.parseKind(optimizer), lr).withMomentum(momentum);
        RunConfig cfg = new RunConfig(model, task, hidden != null ? hidden : d.hidden(), layers != null ? layers : d.layers(),
                embed, dim, heads, batch, seq != null ? seq : d.seq(), oc, init, seed);
        PrintStream console = System.out;
        java.util.List<Spike> spikeList = new java.util.ArrayList<>();
        for (String sp : spikes) spikeList.add(Spike.parse(sp));
        if (checkpointEvery < 0) throw new UserError("--checkpoint-every must be >= 0");
        SessionConfig sc = new SessionConfig(cfg, ClipSpec.parse(clip), NonFinitePolicy.parse(nonfinite), steps, spikeList,
                out == null ? 0 : checkpointEvery, out != null);
        try (org.gradlab.engine.Backend be = deviceOptions.open(console)) {
            TrainingSession session = new TrainingSession(be, sc);
            console.printf("gradlab train: %s on %s, %,d parameters, batch %d × T=%d, %s lr %g, clip %s, seed %d, backend %s%n",
                    model, task, session.parameterCount(), batch, cfg.seq(), optimizer, lr, sc.clip(), seed, be.name());
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
            }
        } catch (java.io.IOException e) {
            throw new UserError(e.getMessage());
        }
    }
}
