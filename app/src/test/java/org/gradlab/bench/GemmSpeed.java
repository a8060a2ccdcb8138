package org.gradlab.bench;

import org.gradlab.engine.Buf;
import org.gradlab.engine.CpuBackend;

/** Throughput of the CPU GEMM at the anchor models' shapes (a benchmark main, not a test). */
public final class GemmSpeed {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        boolean gpt = args.length > 1 && args[1].equals("gpt");
        int[][] shapes = gpt
                ? new int[][] {{2048, 384, 128, 0}, {2048, 128, 128, 0}, {2048, 512, 128, 0}, {2048, 128, 512, 0},
                    {384, 128, 2048, 1}, {128, 128, 2048, 1}, {512, 128, 2048, 1}, {128, 512, 2048, 1}, {2048, 128, 384, 0},
                    {64, 64, 32, 0}, {64, 32, 64, 0}, {64, 32, 64, 1}}
                : new int[][] {{2048, 1024, 64, 0}, {32, 1024, 256, 0}, {1024, 256, 2048, 1}, {2048, 256, 1024, 0},
                    {2048, 384, 128, 0}, {128, 512, 2048, 1}, {2048, 65, 128, 0}, {64, 64, 32, 0}};
        try (CpuBackend be = new CpuBackend(threads)) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                boolean tn = s[3] == 1;
                Buf a = be.alloc(m * k), b = be.alloc(k * n), c = be.alloc(m * n);
                float[] init = new float[Math.max(m * k, k * n)];
                for (int i = 0; i < init.length; i++) init[i] = (float) Math.sin(i);
                be.upload(init, 0, a, 0, m * k);
                be.upload(init, 0, b, 0, k * n);
                long flops = 2L * m * n * k;
                int reps = (int) Math.max(10, 3e9 / flops);
                double best = 0;
                for (int round = 0; round < 5; round++) {
                    long t0 = System.nanoTime();
                    for (int r = 0; r < reps; r++) {
                        if (tn) be.gemm(m, n, k, a, 0, 1, m, b, 0, n, c, 0, n, true);
                        else be.gemm(m, n, k, a, 0, k, 1, b, 0, n, c, 0, n, false);
                    }
                    double g = flops * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
                    best = Math.max(best, g);
                }
                System.out.printf("M=%5d N=%5d K=%5d %s  %6.1f GFLOP/s%n", m, n, k, tn ? "TN" : "NN", best);
            }
        }
    }
}
