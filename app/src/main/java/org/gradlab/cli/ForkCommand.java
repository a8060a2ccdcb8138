package org.gradlab.cli;

import org.gradlab.clip.ClipSpec;
import org.gradlab.record.RunFileException;
import org.gradlab.record.RunReader;
import org.gradlab.run.ForkVariant;
import org.gradlab.run.SessionConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code gradlab fork RUN --at K --clip A --clip B … --steps N --out DIR}: rebuilds the recorded run's exact
 * state at step K (from its nearest checkpoint, replaying recorded events), then trains one branch per clip
 * spec for N steps from that same state and the same data order, each recorded under DIR.
 */
@Command(name = "fork", mixinStandardHelpOptions = true,
        description = "Branch a recorded run at a step into runs that differ only in what each branch changes: its clip, "
                + "learning rate, or a batch skipped or replaced.")
public final class ForkCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "RUN", description = "the recorded run to branch from")
    Path run;
    @Option(names = "--at", required = true, description = "the step to branch at")
    long at;
    @Option(names = "--clip", description = "a branch with this clip spec (repeat for each branch)")
    List<String> clips = new ArrayList<>();
    @Option(names = "--variant", paramLabel = "SPEC", description = "a branch that changes, comma-separated: clip=SPEC, lr=X, schedule=SPEC, "
            + "omega=ALPHA (Pascanu's regulariser; vanilla RNNs), skip=STEP (that step makes no update), replace=STEP (that step trains "
            + "on a fresh batch); repeat for each branch")
    List<String> variants = new ArrayList<>();
    @Option(names = "--steps", required = true, description = "steps to train each branch")
    long steps;
    @Option(names = "--out", required = true, description = "directory to hold the branches (one run directory each)")
    Path out;
    @picocli.CommandLine.Mixin
    DeviceOptions deviceOptions = new DeviceOptions();

    @Override
    public void run() {
        if (steps < 1) throw new UserError("--steps must be >= 1");
        try (RunReader parent = RunReader.open(run)) {
            SessionConfig base = parent.manifest().session();
            List<ForkVariant> vs = Branches.variants(clips, variants, base == null ? ClipSpec.parse("none") : base.clip());
            try (org.gradlab.engine.Backend be = deviceOptions.open(System.out, base == null ? null : base.run())) {
                Branches.run(run, parent, at, vs, steps, out, be, System.out);
            }
            System.out.println("compare them with: ./gradlab compare " + out.resolve("branch-*"));
        } catch (RunFileException e) {
            throw new UserError(e.getMessage());
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
    }
}
