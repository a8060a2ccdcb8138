package org.gradlab.cli;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.CpuBackend;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.run.Models;
import org.gradlab.run.RunConfig;
import org.gradlab.run.Tasks;
import org.gradlab.run.StepRunner;
import org.gradlab.run.Trainer;
import org.gradlab.telemetry.StepStats;
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
    @Option(names = "--threads", description = "CPU threads (default: all cores)")
    Integer threads;
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
        PrintStream out = System.out;
        try (CpuBackend be = threads == null ? new CpuBackend() : new CpuBackend(threads)) {
            Trainer tr = new Trainer(be, cfg, ClipSpec.parse(clip), NonFinitePolicy.parse(nonfinite));
            tr.runner().setTelemetry(false);
            out.printf("gradlab train: %s on %s, %,d parameters, batch %d × T=%d, %s lr %g, clip %s, seed %d, backend %s%n",
                    model, task, tr.model().params().size(), batch, cfg.seq(), optimizer, lr, tr.runner().clip().spec(), seed, be.name());
            Progress progress = new Progress(out, steps, System.console() != null);
            long t0 = System.nanoTime();
            long clipped = 0, nonFiniteSteps = 0;
            for (long s = 0; s < steps; s++) {
                StepStats r;
                try {
                    r = tr.trainStep();
                } catch (StepRunner.NonFiniteStop e) {
                    progress.finish();
                    throw new UserError(e.getMessage());
                }
                if (r.clip() != null && r.clip().clipped()) clipped++;
                if ((r.clip() != null && r.clip().nonFinite() > 0) || !Float.isFinite(r.loss())) nonFiniteSteps++;
                progress.update(s + 1, r.loss());
            }
            progress.finish();
            double secs = (System.nanoTime() - t0) / 1e9;
            out.printf("trained %d steps in %.1f s (%.1f steps/s); final loss %.5f; clipped %d steps (%.1f%%); "
                    + "non-finite %d steps, skipped %d%n", steps, secs, steps / Math.max(secs, 1e-9), progress.lastLoss(),
                    clipped, steps == 0 ? 0 : 100.0 * clipped / steps, nonFiniteSteps, tr.runner().skippedSteps());
            if (eval > 0) {
                double err = tr.errorRate(eval);
                out.printf("evaluation on %d fresh sequences: %.2f%% wrong (%s) → %s%n", Math.max(eval, batch), 100 * err,
                        tr.task().criterion(), err < 0.01 ? "success" : "not yet solved");
            }
        }
    }
}
