package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.Backend;
import org.gradlab.optim.Optimizer;
import org.gradlab.optim.OptimizerConfig;

import java.util.Arrays;

/**
 * Times full training steps (batch load, forward, backward, clip, the optimizer) of an anchor model after warm-up,
 * three ways: as the PyTorch anchor script runs it (clip_grad_norm_ 1.0) with GradLab's full telemetry
 * (histograms, per-layer norms, update ratios, gradients through time), the same clipped step without telemetry
 * (so telemetry's own cost is the difference), and bare (no clipping, no telemetry). Rounds alternate so
 * drifting machine load hits all alike, and the arms take turns at going first; each of those steps is timed to
 * its end, report included. Then the full step once more as a training run makes it: consecutive queued steps,
 * each step's report completed by the next step's copy (on a GPU one copy per step instead of two; the same work
 * on the CPU).
 */
public final class Benchmark {
    /**
     * One model's figures; ms values are means over the timed steps.
     *
     * @param telemetryMarginPercent half the width of a 95% interval around {@link #telemetryPercent()}: from the
     *                               rounds' paired differences (full − clipped, timed back to back, so the machine's
     *                               drift between rounds cancels); NaN under two rounds
     * @param optimizer              the step's optimizer: Adam at lr 1e-3 as torch_cpu_bench.py, SGD for Pascanu's
     */
    public record Result(String model, int params, int steps, double msPerStep, double msMedian, double msClipped,
                         double msBare, double msRecorded, int recordBytesPerStep, double msInRun,
                         double telemetryMarginPercent, OptimizerConfig optimizer) {
        /** Extra time of recording every step over the same step unrecorded, in percent (NaN if not measured). */
        public double recordOverheadPercent() {
            return 100.0 * (msRecorded / msPerStep - 1);
        }

        public double stepsPerSecond() {
            return 1000.0 / msPerStep;
        }

        /** Extra time of telemetry over the same clipped step without it, in percent. */
        public double telemetryPercent() {
            return 100.0 * (msPerStep / msClipped - 1);
        }

        /** Extra time of clipping + telemetry over the bare step, in percent. */
        public double overheadPercent() {
            return 100.0 * (msPerStep / msBare - 1);
        }
    }

    private Benchmark() {}

    /** A step listener that records (the recorder lives in a higher package, so it comes in as a function). */
    public interface StepSink extends java.util.function.Consumer<org.gradlab.telemetry.StepStats> {
        /** Bytes written so far. */
        long bytes();
    }

    /**
     * Untimed rounds before the timed ones: at least `steps`; then, up to `forNanos`, more while fewer than `upTo`
     * have run or the JIT compiled something in the last `quietNanos`. HotSpot compiles a method with C2 only after
     * hundreds of calls, and a kernel called a few times a step (the rnn-adding model's output product, whose one
     * column takes the GEMM's tail kernel, four calls a step) runs its vectors boxed in the first tiers until then:
     * after five warm-up rounds rnn-adding's full step timed 6-12 ms, after sixty 2.5-3.3 ms. A step under a
     * millisecond makes sixty rounds in a tenth of a second: Pascanu's full step still took 1.7-2.0 ms 600 steps
     * into its timing, and after two seconds of rounds its first timed steps took 13 ms while the JIT still
     * compiled: its telemetry read +7-16%, where warmed until the JIT had gone quiet it reads about 3%.
     */
    public record Warmup(int steps, int upTo, long quietNanos, long forNanos) {
        /** The bench's default: 5 rounds, then up to 60 and until the JIT has been quiet for 1 s, within 20 s. */
        public static final Warmup AUTO = new Warmup(5, 60, 1_000_000_000L, 20_000_000_000L);

        public static Warmup steps(int n) {
            return new Warmup(n, n, 0, 0);
        }

        /** Another round after `done`, the first begun at startNanos, the JIT's last compilation seen at lastCompileNanos? */
        boolean more(int done, long startNanos, long lastCompileNanos) {
            long now = System.nanoTime();
            return done < steps || (done < upTo || now - lastCompileNanos < quietNanos) && now - startNanos < forNanos;
        }

        @Override
        public String toString() {
            return upTo == steps ? String.valueOf(steps)
                    : steps + " to " + upTo + " (then until the JIT is quiet for " + quietNanos / 1_000_000_000 + " s, up to "
                    + forNanos / 1_000_000_000 + " s)";
        }
    }

    /** When the JIT last compiled anything, as far as its total compilation time shows (never, where the JVM does not say). */
    private static final class JitClock {
        private final java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        private long millis = millis(), at = System.nanoTime();

        private long millis() {
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        }

        long lastCompileNanos() {
            long m = millis();
            if (m != millis) {
                millis = m;
                at = System.nanoTime();
            }
            return at;
        }
    }

    public static Result run(Backend be, String name, int warmup, int steps) {
        return run(be, name, Warmup.steps(warmup), steps, null);
    }

    public static Result run(Backend be, String name, Warmup warmup, int steps, java.util.function.Function<org.gradlab.engine.ParamLayout, StepSink> recorder) {
        AnchorModels.Anchor a = AnchorModels.create(name, be, 0);
        Optimizer opt = optimizer(a);
        StepRunner full = fullStep(a, opt);
        StepRunner bare = new StepRunner(a.model(), opt, ClipSpec.parse("none"), NonFinitePolicy.PROPAGATE);
        bare.setTelemetry(false);
        StepRunner clipped = new StepRunner(a.model(), opt, ClipSpec.parse("norm:1.0"), NonFinitePolicy.PROPAGATE);
        clipped.setTelemetry(false);
        long k = 0, warmStart = System.nanoTime();
        JitClock jit = new JitClock();
        for (int i = 0; warmup.more(i, warmStart, jit.lastCompileNanos()); i++) {
            for (StepRunner r : new StepRunner[] {full, clipped, bare}) {
                r.run(k, a.batches().apply(k));
                k++;
            }
        }
        StepSink sink = recorder == null ? null : recorder.apply(full.model().params().layout());
        double[] tFull = new double[steps], tClipped = new double[steps], tBare = new double[steps], tRec = new double[steps];
        // a GPU backend queues work: each timed step ends when the device is done with it (a no-op on the CPU)
        be.synchronize();
        StepRunner[] arms = {full, clipped, bare};
        double[][] times = {tFull, tClipped, tBare};
        for (int i = 0; i < steps; i++) {
            // the arms take turns at going first: a fixed order charged whatever the previous arm left behind
            // (caches, a collection it made due) to the same arm every round
            for (int j = 0; j < 3; j++) {
                int arm = (i + j) % 3;
                long t0 = System.nanoTime();
                arms[arm].run(k, a.batches().apply(k));
                k++;
                be.synchronize();
                times[arm][i] = (System.nanoTime() - t0) / 1e6;
            }
            if (sink != null) {
                long t3 = System.nanoTime();
                sink.accept(full.run(k, a.batches().apply(k)));
                k++;
                be.synchronize();
                tRec[i] = (System.nanoTime() - t3) / 1e6;
            }
        }
        long tq = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            full.queue(k, a.batches().apply(k), 1.0);
            k++;
            full.completed();
        }
        full.drain();
        be.synchronize();
        double msInRun = (System.nanoTime() - tq) / 1e6 / steps;
        double meanFull = Arrays.stream(tFull).average().orElse(Double.NaN);
        double meanClipped = Arrays.stream(tClipped).average().orElse(Double.NaN);
        double meanBare = Arrays.stream(tBare).average().orElse(Double.NaN);
        double meanRec = sink == null ? Double.NaN : Arrays.stream(tRec).average().orElse(Double.NaN);
        int bytes = sink == null ? 0 : (int) (sink.bytes() / steps);
        double margin = marginPercent(tFull, tClipped);
        Arrays.sort(tFull);
        return new Result(name, a.model().params().size(), steps, meanFull, tFull[steps / 2], meanClipped, meanBare, meanRec,
                bytes, msInRun, margin, a.optimizer());
    }

    /** Where a full step's time goes: `steps` full steps (after `warmup`) with every backend call timed. */
    public record Profile(org.gradlab.engine.OpProfile ops, int steps, double wallMsPerStep) {}

    /**
     * The full step of {@link #run} (clip norm:1.0, full telemetry) on a backend that times each call to its end
     * ({@link org.gradlab.engine.OpProfile}); the wall time per step is slower than the timed steps' by the
     * timing itself (a few µs a call; on a GPU, each call's wait).
     */
    public static Profile profile(Backend be, String name, Warmup warmup, int steps) {
        org.gradlab.engine.OpProfile ops = new org.gradlab.engine.OpProfile();
        AnchorModels.Anchor a = AnchorModels.create(name, org.gradlab.engine.OpProfile.timing(be, ops), 0);
        StepRunner full = fullStep(a, optimizer(a));
        long k = 0, warmStart = System.nanoTime();
        JitClock jit = new JitClock();
        for (int i = 0; warmup.more(i, warmStart, jit.lastCompileNanos()); i++, k++) full.run(k, a.batches().apply(k));
        be.synchronize();
        ops.record(true);
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++, k++) full.run(k, a.batches().apply(k));
        be.synchronize();
        double wall = (System.nanoTime() - t0) / 1e6 / steps;
        ops.record(false);
        return new Profile(ops, steps, wall);
    }

    /** The anchor's optimizer: Adam at lr 1e-3 as torch_cpu_bench.py, SGD for Pascanu's step. */
    private static Optimizer optimizer(AnchorModels.Anchor a) {
        return new Optimizer(a.model().params(), a.optimizer());
    }

    /** The step the PyTorch script times (clip_grad_norm_ 1.0), with GradLab's full telemetry. */
    private static StepRunner fullStep(AnchorModels.Anchor a, Optimizer opt) {
        return new StepRunner(a.model(), opt, ClipSpec.parse("norm:1.0"), NonFinitePolicy.PROPAGATE);
    }

    /**
     * 1.96 standard errors of the mean paired difference a[i] − b[i], in percent of b's mean: the ± of
     * 100·(mean a / mean b − 1). A 3% cost read from one sitting means little when this is 3 too.
     */
    static double marginPercent(double[] a, double[] b) {
        int n = a.length;
        if (n < 2) return Double.NaN;
        double mean = 0, meanB = 0;
        for (int i = 0; i < n; i++) {
            mean += a[i] - b[i];
            meanB += b[i];
        }
        mean /= n;
        meanB /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (a[i] - b[i] - mean) * (a[i] - b[i] - mean);
        return 100 * 1.96 * Math.sqrt(ss / (n - 1) / n) / meanB;
    }
}
