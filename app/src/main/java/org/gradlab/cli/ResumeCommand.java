package org.gradlab.cli;

import org.gradlab.clip.ClipSpec;
import org.gradlab.record.Replay;
import org.gradlab.record.RunFileException;
import org.gradlab.record.RunReader;
import org.gradlab.record.RunWriter;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Snapshot;
import org.gradlab.run.TrainingSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code gradlab resume RUN}: continues an interrupted (or finished) recording. A torn or damaged tail of
 * steps.bin is moved aside to {@code steps.bin.torn-<offset>} (never deleted), the state after the last intact
 * step is rebuilt from the nearest checkpoint and checked against the recording, and training goes on from
 * there with the same batches, clip and learning rate in force, into the same run.
 */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continue recording a run after its last intact step (after a crash, a kill, or to train it further).")
public final class ResumeCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "RUN", description = "the run directory to continue")
    Path run;
    @Option(names = "--steps", description = "steps to add (default: up to the steps the run was started with)")
    Long steps;
    @picocli.CommandLine.Mixin
    DeviceOptions deviceOptions = new DeviceOptions();

    @Override
    public void run() {
        long end, planned;
        SessionConfig base;
        try (RunReader r = RunReader.open(run)) {
            base = r.manifest().session();
            if (base == null) throw new UserError(run + " was imported from logs: there is no training to continue");
            end = r.endStep();
            planned = base.steps();
        } catch (RunFileException e) {
            throw new UserError(e.getMessage());
        }
        if (steps != null && steps < 1) throw new UserError("--steps must be >= 1");
        long target = steps != null ? end + steps : planned;
        if (target == Long.MAX_VALUE) throw new UserError(run + " was started without an end (from the app): say how many steps to add with --steps");
        if (target <= end) throw new UserError(run + " already has its " + planned + " steps; add more with --steps N");
        try (org.gradlab.engine.Backend be = deviceOptions.open(System.out, base.run())) {
            RunWriter w = RunWriter.resume(run); // locks the folder and moves a torn tail aside first
            Snapshot state;
            try (RunReader r = RunReader.open(run)) {
                System.out.printf("rebuilding the state of %s after its last intact step (%d)…%n", run, end - 1);
                state = Replay.stateAt(r, end, be, null, note -> System.out.println("note: " + note));
            } catch (RunFileException | RuntimeException e) {
                w.close();
                throw e;
            }
            // the clip and learning rate in force at the end continue (they are in the state), not the run's first ones
            SessionConfig cfg = base.withClip(ClipSpec.parse(state.clipSpec())).withSteps(target);
            TrainingSession s = new TrainingSession(be, cfg, state);
            s.addListener(w);
            ConsoleProgress progress = new ConsoleProgress(System.out, end, target - end);
            s.addListener(progress);
            String failure = Sessions.runToEnd(s, w);
            progress.finish();
            System.out.printf("resumed %s at step %d and recorded %d more steps; final loss %s; %s%n", run, end, progress.steps,
                    InspectCommand.num(progress.lastLoss), progress.summary());
            if (failure != null) throw new UserError(failure);
        } catch (RunFileException e) {
            throw new UserError(e.getMessage());
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
    }
}
