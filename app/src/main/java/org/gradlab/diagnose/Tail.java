package org.gradlab.diagnose;

import org.gradlab.record.RunFileException;
import org.gradlab.record.RunFiles;
import org.gradlab.record.RunReader;
import org.gradlab.record.Series;
import org.gradlab.record.StepIndex;
import org.gradlab.record.tb.TbLogDir;
import org.gradlab.record.tb.TbMapping;
import org.gradlab.telemetry.StepStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Follows a growing run — a GradLab run being recorded, or a TensorBoard log directory being written — and
 * hands over each step once it is complete: a GradLab record when it is intact on disk; a TensorBoard step
 * when a later step has appeared in its run (a writer may spread one step's tags over several flushes, so a
 * step is never judged on half its tags), or when the caller says the logs are final.
 */
public interface Tail extends AutoCloseable {
    /** One complete step of one run: NaN where not logged, clipped null where unknown. */
    record Row(String run, long step, double loss, double pre, Boolean clipped, boolean nonFinite) {}

    /** Reads what was appended and returns the steps completed since the last call; final: hand over every step seen. */
    List<Row> poll(boolean last) throws IOException;

    @Override
    default void close() {}

    /** A GradLab run folder or a TensorBoard log directory. */
    static Tail of(Path target) throws IOException {
        if (Files.exists(target.resolve(RunFiles.MANIFEST), LinkOption.NOFOLLOW_LINKS)) return new RunTail(target);
        return new LogTail(target);
    }

    /** A GradLab run (being) recorded. */
    final class RunTail implements Tail {
        private final RunReader reader;
        private final String name;
        private int handed;

        RunTail(Path dir) throws RunFileException {
            reader = RunReader.open(dir);
            name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        }

        @Override
        public List<Row> poll(boolean last) throws IOException {
            reader.refresh();
            StepIndex ix = reader.index();
            List<Row> out = new ArrayList<>();
            for (; handed < ix.count(); handed++) {
                float loss = ix.valueAt(handed, Series.LOSS), pre = ix.valueAt(handed, Series.PRE_NORM);
                out.add(new Row(name, ix.stepAt(handed), loss, pre, ix.valueAt(handed, Series.CLIPPED) > 0,
                        StepStats.isNonFinite(loss, pre, ix.valueAt(handed, Series.NON_FINITE))));
            }
            return out;
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    /** The runs of a TensorBoard log directory, new ones included as they appear. */
    final class LogTail implements Tail {
        private final Path dir;
        private TbLogDir logs;
        private final Map<String, Long> handed = new LinkedHashMap<>();

        LogTail(Path dir) {
            this.dir = dir;
        }

        @Override
        public List<Row> poll(boolean last) throws IOException {
            if (logs == null) {
                if (!Files.isDirectory(dir)) throw new IOException(dir + ": not a directory");
                try {
                    logs = TbLogDir.open(dir);
                } catch (IOException e) {
                    return List.of(); // no event file yet: wait for the writer
                }
            } else {
                logs.refresh();
            }
            List<Row> out = new ArrayList<>();
            for (TbLogDir.Run run : logs.runs().values()) {
                String lossTag = TbMapping.lossTag(run.scalars), normTag = TbMapping.gradNormTag(run.scalars);
                List<String> nonFiniteTags = TbMapping.nonFiniteTags(run);
                TreeMap<Long, Boolean> steps = new TreeMap<>();
                for (TreeMap<Long, Double> s : run.scalars.values()) for (Long k : s.keySet()) steps.put(k, true);
                for (var h : run.histograms.values()) for (Long k : h.keySet()) steps.put(k, true);
                if (steps.isEmpty()) continue;
                long done = handed.getOrDefault(run.name, Long.MIN_VALUE);
                // complete: every step before the newest (its writer has moved on), and at the end all of them
                long upTo = last ? steps.lastKey() : steps.lastKey() - 1;
                String name = (dir.getFileName() == null ? dir.toString() : dir.getFileName().toString()) + (run.name.equals(".") ? "" : "/" + run.name);
                for (long k : steps.subMap(done, false, upTo, true).keySet()) {
                    Double loss = lossTag == null ? null : run.scalars.get(lossTag).get(k);
                    Double pre = normTag == null ? null : run.scalars.get(normTag).get(k);
                    double l = loss == null ? Double.NaN : loss, p = pre == null ? Double.NaN : pre;
                    boolean bad = (loss != null && !Double.isFinite(loss)) || (pre != null && !Double.isFinite(pre))
                            || TbMapping.loggedNonFinite(run, nonFiniteTags, k) > 0;
                    out.add(new Row(name, k, l, p, TbMapping.loggedClipped(run, k), bad));
                    done = k;
                }
                handed.put(run.name, done);
            }
            return out;
        }
    }
}
