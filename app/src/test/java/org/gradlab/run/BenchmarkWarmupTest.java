package org.gradlab.run;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How many untimed rounds the bench runs before it times any (see Benchmark.Warmup). */
class BenchmarkWarmupTest {
    @Test
    void aGivenCountIsExactlyThatMany() {
        Benchmark.Warmup w = Benchmark.Warmup.steps(3);
        long now = System.nanoTime();
        assertTrue(w.more(2, now, now));
        assertFalse(w.more(3, now, now), "a given count ignores the JIT");
        assertFalse(Benchmark.Warmup.steps(0).more(0, now, now));
        assertEquals("3", w.toString());
    }

    @Test
    void theDefaultRunsFiveThenUpToSixtyAndUntilTheJitIsQuietWithinTwentySeconds() {
        Benchmark.Warmup w = Benchmark.Warmup.AUTO;
        long now = System.nanoTime(), longAgo = now - 21_000_000_000L, threeAgo = now - 3_000_000_000L;
        assertTrue(w.more(4, longAgo, now), "five rounds whatever they cost");
        assertFalse(w.more(5, longAgo, now), "then none once twenty seconds have passed, the JIT busy or not");
        assertTrue(w.more(59, now, threeAgo), "while they have not, up to sixty");
        assertTrue(w.more(5_000, threeAgo, now - 500_000_000L), "past sixty while the JIT compiled within the last second");
        assertFalse(w.more(60, threeAgo, now - 1_500_000_000L), "sixty rounds and the JIT quiet for a second: done");
        assertEquals("5 to 60 (then until the JIT is quiet for 1 s, up to 20 s)", w.toString());
    }
}
