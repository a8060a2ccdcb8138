package org.gradlab.run;

import java.util.Locale;

/**
 * A checkable statement a scenario makes about its runs — the lesson it teaches, in data next to its text, so a
 * test can run the scenario and hold it to it. Runs are named as in the scenario (and its variants); steps
 * count from 0; a window [from, to] includes both ends.
 */
public sealed interface Claim {
    /** The claim in words, as the scenario shows it. */
    String text();

    /** Whether the runs bear the claim out, and what they showed (printed either way: a lesson comes with its numbers). */
    Verdict judge(ScenarioCheck.Results r);

    /** Null when the runs bear the claim out; otherwise what they showed instead. */
    default String check(ScenarioCheck.Results r) {
        Verdict v = judge(r);
        return v.held() ? null : v.shown();
    }

    record Verdict(boolean held, String shown) {}

    /** The run's first NaN/inf step (by the one definition) comes at or before `step`. */
    record BlowsUpBy(String run, long step) implements Claim {
        public String text() {
            return run + ": the first NaN/inf step comes by step " + step;
        }

        public Verdict judge(ScenarioCheck.Results r) {
            long first = r.run(run).firstNonFinite();
            return new Verdict(first >= 0 && first <= step, "first NaN/inf at " + (first < 0 ? "no step" : "step " + first));
        }
    }

    /** The run stays finite: not one NaN/inf step. */
    record StaysFinite(String run) implements Claim {
        public String text() {
            return run + ": no step turns NaN/inf";
        }

        public Verdict judge(ScenarioCheck.Results r) {
            long first = r.run(run).firstNonFinite();
            return new Verdict(first < 0, first < 0 ? "no NaN/inf step" : "NaN/inf from step " + first);
        }
    }

    /** On fresh sequences the run gets at most `errorRate` wrong, and at least `margin` fewer than a constant guess. */
    record Learns(String run, double errorRate, double margin) implements Claim {
        public String text() {
            return String.format(Locale.ROOT, "%s: learns — at most %.0f%% of fresh sequences wrong, %.0f points fewer than a constant guess",
                    run, 100 * errorRate, 100 * margin);
        }

        public Verdict judge(ScenarioCheck.Results r) {
            ScenarioCheck.RunResult x = r.run(run);
            double e = x.evaluation().errorRate(), c = x.baseline().errorRate();
            return new Verdict(e <= errorRate && e <= c - margin, String.format(Locale.ROOT, "%.1f%% wrong against %.1f%% for a constant guess", 100 * e, 100 * c));
        }
    }

    /** On fresh sequences the run does no better than a constant guess, give or take `margin`: it has not learned. */
    record NoBetterThanGuessing(String run, double margin) implements Claim {
        public String text() {
            return run + ": does not learn — as many fresh sequences wrong as a constant guess gets";
        }

        public Verdict judge(ScenarioCheck.Results r) {
            ScenarioCheck.RunResult x = r.run(run);
            double e = x.evaluation().errorRate(), c = x.baseline().errorRate();
            return new Verdict(e >= c - margin, String.format(Locale.ROOT, "%.1f%% wrong against %.1f%% for a constant guess", 100 * e, 100 * c));
        }
    }

    /** The share of the run's steps that clipped is within [min, max]. */
    record ClipRate(String run, double min, double max) implements Claim {
        public String text() {
            return String.format(Locale.ROOT, "%s: clipping fires on %.0f%%–%.0f%% of steps", run, 100 * min, 100 * max);
        }

        public Verdict judge(ScenarioCheck.Results r) {
            double rate = r.run(run).clipRate();
            return new Verdict(rate >= min && rate <= max, String.format(Locale.ROOT, "clipped on %.2f%% of steps", 100 * rate));
        }
    }

    /** Run a's largest pre-clip norm over [from, to] is at least `factor` × run b's. */
    record LargerNorms(String a, String b, long from, long to, double factor) implements Claim {
        public String text() {
            return String.format(Locale.ROOT, "%s's largest pre-clip norm in steps %d–%d is at least %.0f× %s's", a, from, to, factor, b);
        }

        public Verdict judge(ScenarioCheck.Results r) {
            double x = r.run(a).maxPre(from, to), y = r.run(b).maxPre(from, to);
            return new Verdict(x >= factor * y, String.format(Locale.ROOT, "%.4g against %.4g (%.2f×)", x, y, x / y));
        }
    }

    /** Run b's mean loss over [from, to] is at least `delta` below run a's. */
    record LowerLoss(String a, String b, long from, long to, double delta) implements Claim {
        public String text() {
            return String.format(Locale.ROOT, "%s's mean loss over steps %d–%d is at least %.2f below %s's", b, from, to, delta, a);
        }

        public Verdict judge(ScenarioCheck.Results r) {
            double x = r.run(a).meanLoss(from, to), y = r.run(b).meanLoss(from, to);
            return new Verdict(y <= x - delta, String.format(Locale.ROOT, "%.4f against %.4f", y, x));
        }
    }

    /** The two runs' mean losses over [from, to] differ by at most `delta`. */
    record SameLoss(String a, String b, long from, long to, double delta) implements Claim {
        public String text() {
            return String.format(Locale.ROOT, "%s and %s end within %.2f of each other in loss (mean over steps %d–%d)", a, b, delta, from, to);
        }

        public Verdict judge(ScenarioCheck.Results r) {
            double x = r.run(a).meanLoss(from, to), y = r.run(b).meanLoss(from, to);
            return new Verdict(Math.abs(x - y) <= delta, String.format(Locale.ROOT, "%.4f against %.4f", x, y));
        }
    }

    /** The run's mean loss over [from2, to2] is at least `delta` below its mean over [from1, to1]: it learns. */
    record LossFalls(String run, long from1, long to1, long from2, long to2, double delta) implements Claim {
        public String text() {
            return String.format(Locale.ROOT, "%s: the loss falls by at least %.2f from steps %d–%d to steps %d–%d", run, delta, from1, to1, from2, to2);
        }

        public Verdict judge(ScenarioCheck.Results r) {
            double a = r.run(run).meanLoss(from1, to1), b = r.run(run).meanLoss(from2, to2);
            return new Verdict(b <= a - delta, String.format(Locale.ROOT, "%.4f → %.4f", a, b));
        }
    }

    /** Over the `window` steps after `step` the run's mean loss is at least `delta` above the `window` before it. */
    record LossJumps(String run, long step, int window, double delta) implements Claim {
        public String text() {
            return String.format(Locale.ROOT, "%s: after step %d the loss jumps by at least %.2f (mean of %d steps after against before)", run, step, delta, window);
        }

        public Verdict judge(ScenarioCheck.Results r) {
            double jump = r.run(run).meanLoss(step + 1, step + window) - r.run(run).meanLoss(step - window, step - 1);
            return new Verdict(jump >= delta, String.format(Locale.ROOT, "it moved by %+.4f", jump));
        }
    }

    /** Over the `window` steps after `step` the run's mean loss is at most `delta` above the `window` before it. */
    record LossHolds(String run, long step, int window, double delta) implements Claim {
        public String text() {
            return String.format(Locale.ROOT, "%s: after step %d the loss rises by at most %.2f (mean of %d steps after against before)", run, step, delta, window);
        }

        public Verdict judge(ScenarioCheck.Results r) {
            double jump = r.run(run).meanLoss(step + 1, step + window) - r.run(run).meanLoss(step - window, step - 1);
            return new Verdict(jump <= delta, String.format(Locale.ROOT, "it moved by %+.4f", jump));
        }
    }

    /**
     * At `step`, the gradient reaching the first time step is between `min` and `max` times the one at the last:
     * ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of the first recurrent layer (tiny: vanished; near or above 1: it reaches back).
     */
    record ReachesBack(String run, long step, double min, double max) implements Claim {
        public String text() {
            return String.format(Locale.ROOT, "%s: at step %d, ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ is %s", run, step, range(min, max));
        }

        public Verdict judge(ScenarioCheck.Results r) {
            double x = at(r.run(run).reachBack(), step);
            return new Verdict(x >= min && x <= max, String.format(Locale.ROOT, "it is %.3g", x));
        }
    }

    /**
     * Over steps [from, to] the median of ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ is within [min, max]: what the gradient through time
     * typically does, where one step's reading can swing by orders of magnitude.
     */
    record TypicallyReachesBack(String run, long from, long to, double min, double max) implements Claim {
        public String text() {
            return String.format(Locale.ROOT, "%s: over steps %d–%d, the median ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ is %s", run, from, to, range(min, max));
        }

        public Verdict judge(ScenarioCheck.Results r) {
            float[] all = r.run(run).reachBack();
            double[] xs = java.util.stream.IntStream.rangeClosed((int) Math.max(0, from), (int) Math.min(all.length - 1, to))
                    .mapToDouble(k -> all[k]).filter(Double::isFinite).sorted().toArray();
            double x = xs.length == 0 ? Double.NaN : xs[xs.length / 2];
            return new Verdict(x >= min && x <= max, String.format(Locale.ROOT, "it is %.3g (%d steps)", x, xs.length));
        }
    }

    /** At `step` (a step that measured it), the first recurrent matrix's spectral radius is within [min, max]. */
    record Radius(String run, long step, double min, double max) implements Claim {
        public String text() {
            return String.format(Locale.ROOT, "%s: at step %d, the spectral radius of W_hh is %s", run, step, range(min, max));
        }

        public Verdict judge(ScenarioCheck.Results r) {
            double x = at(r.run(run).radius(), step);
            return new Verdict(x >= min && x <= max, Double.isNaN(x) ? "not measured at that step" : String.format(Locale.ROOT, "ρ = %.3f", x));
        }
    }

    /** A per-step reading at `step` (NaN past the run's end). */
    private static double at(float[] perStep, long step) {
        return step < perStep.length ? perStep[(int) step] : Double.NaN;
    }

    private static String range(double min, double max) {
        if (min <= 0) return String.format(Locale.ROOT, "below %.3g", max);
        if (Double.isInfinite(max)) return String.format(Locale.ROOT, "above %.3g", min);
        return String.format(Locale.ROOT, "between %.3g and %.3g", min, max);
    }
}
