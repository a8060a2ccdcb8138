package org.gradlab.cli;

import org.gradlab.clip.ClipSpec;
import org.gradlab.engine.Backend;
import org.gradlab.record.Replay;
import org.gradlab.record.RunManifest;
import org.gradlab.record.RunReader;
import org.gradlab.record.RunWriter;
import org.gradlab.run.Command;
import org.gradlab.run.ForkVariant;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Snapshot;
import org.gradlab.run.TrainingSession;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Branching a recorded run at a step into one recorded run per variant (fork, and diagnose --try). */
final class Branches {
    private Branches() {}

    /** Parses the branches' variants: bare clip specs and key=value variants, the parent's clip kept where none is named. */
    static List<ForkVariant> variants(List<String> clips, List<String> variants, ClipSpec parentClip) {
        List<ForkVariant> out = new ArrayList<>();
        for (String c : clips) out.add(new ForkVariant(ClipSpec.parse(c), null, List.of()));
        for (String v : variants) out.add(ForkVariant.parse(v, parentClip));
        if (out.isEmpty()) throw new UserError("name at least one branch: --clip SPEC or --variant SPEC");
        return out;
    }

    /**
     * Rebuilds the parent's state at `at` (checked against its recording) and trains one branch per variant for
     * `steps` steps under `out`; returns the branch folders.
     */
    static List<Path> run(Path parentDir, RunReader parent, long at, List<ForkVariant> variants, long steps, Path out, Backend be,
                          PrintStream console) throws IOException {
        SessionConfig base = parent.manifest().session();
        String outside = Replay.outside(parent, at);
        if (outside != null) throw new UserError("--at " + at + ": " + outside);
        if (base == null) throw new UserError(parentDir + " was imported from logs: it has no training state to fork");
        for (ForkVariant v : variants) v.apply(base, base.clip(), at, steps); // a branch the run cannot take is refused before any work
        console.printf("rebuilding the state of %s at step %d…%n", parentDir, at);
        Snapshot state = Replay.stateAt(parent, at, be, null, note -> console.println("note: " + note));
        Files.createDirectories(out);
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            ForkVariant v = variants.get(i);
            Path dir = out.resolve(String.format("branch-%d-%s", i + 1, v.label().replace(':', '_').replace(' ', '+').replace('=', '_')));
            TrainingSession s = new TrainingSession(be, v.apply(base, ClipSpec.parse(state.clipSpec()), at, steps), state);
            if (v.lr() != null) s.submit(new Command.SetLr(v.lr())); // recorded as the branch's first event
            RunManifest.Parent p = new RunManifest.Parent(dir.toAbsolutePath().relativize(parentDir.toAbsolutePath()).toString(), at, v.label());
            RunWriter w = Sessions.recordTo(s, dir, p);
            ConsoleProgress progress = new ConsoleProgress(console, at, steps);
            s.addListener(progress);
            console.printf("branch %d: %s → %s%n", i + 1, v.label(), dir);
            String failure = Sessions.runToEnd(s, w);
            progress.finish();
            console.printf("branch %d: final loss %s; %s%s%n", i + 1, InspectCommand.num(progress.lastLoss), progress.summary(),
                    failure == null ? "" : "; stopped: " + failure);
            dirs.add(dir);
        }
        return dirs;
    }
}
