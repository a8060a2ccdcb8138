package org.gradlab.cli;

import org.gradlab.clip.ClipReport;
import org.gradlab.record.CsvExport;
import org.gradlab.record.RunFiles;
import org.gradlab.record.RunFileException;
import org.gradlab.record.RunManifest;
import org.gradlab.record.RunReader;
import org.gradlab.record.RunSummary;
import org.gradlab.record.Series;
import org.gradlab.run.RunEvent;
import org.gradlab.telemetry.StepStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** {@code gradlab inspect RUN}: a recorded run's summary, its per-step scalars as CSV, or one step in full. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Summarise a recorded run, print its per-step CSV, or one step's full record.")
public final class InspectCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "RUN", description = "a run directory (from train --out or fork)")
    Path run;
    @Option(names = "--csv", description = "print the per-step scalars as CSV (a header row, then one row per step)")
    boolean csv;
    @Option(names = "--step", description = "print step K's full record")
    Long step;
    @Option(names = "--target", defaultValue = "NaN", description = "report the first step whose loss is <= this")
    double target;

    @Override
    public void run() {
        PrintStream out = System.out;
        try (RunReader r = RunReader.open(run)) {
            if (csv) printCsv(r, out);
            else if (step != null) printStep(r, r.step(step), out);
            else printSummary(r, out);
        } catch (RunFileException e) {
            throw new UserError(e.getMessage());
        }
    }

    static void printCsv(RunReader r, PrintStream out) {
        try {
            java.io.Writer w = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8);
            CsvExport.write(r, w);
        } catch (java.io.IOException e) {
            throw new UserError("cannot write CSV: " + e.getMessage());
        }
    }

    static String num(float v) {
        return CsvExport.num(v);
    }

    private void printSummary(RunReader r, PrintStream out) {
        RunManifest m = r.manifest();
        RunSummary s = RunSummary.of(r.index(), target);
        out.printf("run %s%n", r.dir());
        if (m.session() == null) {
            out.printf("  imported from %s logs: %s%n", m.imported().format(), m.imported().source());
        } else {
            printConfig(m, out);
        }
        if (m.parent() != null) out.printf("  forked from %s at step %d (variant %s)%n", m.parent().run(), m.parent().step(), m.parent().variant());
        if (RunFiles.incomplete(r.dir())) {
            out.printf("  INCOMPLETE: its recording has not finished — it is being written, or the process writing it was stopped "
                    + "(every step before that is intact; ./gradlab resume %s continues a training run)%n", r.dir());
        }
        if (r.stepCount() == 0) {
            out.printf("  steps 0 (none recorded yet)%n");
        } else {
            out.printf("  steps %d (%d–%d); loss %s (mean of the last %d steps; last step %s); min loss %s at step %d%n", r.stepCount(),
                    s.firstStep(), s.endStep() - 1, num((float) s.windowLoss()), s.window(), num(s.finalLoss()), num(s.minLoss()), s.minLossStep());
        }
        // a log that never said what clipping did has no clip rate (not 0%)
        boolean clipKnown = m.imported() == null || anyLogged(r, Series.POST_NORM) || anyLogged(r, Series.COEFFICIENT);
        out.printf("  %s; max pre-clip norm %s; non-finite steps %d%s%n", clipKnown ? String.format(Locale.ROOT,
                        "clip rate %.2f%% (%s), last %d steps %.2f%%", 100 * s.clipRate(), org.gradlab.diagnose.ClipRegime.of(s.clipRate()), s.window(),
                        100 * s.windowClipRate()) : "clipping: not in the logs", num(s.maxPreNorm()),
                s.nonFiniteSteps(), s.divergedAt() >= 0 ? " (first at step " + s.divergedAt() + ")" : "");
        try {
            for (org.gradlab.run.Evaluation e : org.gradlab.record.EvalLog.read(r.dir())) {
                out.printf("  evaluation at step %d: %.2f%% of %d fresh sequences wrong (%s), mean loss %s%n", e.step(), 100 * e.errorRate(),
                        e.sequences(), e.criterion(), num((float) e.meanLoss()));
            }
        } catch (RunFileException e) {
            out.printf("  WARNING: %s%n", e.getMessage());
        }
        if (!Double.isNaN(target)) {
            out.printf("  loss <= %s first at step %s%n", target, s.targetReachedAt() >= 0 ? Long.toString(s.targetReachedAt()) : "never");
        }
        out.printf("  layers: %s%n", String.join(", ", m.groups()));
        if (r.damage() != null) {
            out.printf("  WARNING: %d bytes of steps.bin after byte %d are unreadable (%s)%n", r.damage().bytes(),
                    r.damage().offset(), r.damage().reason());
        }
        out.printf("  events (%d):%n", r.events().size());
        int shown = 0;
        for (RunEvent e : r.events()) {
            if (shown++ == 50) {
                out.printf("    … %d more%n", r.events().size() - 50);
                break;
            }
            out.printf("    step %-8d %-14s %s%n", e.step(), e.type().name().toLowerCase(Locale.ROOT), e.value());
        }
    }

    private static void printConfig(RunManifest m, PrintStream out) {
        var c = m.session().run();
        out.printf("  model %s on %s, batch %d × T=%d, %s lr %g, seed %d, init %s%s%n", c.model(), c.task(), c.batch(), c.seq(),
                c.optimizer().kind().label(), c.optimizer().lr(), c.seed(), c.init(),
                c.omega() > 0 ? ", Pascanu's regulariser \u03a9 with \u03b1 " + org.gradlab.run.RunSettings.num(c.omega()) : "");
        out.printf("  clip %s, non-finite policy %s, created %s by GradLab %s%n", m.session().clip(),
                m.session().nonFinite().cliName(), m.createdAt(), m.appVersion());
        if (m.device() != null) out.printf("  trained on %s%n", m.device());
    }

    private static boolean anyLogged(RunReader r, Series which) {
        for (int i = 0; i < r.index().count(); i++) if (!Float.isNaN(r.index().valueAt(i, which))) return true;
        return false;
    }

    private static void printStep(RunReader r, StepStats s, PrintStream out) {
        RunManifest m = r.manifest();
        out.printf("step %d  loss %s  lr %s  %s%n", s.step(), num(s.loss()), Double.isNaN(s.lr()) ? "not in the data" : s.lr(),
                s.skipped() ? "(update skipped)" : "");
        ClipReport c = s.clip();
        if (c != null) {
            out.printf("clip: action %s, clipped %s, threshold %s, coefficient %s, pre-clip norm %s, post-clip norm %s, "
                    + "strategy norm %s, non-finite %d, clipped parts %d%n", c.action().name().toLowerCase(Locale.ROOT), c.clipped(),
                    num((float) c.threshold()), num((float) c.coefficient()), num((float) c.preNorm()), num((float) c.postNorm()),
                    num((float) c.strategyNorm()), c.nonFinite(), c.clippedParts());
        }
        out.println("layer                    grad pre     grad post    weight norm  update/weight");
        for (int g = 0; g < m.groups().size(); g++) {
            out.printf("%-24s %-12s %-12s %-12s %s%n", m.groups().get(g), c == null ? "-" : num(c.layerPre()[g]),
                    c == null ? "-" : num(c.layerPost()[g]), num(s.weightNorms()[g]), num(s.updateRatios()[g]));
        }
        if (c != null) {
            out.println("tensor                               grad pre     grad post");
            for (int t = 0; t < m.tensors().size(); t++) {
                out.printf("%-36s %-12s %s%n", m.tensors().get(t).name(), num(c.tensorPre()[t]), num(c.tensorPost()[t]));
            }
        }
        if (s.histPre() != null) {
            int w = m.histogramWidth();
            out.println("histograms (counts; bins: " + (w - 4) / 2 + " negative from -2^14 inward, " + (w - 4) / 2
                    + " positive from 2^-40 outward, then zero, +inf, -inf, NaN):");
            for (int g = 0; g < m.groups().size(); g++) {
                out.printf("%-24s pre  %s%n", m.groups().get(g), Arrays.toString(Arrays.copyOfRange(s.histPre(), g * w, (g + 1) * w)));
                out.printf("%-24s post %s%n", "", s.histPost() == null ? "not in the data"
                        : Arrays.toString(Arrays.copyOfRange(s.histPost(), g * w, (g + 1) * w)));
            }
        }
        printRecurrent(m, s, out);
    }

    /** The gradient reaching each time step, and the spectral radii when this step measured them. */
    private static void printRecurrent(RunManifest m, StepStats s, PrintStream out) {
        RunManifest.Recurrent rec = m.recurrent();
        if (rec == null) return;
        int t = rec.steps();
        if (s.timeGrads() == null) {
            out.println("gradient through time: not in the data at this step");
        } else {
            out.println("gradient through time ‖∂L/∂h_t‖ (pre-clip, t = 1.." + t + "):");
            for (int l = 0; l < rec.layers().size(); l++) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < t; i++) b.append(i == 0 ? "" : ", ").append(num(s.timeGrads()[l * t + i]));
                float first = s.timeGrads()[l * t], last = s.timeGrads()[l * t + t - 1];
                out.printf("%-24s [%s]%n%-24s ‖∂L/∂h_1‖ / ‖∂L/∂h_%d‖ = %s%n", rec.layers().get(l), b, "", t, num(first / last));
            }
        }
        if (s.radii() != null) {
            for (int i = 0; i < rec.matrices().size(); i++) {
                out.printf("spectral radius ρ(%s) %s%n", rec.matrices().get(i), num(s.radii()[i]));
            }
        } else if (!rec.matrices().isEmpty()) {
            out.println("spectral radius: not measured at this step");
        }
    }
}
