package org.gradlab.cli;

import org.gradlab.engine.CpuBackend;
import org.gradlab.record.EvalLog;
import org.gradlab.run.RunEvent;
import org.gradlab.record.RunReader;
import org.gradlab.record.RunSummary;
import org.gradlab.record.Series;
import org.gradlab.record.StepIndex;
import org.gradlab.run.Evaluation;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the README says about the shipped sample runs is what the recordings hold: each figure is computed here
 * from the run files and must appear, so formatted, in the README's "Sample runs" section — regenerating the runs
 * or editing the text cannot let the two drift apart — and each lesson the text draws is asserted on the data.
 */
class SampleRunClaimsTest {
    private static final Path RUNS = Path.of("..", "sample-runs");
    private static String readme;

    @BeforeAll
    static void readReadme() throws Exception {
        String all = Files.readString(Path.of("..", "README.md"));
        int at = all.indexOf("## Sample runs");
        assertTrue(at >= 0, "the README has a Sample runs section");
        int end = all.indexOf("\n## ", at + 3);
        readme = all.substring(at, end < 0 ? all.length() : end).replaceAll("\\s+", " ");
    }

    private static void says(String text) {
        assertTrue(readme.contains(text), "the README's Sample runs section says \"" + text + "\"");
    }

    private static RunSummary summary(RunReader r) {
        return RunSummary.of(r.index(), Double.NEGATIVE_INFINITY);
    }

    /** 3.8e18, as the README writes a large number. */
    static String sci(double x) {
        String s = String.format(Locale.ROOT, "%.1e", x);
        return s.replace("e+0", "e").replace("e+", "e");
    }

    /**
     * The README's engine section says the CPU's rule for vanished gradients (under 2^-100, zero) left the shipped
     * tanh-RNN runs as they were: each is re-trained from its last usable checkpoint to its last step, every step's
     * loss and pre-clip norm checked bit for bit against the recording — where this machine computes as the recording
     * did (the same vector width); elsewhere the check is to within rounding, and this test does not apply.
     */
    @Test
    void theAddingRunsStillRebuildBitForBit() throws Exception {
        for (String name : List.of("adding-rnn-no-clip", "adding-rnn-clip-norm1")) {
            List<String> notes = new ArrayList<>();
            try (RunReader r = RunReader.open(RUNS.resolve(name)); CpuBackend be = new CpuBackend(1)) {
                org.junit.jupiter.api.Assumptions.assumeTrue(org.gradlab.record.RunManifest.arithmetic(r.manifest().device())
                        .equals(org.gradlab.record.RunManifest.arithmetic(be.name())), "recorded on " + r.manifest().device());
                long last = r.index().lastStep();
                assertEquals(last, org.gradlab.record.Replay.stateAt(r, last, be, null, notes::add).step(), name);
            }
            assertEquals(List.of(), notes, name + " rebuilds exactly, with nothing to work around");
        }
    }

    @Test
    void theUnclippedAddingRunHitsTheWallWithinTwentySteps() throws Exception {
        try (RunReader r = RunReader.open(RUNS.resolve("adding-rnn-no-clip"))) {
            RunSummary s = summary(r);
            StepIndex ix = r.index();
            long peakAt = -1, firstNaNLoss = -1;
            for (int i = 0; i < ix.count(); i++) {
                if (ix.valueAt(i, Series.PRE_NORM) == s.maxPreNorm()) peakAt = ix.stepAt(i);
                if (firstNaNLoss < 0 && Float.isNaN(ix.valueAt(i, Series.LOSS))) firstNaNLoss = ix.stepAt(i);
            }
            assertTrue(s.divergedAt() >= 0 && s.divergedAt() <= 20, "first non-finite step " + s.divergedAt());
            for (int i = ix.positionOf(firstNaNLoss); i < ix.count(); i++) {
                assertTrue(Float.isNaN(ix.valueAt(i, Series.LOSS)), "NaN from there on: step " + ix.stepAt(i));
            }
            assertEquals(0, s.clipRate(), "unclipped");
            says("the pre-clip norm reaches " + sci(s.maxPreNorm()) + " at step " + peakAt);
            says("overflows at step " + s.divergedAt() + ", the first non-finite step");
            says("the loss is NaN from step " + firstNaNLoss + " on");
        }
    }

    @Test
    void theClippedAddingRunStaysFiniteClipsRarelyAndLearns() throws Exception {
        Path dir = RUNS.resolve("adding-rnn-clip-norm1");
        try (RunReader r = RunReader.open(dir)) {
            RunSummary s = summary(r);
            assertEquals(0, s.nonFiniteSteps());
            assertTrue(s.clipRate() < 0.01, "insurance: under 1% of steps clip, " + s.clipRate());
            StepIndex ix = r.index();
            List<Long> clipped = new ArrayList<>();
            for (int i = 0; i < ix.count(); i++) if (ix.valueAt(i, Series.CLIPPED) > 0) clipped.add(ix.stepAt(i));
            long late = clipped.stream().filter(k -> k >= s.endStep() / 2).count();
            assertTrue(late > clipped.size() / 2, "most clipped steps come in the second half, as it learns: " + late + " of " + clipped.size());

            Evaluation ev = EvalLog.read(dir).get(0);
            SessionConfig sc = r.manifest().session();
            Evaluation guess;
            try (CpuBackend be = new CpuBackend(1)) {
                guess = new Trainer(be, sc.run(), sc.clip(), sc.nonFinite()).constantBaseline(ev.sequences());
            }
            assertEquals(ev.sequences(), guess.sequences(), "the guess is scored on the same fresh sequences");
            assertTrue(ev.errorRate() <= guess.errorRate() - 0.15, "learns: " + ev.errorRate() + " against " + guess.errorRate());
            says(String.format(Locale.ROOT, "clips on %.2f%% of its %,d steps", 100 * s.clipRate(), ix.count()));
            says(String.format(Locale.ROOT, "%.2f%% of %,d fresh sequences wrong, where a constant guess gets %.2f%%", 100 * ev.errorRate(),
                    ev.sequences(), 100 * guess.errorRate()));
        }
    }

    @Test
    void oneBadBatchThrowsTheUnclippedRunOffAndTheClippedOneBarelyNotices() throws Exception {
        try (RunReader bare = RunReader.open(RUNS.resolve("spike-lstm-no-clip"));
             RunReader clip = RunReader.open(RUNS.resolve("spike-lstm-clip-norm1"))) {
            RunSummary a = summary(bare), b = summary(clip);
            assertTrue(a.windowLoss() - b.windowLoss() >= 0.1, "unclipped ends worse: " + a.windowLoss() + " vs " + b.windowLoss());
            StepIndex ix = clip.index();
            List<Long> clipped = new ArrayList<>();
            for (int i = 0; i < ix.count(); i++) if (ix.valueAt(i, Series.CLIPPED) > 0) clipped.add(ix.stepAt(i));
            assertEquals(List.of(400L), clipped, "the spike is the clipped run's only clipped step");
            says(String.format(Locale.ROOT, "mean loss over the last 100 steps %.2f unclipped against %.2f clipped", a.windowLoss(), b.windowLoss()));
            says(String.format(Locale.ROOT, "the only clipped step (%.2f%%)", 100 * b.clipRate()));
        }
    }

    @Test
    void theForkBranchesShareEverythingButTheClipping() throws Exception {
        String[][] branches = {{"branch-1-norm_1", "norm:1"}, {"branch-2-value_0.01", "value:0.01"}, {"branch-3-autoclip_10", "autoclip:10"}};
        for (String[] b : branches) {
            try (RunReader r = RunReader.open(RUNS.resolve("fork-spike-3-clips").resolve(b[0]))) {
                assertEquals(390, r.manifest().parent().step());
                assertTrue(r.manifest().parent().run().endsWith("spike-lstm-no-clip"), r.manifest().parent().run());
                assertEquals(b[1], r.manifest().clipText());
                assertTrue(r.events().stream().anyMatch(e -> e.type() == RunEvent.Type.SPIKE && e.step() == 400), "the same spike at 400");
                RunSummary s = summary(r);
                says(String.format(Locale.ROOT, "%s %.2f", b[1], s.windowLoss()));
                if (b[1].startsWith("value")) {
                    assertEquals(1.0, s.clipRate(), "value:0.01 clips every step");
                    says("value:0.01 clips every step");
                }
            }
        }
    }
}
