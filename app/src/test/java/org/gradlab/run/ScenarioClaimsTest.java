package org.gradlab.run;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Every teaching scenario, run headlessly (its runs and the variants its text names), holds to every claim it
 * makes: a lesson that stopped being true fails the build instead of being taught.
 */
class ScenarioClaimsTest {
    @TestFactory
    List<DynamicTest> everyScenarioKeepsItsClaims() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario s : Scenario.all()) {
            assertFalse(s.claims().isEmpty(), "'" + s.title() + "' states what to look for as claims a test can check");
            tests.add(DynamicTest.dynamicTest(s.title(), () -> {
                ScenarioCheck.Results r = ScenarioCheck.run(s, 2, 4000);
                for (ScenarioCheck.Outcome o : ScenarioCheck.check(s, r)) {
                    assertNull(o.failure(), s.title() + ": '" + o.claim().text() + "' — but " + o.failure());
                }
            }));
        }
        return tests;
    }
}
