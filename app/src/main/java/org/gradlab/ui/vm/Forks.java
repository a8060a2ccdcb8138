package org.gradlab.ui.vm;

import org.gradlab.clip.ClipSpec;
import org.gradlab.record.RunManifest;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starting fork branches from a snapshot — of a live run or rebuilt from a recording — as paused live runs. */
final class Forks {
    private Forks() {}

    /** 2–4 clip specs, each checked; the first bad one is refused with its reason. */
    static List<ClipSpec> parse(List<String> specs) {
        if (specs.size() < 2 || specs.size() > 4) throw new IllegalArgumentException("a fork needs 2–4 clip specs, comma-separated");
        List<ClipSpec> out = new ArrayList<>();
        for (String s : specs) out.add(ClipSpec.parse(s));
        return out;
    }

    /**
     * One paused session per clip spec from `snap`, recorded under recordRoot (when not null) with the parent
     * run (when recorded) named in each branch's run.json.
     */
    static List<LiveSessionModel> start(String name, SessionConfig base, Snapshot snap, List<ClipSpec> clips, Path recordRoot,
                                        Path parentDir, String device) {
        List<LiveSessionModel> out = new ArrayList<>();
        try {
            for (int i = 0; i < clips.size(); i++) {
                ClipSpec c = clips.get(i);
                Path dir = recordRoot == null ? null : recordRoot.resolve("branch-" + (i + 1) + "-" + c.toText().replace(':', '_'));
                RunManifest.Parent parent = parentDir == null || dir == null ? null
                        : new RunManifest.Parent(dir.toAbsolutePath().relativize(parentDir.toAbsolutePath()).toString(), snap.step(), c.toText());
                out.add(LiveSessionModel.start(name + " ▸ " + c.toText(), base.withClip(c), snap, dir, device, 1, true, parent, null));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            out.forEach(LiveSessionModel::close);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }
}
