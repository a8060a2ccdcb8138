package org.gradlab.run;

import org.gradlab.engine.Backend;
import org.gradlab.optim.Optimizer;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.task.Batch;

import java.util.Arrays;

/** Times full training steps (batch load, forward, backward, Adam) of an anchor model after warm-up. */
public final class Benchmark {
    /** One model's figures; msPerStep is the mean, msMedian the median of per-step times. */
    public record Result(String model, int params, int steps, double msPerStep, double msMedian, double stepsPerSecond) {}

    private Benchmark() {}

    public static Result run(Backend be, String name, int warmup, int steps) {
        AnchorModels.Anchor a = AnchorModels.create(name, be, 0);
        Optimizer opt = new Optimizer(a.model().params(), OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 1e-3));
        long k = 0;
        for (int i = 0; i < warmup; i++) step(a, opt, k++);
        double[] times = new double[steps];
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            step(a, opt, k++);
            times[i] = (System.nanoTime() - t0) / 1e6;
        }
        double total = (System.nanoTime() - start) / 1e6;
        Arrays.sort(times);
        double mean = total / steps;
        return new Result(name, a.model().params().size(), steps, mean, times[steps / 2], 1000.0 / mean);
    }

    private static void step(AnchorModels.Anchor a, Optimizer opt, long k) {
        Batch b = a.batches().apply(k);
        a.model().load(b.features(), b.tokens(), b.targets(), b.targetIds());
        a.model().forwardBackward();
        opt.step();
    }
}
