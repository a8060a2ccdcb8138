package org.gradlab.engine;

import java.util.SplittableRandom;

/** Standard normal draws by Box–Muller, written out so a seed means the same numbers on every JDK. */
public final class Gaussian {
    private Gaussian() {}

    public static double next(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        while (u1 <= 0) u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
