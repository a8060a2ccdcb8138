package org.gradlab.diagnose;

import org.gradlab.record.Replay;
import org.gradlab.record.RunFileException;
import org.gradlab.record.RunReader;
import org.gradlab.run.GradientProbe;
import org.gradlab.run.RunEvent;
import org.gradlab.run.Snapshot;
import org.gradlab.run.Spike;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The experiment only a tool that owns the data order and the exact state can run: is a spike at step K tied
 * to batch K, or to the weights at step K? It rebuilds the exact state at the steps just before K and measures
 * the gradient norm of batch K (as training saw it, corrupted tokens included) at each of them, and the
 * gradient norm of the neighbouring batches at step K's weights. Batch K large everywhere: the data. Every
 * batch large at step K: the state (weights, curvature). Neither: the spike came from outside both — an
 * injected gradient, for instance.
 */
public final class BatchProbe {
    /** The measurements and their reading. */
    public record Verdict(long step, double[] batchAtNearbyWeights, long[] nearbySteps, double[] nearbyBatchesAtStep, long[] nearbyBatches,
                          double typicalNorm, boolean batchTied, boolean stateTied) {
        public String verdict() {
            return batchTied ? "batch-tied (data)" : stateTied ? "state-tied (weights/curvature)" : "neither (not reproduced by the data or the weights)";
        }

        public String summary() {
            return String.format(Locale.ROOT, "%s: batch %d has a gradient norm of %s at the weights of steps %d–%d; batches %d–%d at step %d's "
                    + "weights have %s (median %.4g); the run's norms before it are about %.4g", verdict(), step, fmt(batchAtNearbyWeights),
                    nearbySteps[0], nearbySteps[nearbySteps.length - 1], nearbyBatches[0], nearbyBatches[nearbyBatches.length - 1], step,
                    fmt(nearbyBatchesAtStep), Spikes.median(nearbyBatchesAtStep), typicalNorm);
        }

        private static String fmt(double[] v) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3g", v[i]));
            return sb.append(']').toString();
        }
    }

    /** How many steps and batches on each side the probe looks at. */
    public static final int REACH = 4;

    private BatchProbe() {}

    /** Probes step k of the run read by r, rebuilding states on the kind of device that recorded it. */
    public static Verdict probe(RunReader r, long k) throws RunFileException {
        check(r, k);
        long first = r.manifest().firstStep();
        List<Long> states = new ArrayList<>();
        for (long s = Math.max(first, k - REACH); s <= k; s++) states.add(s);
        String device = r.manifest().deviceKind() == null ? "cpu" : r.manifest().deviceKind();
        double[] batchK = new double[states.size()];
        Snapshot atK = null;
        for (int i = 0; i < states.size(); i++) {
            Snapshot s = Replay.stateAt(r.dir(), states.get(i), "recorded", null);
            batchK[i] = GradientProbe.norms(device, r.manifest().session(), s, new long[] {k}, new Spike[] {dataSpikeAt(r, k)})[0];
            if (states.get(i) == k) atK = s;
        }
        List<Long> batches = new ArrayList<>();
        for (long b = Math.max(0, k - REACH); b <= k + REACH; b++) if (b != k) batches.add(b);
        long[] bs = batches.stream().mapToLong(Long::longValue).toArray();
        Spike[] spikes = new Spike[bs.length];
        for (int i = 0; i < bs.length; i++) spikes[i] = dataSpikeAt(r, bs[i]);
        double[] others = GradientProbe.norms(device, r.manifest().session(), atK, bs, spikes);
        double typical = typicalNorm(r, k);
        // batch K stands apart at every nearby state (its smallest norm well above the others' largest): the data;
        // every batch is large at step K's weights: the state
        double batchMin = java.util.Arrays.stream(batchK).min().orElse(Double.NaN), othersMax = java.util.Arrays.stream(others).max().orElse(Double.NaN);
        boolean batchTied = batchMin > 2 * othersMax;
        boolean stateTied = !batchTied && Spikes.median(others) > 3 * typical;
        return new Verdict(k, batchK, states.stream().mapToLong(Long::longValue).toArray(), others,
                batches.stream().mapToLong(Long::longValue).toArray(), typical, batchTied, stateTied);
    }

    /** Refuses a step the probe cannot look at (an IllegalArgumentException saying why). */
    public static void check(RunReader r, long k) {
        long first = r.manifest().firstStep(), end = r.endStep();
        if (r.manifest().session() == null) throw new IllegalArgumentException("an imported run has no state to probe");
        if (k < first || k >= end) {
            throw new IllegalArgumentException("--probe " + k + ": outside the run's recorded steps " + first + "–" + (end - 1));
        }
    }

    /** A recorded spike at step k that changes the batch's data (tokens, inputs, targets), or null. */
    private static Spike dataSpikeAt(RunReader r, long k) {
        for (RunEvent e : r.events()) {
            if (e.type() == RunEvent.Type.SPIKE && e.step() == k) {
                Spike s = Spike.parse(e.value());
                return s.kind() == Spike.Kind.GRAD ? null : s;
            }
        }
        return null;
    }

    /** The median recorded pre-clip norm of the 50 steps before k. */
    private static double typicalNorm(RunReader r, long k) {
        List<Double> v = new ArrayList<>();
        for (long s = Math.max(r.manifest().firstStep(), k - 50); s < k; s++) {
            int at = r.index().positionOf(s);
            if (at < 0) continue;
            float p = r.index().valueAt(at, org.gradlab.record.Series.PRE_NORM);
            if (Float.isFinite(p)) v.add((double) p);
        }
        return v.isEmpty() ? Double.NaN : Spikes.median(v.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
