package org.gradlab.task;

/**
 * SplitMix64: a tiny, reseedable generator, so batch k of a seeded run is drawn from {@code reseed(seed, k)}
 * alone. The data cursor is then just k: forks and replays get identical batches, and nothing is allocated.
 */
public final class Rng {
    private long state;

    public Rng(long seed) {
        state = seed;
    }

    /** Restarts the stream for (seed, stream index). */
    public Rng reseed(long seed, long index) {
        state = mix(seed ^ mix(index + 0x632BE59BD9B4E019L));
        return this;
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive");
        return (int) ((nextLong() >>> 33) * bound >>> 31);
    }

    /** Uniform in [lo, hi). */
    public int nextInt(int lo, int hi) {
        return lo + nextInt(hi - lo);
    }

    /** Standard normal (Box–Muller). */
    public double nextGaussian() {
        double u1 = nextDouble();
        while (u1 <= 0) u1 = nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * nextDouble());
    }
}
