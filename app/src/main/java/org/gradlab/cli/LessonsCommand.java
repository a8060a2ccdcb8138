package org.gradlab.cli;

import org.gradlab.run.Claim;
import org.gradlab.run.Scenario;
import org.gradlab.run.ScenarioCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;

/**
 * {@code gradlab lessons}: the app's teaching scenarios and what each claims; {@code --check} runs them headlessly
 * (every run and the variants its text tells you to try) and shows whether each claim holds, with what the
 * runs measured.
 */
@Command(name = "lessons", mixinStandardHelpOptions = true,
        description = "List the teaching scenarios and their claims; --check runs them and checks every claim.")
public final class LessonsCommand implements Runnable {
    @Option(names = "--check", description = "run every scenario (or the one named) and check its claims")
    boolean check;
    @Option(names = "--scenario", paramLabel = "N", description = "only scenario N (1-based, as listed)")
    Integer only;
    @Option(names = "--threads", defaultValue = "2", description = "CPU threads per run (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public void run() {
        List<Scenario> all = Scenario.all();
        if (only != null && (only < 1 || only > all.size())) throw new UserError("--scenario must be 1–" + all.size());
        int failed = 0;
        for (int i = 0; i < all.size(); i++) {
            if (only != null && only != i + 1) continue;
            Scenario s = all.get(i);
            System.out.printf("%d. %s%n", i + 1, s.title());
            if (s.claims().isEmpty()) {
                System.out.println("   (no claims: a picture to look at)");
                continue;
            }
            if (!check) {
                for (Claim c : s.claims()) System.out.println("   • " + c.text());
                continue;
            }
            long t0 = System.nanoTime();
            ScenarioCheck.Results r = ScenarioCheck.run(s, threads, 4000);
            for (ScenarioCheck.Outcome o : ScenarioCheck.check(s, r)) {
                boolean held = o.verdict().held();
                System.out.println("   " + (held ? "✓ " : "✗ ") + o.claim().text() + (held ? ": " : " — but ") + o.verdict().shown());
                if (!held) failed++;
            }
            for (ScenarioCheck.RunResult x : r.runs().values()) {
                System.out.printf(Locale.ROOT, "     %s: loss %.4g → %.4g, clip rate %.2f%%, first NaN/inf %s%s%n",
                        x.name(), x.meanLoss(0, 9), x.meanLoss(x.loss().length - 50, x.loss().length - 1), 100 * x.clipRate(),
                        x.firstNonFinite() < 0 ? "none" : "step " + x.firstNonFinite(), Double.isNaN(x.baseline().errorRate()) ? ""
                        : String.format(Locale.ROOT, ", eval %.1f%% wrong (a constant guess: %.1f%%)", 100 * x.evaluation().errorRate(),
                        100 * x.baseline().errorRate()));
            }
            System.out.printf(Locale.ROOT, "   (%d steps per run, %.0f s)%n", s.checkSteps(), (System.nanoTime() - t0) / 1e9);
        }
        if (failed > 0) throw new UserError(failed + " claim(s) did not hold");
    }
}
