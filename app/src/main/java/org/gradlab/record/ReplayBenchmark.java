package org.gradlab.record;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How fast a recorded run opens and seeks: time to open it and draw a full-run overview of `width` buckets,
 * and the time to read random steps' full records (checksum + decode).
 */
public final class ReplayBenchmark {
    public record Result(int steps, long stepsBytes, double openOverviewMs, int buckets, double meanReadMs, double p99ReadMs,
                         double maxReadMs) {}

    private ReplayBenchmark() {}

    public static Result run(Path dir, int width, int reads) throws java.io.IOException {
        long t0 = System.nanoTime();
        RunReader r = RunReader.open(dir);
        Overview o = r.overview(width);
        double openMs = (System.nanoTime() - t0) / 1e6;
        try {
            int n = r.stepCount();
            if (n == 0) throw new RunFileException(dir, -1, "the run has no steps");
            SplittableRandom rng = new SplittableRandom(1);
            for (int i = 0; i < Math.min(200, reads); i++) r.step(r.index().stepAt(rng.nextInt(n))); // warm-up
            double[] t = new double[reads];
            for (int i = 0; i < reads; i++) {
                long k = r.index().stepAt(rng.nextInt(n));
                long a = System.nanoTime();
                r.step(k);
                t[i] = (System.nanoTime() - a) / 1e6;
            }
            double mean = Arrays.stream(t).average().orElse(Double.NaN);
            Arrays.sort(t);
            return new Result(n, Files.size(dir.resolve(RunFiles.STEPS)), openMs, o.buckets(), mean,
                    t[Math.min(t.length - 1, (int) (t.length * 0.99))], t[t.length - 1]);
        } finally {
            r.close();
        }
    }
}
