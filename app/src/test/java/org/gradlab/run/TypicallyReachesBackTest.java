package org.gradlab.run;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The median reading over a window: one wild step does not decide it, NaN steps (not measured) do not count. */
class TypicallyReachesBackTest {
    private static ScenarioCheck.Results results(float... reach) {
        int n = reach.length;
        Evaluation e = new Evaluation(n, 10, 0.5, 1, "test");
        return new ScenarioCheck.Results(Map.of("r", new ScenarioCheck.RunResult("r", new float[n], new float[n], new boolean[n],
                new boolean[n], reach, new float[n], e, e)));
    }

    @Test
    void theMedianDecidesNotOneStep() {
        ScenarioCheck.Results r = results(1e-3f, 5f, 2e-3f, Float.NaN, 1e-4f, 3e-3f);
        Claim.Verdict low = new Claim.TypicallyReachesBack("r", 0, 5, 0, 0.01).judge(r);
        assertTrue(low.held(), low.shown());
        assertEquals("it is 0.00200 (5 steps)", low.shown(), "median of the five measured steps, the spike at 5 included");
        assertFalse(new Claim.TypicallyReachesBack("r", 0, 5, 1, Double.POSITIVE_INFINITY).judge(r).held());
        assertTrue(new Claim.TypicallyReachesBack("r", 1, 1, 1, Double.POSITIVE_INFINITY).judge(r).held(), "a window of the spike alone");
        assertFalse(new Claim.TypicallyReachesBack("r", 3, 3, 0, 1).judge(r).held(), "no measured step: no verdict for it");
    }
}
