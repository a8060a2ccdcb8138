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
        assertTrue(w.more(2, now));
        assertFalse(w.more(3, now));
        assertFalse(Benchmark.Warmup.steps(0).more(0, now));
        assertEquals("3", w.toString());
    }

    @Test
    void theDefaultRunsFiveThenUpToSixtyWhileTenSecondsHaveNotPassed() {
        Benchmark.Warmup w = Benchmark.Warmup.AUTO;
        long now = System.nanoTime(), longAgo = now - 11_000_000_000L;
        assertTrue(w.more(4, longAgo), "five rounds whatever they cost");
        assertFalse(w.more(5, longAgo), "then none once ten seconds have passed");
        assertTrue(w.more(59, now), "while they have not, up to sixty");
        assertFalse(w.more(60, now));
        assertEquals("5 to 60 (for up to 10 s)", w.toString());
    }
}
