package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's fp32 fused-multiply-add peak, measured: a loop of independent vector FMAs (enough accumulators
 * to cover the FMA units' latency) on one core, then on every core at once, after a warm-up. The roofline
 * `bench --peak` holds the models against. Without the Vector API it measures the scalar loop and says so.
 */
public final class FmaPeak {
    /** GFLOP/s on one core and on `threads` cores together, the vector width in floats (1: scalar). */
    public record Peak(double oneCore, double allCores, int threads, int lanes) {}

    private FmaPeak() {}

    public static Peak measure(int threads) {
        int lanes = VectorSupport.ENABLED ? Vec.lanes() : 1;
        one(400_000_000L); // warm-up: compiled and on its clock
        double single = 0, all = 0;
        for (int round = 0; round < 3; round++) { // the best of three: a shared machine only ever slows a loop down
            single = Math.max(single, gflops(1, 2_000_000_000L)); // ~0.1 s of vector FMAs: long enough to time
            all = Math.max(all, gflops(threads, 2_000_000_000L));
        }
        return new Peak(single, all, threads, lanes);
    }

    private static double gflops(int threads, long iters) {
        Thread[] ts = new Thread[threads];
        long[] flops = new long[threads];
        for (int i = 0; i < threads; i++) {
            int k = i;
            ts[i] = new Thread(() -> flops[k] = one(iters), "fma-peak-" + i);
        }
        long t0 = System.nanoTime();
        for (Thread t : ts) t.start();
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long total = 0;
        for (long f : flops) total += f;
        return total / s / 1e9;
    }

    /** FLOPs done: 2 per lane per FMA. */
    private static long one(long iters) {
        return VectorSupport.ENABLED ? Vec.run(iters) : scalar(iters / 16); // the same time, about, without vectors
    }

    private static volatile float sink;

    private static long scalar(long iters) {
        float a0 = 1, a1 = 1, a2 = 1, a3 = 1, a4 = 1, a5 = 1, a6 = 1, a7 = 1, m = 0.9999999f, c = 1e-7f;
        for (long i = 0; i < iters; i++) {
            a0 = Math.fma(a0, m, c); a1 = Math.fma(a1, m, c); a2 = Math.fma(a2, m, c); a3 = Math.fma(a3, m, c);
            a4 = Math.fma(a4, m, c); a5 = Math.fma(a5, m, c); a6 = Math.fma(a6, m, c); a7 = Math.fma(a7, m, c);
        }
        sink = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
        return iters * 8 * 2;
    }

    /** The vector loop, in a class of its own so the incubator module is touched only when present. */
    private static final class Vec {
        static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

        static int lanes() {
            return S.length();
        }

        static long run(long iters) {
            FloatVector m = FloatVector.broadcast(S, 0.9999999f), c = FloatVector.broadcast(S, 1e-7f);
            FloatVector a0 = FloatVector.broadcast(S, 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
            long n = iters / S.length();
            for (long i = 0; i < n; i++) { // ten chains: more than latency × units on the cores this runs on
                a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c); a4 = a4.fma(m, c);
                a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c); a8 = a8.fma(m, c); a9 = a9.fma(m, c);
            }
            sink = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
            return n * 10L * S.length() * 2;
        }
    }
}
