package org.gradlab.cli;

import org.gradlab.clip.ClipSpec;
import org.gradlab.record.Replay;
import org.gradlab.record.RunFileException;
import org.gradlab.record.RunManifest;
import org.gradlab.record.RunReader;
import org.gradlab.record.RunWriter;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Snapshot;
import org.gradlab.run.Spike;
import org.gradlab.run.TrainingSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code gradlab fork RUN --at K --clip A --clip B … --steps N --out DIR}: rebuilds the recorded run's exact
 * state at step K (from its nearest checkpoint, replaying recorded events), then trains one branch per clip
 * spec for N steps from that same state and the same data order, each recorded under DIR.
 */
@Command(name = "fork", mixinStandardHelpOptions = true,
        description = "Branch a recorded run at a step into runs that differ only in clipping.")
public final class ForkCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "RUN", description = "the recorded run to branch from")
    Path run;
    @Option(names = "--at", required = true, description = "the step to branch at")
    long at;
    @Option(names = "--clip", required = true, description = "a branch's clip spec (repeat for each branch)")
    List<String> clips;
    @Option(names = "--steps", required = true, description = "steps to train each branch")
    long steps;
    @Option(names = "--out", required = true, description = "directory to hold the branches (one run directory each)")
    Path out;
    @picocli.CommandLine.Mixin
    DeviceOptions deviceOptions = new DeviceOptions();

    @Override
    public void run() {
        if (steps < 1) throw new UserError("--steps must be >= 1");
        List<ClipSpec> specs = clips.stream().map(ClipSpec::parse).toList();
        try (org.gradlab.engine.Backend be = deviceOptions.open(System.out);
             RunReader parent = RunReader.open(run)) {
            SessionConfig base = parent.manifest().session();
            String outside = Replay.outside(parent, at);
            if (outside != null) throw new UserError("--at " + at + ": " + outside);
            if (base == null) throw new UserError(run + " was imported from logs: it has no training state to fork");
            System.out.printf("rebuilding the state of %s at step %d…%n", run, at);
            Snapshot state = Replay.stateAt(parent, at, be, null, note -> System.out.println("note: " + note));
            Files.createDirectories(out);
            for (int i = 0; i < specs.size(); i++) {
                ClipSpec spec = specs.get(i);
                Path dir = out.resolve(String.format("branch-%d-%s", i + 1, spec.toText().replace(':', '_')));
                List<Spike> later = base.spikes().stream().filter(sp -> sp.step() >= at).toList();
                SessionConfig cfg = new SessionConfig(base.run(), spec, base.nonFinite(), at + steps, later,
                        base.checkpointEvery(), true);
                TrainingSession s = new TrainingSession(be, cfg, state);
                RunManifest.Parent p = new RunManifest.Parent(dir.toAbsolutePath().relativize(run.toAbsolutePath()).toString(), at, spec.toText());
                RunWriter w = Sessions.recordTo(s, dir, p);
                ConsoleProgress progress = new ConsoleProgress(System.out, at, steps);
                s.addListener(progress);
                System.out.printf("branch %d: clip %s → %s%n", i + 1, spec, dir);
                String failure = Sessions.runToEnd(s, w);
                progress.finish();
                System.out.printf("branch %d: final loss %s; %s%s%n", i + 1, InspectCommand.num(progress.lastLoss), progress.summary(),
                        failure == null ? "" : "; stopped: " + failure);
            }
            System.out.println("compare them with: ./gradlab compare " + out.resolve("branch-*"));
        } catch (RunFileException e) {
            throw new UserError(e.getMessage());
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
    }
}
