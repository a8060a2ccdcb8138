package org.gradlab.run;

import org.gradlab.engine.CpuBackend;
import org.gradlab.telemetry.StepStats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a scenario headlessly — its runs and the variants its text tells the user to try, each for the
 * scenario's check length from the same seed — and holds the results to the scenario's claims. What the app
 * teaches is what these runs show.
 */
public final class ScenarioCheck {
    /** One run's readings per step, its evaluation on fresh sequences, and what a constant guess scores there. */
    /**
     * reachBack: per step, ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of the first recurrent layer (how much of the gradient at the end of
     * the sequence reaches its start; NaN for other models); radius: per step, ρ of the first recurrent matrix
     * (NaN on steps that did not measure it).
     */
    public record RunResult(String name, float[] loss, float[] pre, boolean[] clipped, boolean[] nonFinite, float[] reachBack,
                            float[] radius, Evaluation evaluation, Evaluation baseline) {
        public long firstNonFinite() {
            for (int i = 0; i < nonFinite.length; i++) if (nonFinite[i]) return i;
            return -1;
        }

        public double clipRate() {
            int n = 0;
            for (boolean c : clipped) if (c) n++;
            return clipped.length == 0 ? Double.NaN : (double) n / clipped.length;
        }

        public double maxPre(long from, long to) {
            double m = Double.NaN;
            for (long k = Math.max(0, from); k <= Math.min(pre.length - 1, to); k++) if (!(m >= pre[(int) k])) m = pre[(int) k];
            return m;
        }

        /** Mean finite loss over [from, to] (NaN when none is finite). */
        public double meanLoss(long from, long to) {
            double s = 0;
            int n = 0;
            for (long k = Math.max(0, from); k <= Math.min(loss.length - 1, to); k++) {
                if (Float.isFinite(loss[(int) k])) {
                    s += loss[(int) k];
                    n++;
                }
            }
            return n == 0 ? Double.NaN : s / n;
        }
    }

    public record Results(Map<String, RunResult> runs) {
        public RunResult run(String name) {
            RunResult r = runs.get(name);
            if (r == null) throw new IllegalArgumentException("no run named '" + name + "' (runs: " + runs.keySet() + ")");
            return r;
        }
    }

    /** A claim's outcome: null failure means it held. */
    public record Outcome(Claim claim, Claim.Verdict verdict) {
        /** Null when the claim held; otherwise what the runs showed instead. */
        public String failure() {
            return verdict.held() ? null : verdict.shown();
        }
    }

    private ScenarioCheck() {}

    /** Trains every run and variant of the scenario for its check length (CPU, `threads` threads each). */
    public static Results run(Scenario s, int threads, int evalSequences) {
        Map<String, RunResult> out = new LinkedHashMap<>();
        List<Scenario.Named> all = new ArrayList<>(s.runs());
        all.addAll(s.variants());
        for (Scenario.Named n : all) out.put(n.name(), train(n, s.checkSteps(), threads, evalSequences));
        return new Results(out);
    }

    private static RunResult train(Scenario.Named n, long steps, int threads, int evalSequences) {
        SessionConfig sc = n.config();
        try (CpuBackend be = new CpuBackend(threads)) {
            Trainer t = new Trainer(be, sc.run(), sc.clip(), sc.nonFinite());
            int len = (int) steps;
            float[] loss = new float[len], pre = new float[len];
            boolean[] clipped = new boolean[len], nonFinite = new boolean[len];
            float[] reach = new float[len], radius = new float[len];
            for (int k = 0; k < len; k++) {
                Spike spike = null;
                for (Spike sp : sc.spikes()) if (sp.step() == k) spike = sp;
                StepStats st = t.trainStep(spike);
                loss[k] = st.loss();
                pre[k] = st.clip() == null ? Float.NaN : (float) st.clip().preNorm();
                clipped[k] = st.clip() != null && st.clip().clipped();
                nonFinite[k] = st.nonFinite();
                int seq = st.timeGrads() == null ? 0 : sc.run().seq();
                reach[k] = seq == 0 ? Float.NaN : st.timeGrads()[0] / st.timeGrads()[seq - 1];
                radius[k] = st.radii() == null || st.radii().length == 0 ? Float.NaN : st.radii()[0];
            }
            return new RunResult(n.name(), loss, pre, clipped, nonFinite, reach, radius, t.evaluate(evalSequences),
                    t.constantBaseline(evalSequences));
        }
    }

    public static List<Outcome> check(Scenario s, Results r) {
        List<Outcome> out = new ArrayList<>();
        for (Claim c : s.claims()) out.add(new Outcome(c, c.judge(r)));
        return out;
    }
}
