package org.gradlab.cli;

import org.gradlab.record.RunFileException;
import org.gradlab.record.RunReader;
import org.gradlab.record.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code gradlab compare RUN RUN …}: the runs' key figures side by side, aligned by step. */
@Command(name = "compare", mixinStandardHelpOptions = true, description = "Compare recorded runs' key figures in one table.")
public final class CompareCommand implements Runnable {
    @Parameters(arity = "2..*", paramLabel = "RUN", description = "two or more run directories")
    List<Path> runs;
    @Option(names = "--target", description = "loss target for 'steps to target' (default: 1.1 × the best final loss of the runs)")
    Double target;

    @Override
    public void run() {
        List<RunReader> readers = new ArrayList<>();
        try {
            for (Path p : runs) readers.add(RunReader.open(p));
            double t = target != null ? target : Double.NaN;
            if (target == null) {
                double best = Double.POSITIVE_INFINITY;
                for (RunReader r : readers) {
                    float f = RunSummary.of(r.index(), 0).finalLoss();
                    if (Float.isFinite(f)) best = Math.min(best, f);
                }
                t = Double.isFinite(best) ? 1.1 * best : Double.NaN;
            }
            // the same steps for every run: the last window all of them recorded (one raw loss is one noisy batch)
            long end = Long.MAX_VALUE, start = Long.MIN_VALUE;
            for (RunReader r : readers) {
                end = Math.min(end, r.endStep() - 1);
                start = Math.max(start, r.firstStep());
            }
            long from = Math.max(start, end - RunSummary.WINDOW + 1);
            String window = end >= from ? "loss " + from + "–" + end : "loss (no shared steps)";
            System.out.printf("%-32s %-22s %9s %17s %11s %9s %12s %14s %10s%n", "run", "clip", "steps", window, "min loss",
                    "clip rate", "max pre-norm", "steps to " + (Double.isNaN(t) ? "target" : String.format("%.4g", t)), "diverged");
            for (RunReader r : readers) {
                RunSummary s = RunSummary.of(r.index(), t);
                String name = r.dir().getFileName() == null ? r.dir().toString() : r.dir().getFileName().toString();
                System.out.printf("%-32s %-22s %9d %17s %11s %8.1f%% %12s %14s %10s%n", trim(name, 32),
                        trim(r.manifest().clipText(), 22), r.stepCount(), InspectCommand.num((float) RunSummary.meanLoss(r.index(), from, end)),
                        InspectCommand.num(s.minLoss()), 100 * s.clipRate(), InspectCommand.num(s.maxPreNorm()),
                        s.targetReachedAt() >= 0 ? Long.toString(s.targetReachedAt()) : "never",
                        s.divergedAt() >= 0 ? "step " + s.divergedAt() : "no");
            }
        } catch (RunFileException e) {
            throw new UserError(e.getMessage());
        } finally {
            readers.forEach(RunReader::close);
        }
    }

    private static String trim(String s, int n) {
        return s.length() <= n ? s : "…" + s.substring(s.length() - n + 1);
    }
}
