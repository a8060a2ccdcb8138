package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.optim.OptimizerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fork branch's text form and the config it makes, for the keys a branch can change. */
class ForkVariantTest {
    private static SessionConfig base(String model, double omega) {
        RunConfig rc = new RunConfig(model, "temporal-order", 16, 1, 8, 16, 2, 4, 20,
                OptimizerConfig.defaults(OptimizerConfig.Kind.SGD, 0.05), RunConfig.DEFAULT_INIT, 1, omega);
        return new SessionConfig(rc, ClipSpec.parse("norm:1"), NonFinitePolicy.PROPAGATE, 100, List.of(), 0, true);
    }

    @Test
    void aBranchCanTakeOnOrDropPascanusRegulariser() {
        ClipSpec parent = ClipSpec.parse("norm:1");
        ForkVariant on = ForkVariant.parse("omega=4", parent);
        assertEquals(4.0, on.omega());
        assertEquals("norm:1 omega=4", on.label(), "the label (and so the branch's folder) names it");
        SessionConfig b = on.apply(base("rnn", 0), parent, 50, 100);
        assertEquals(4.0, b.run().omega());
        assertEquals(150, b.steps());
        assertEquals(0.0, ForkVariant.parse("omega=0", parent).apply(base("rnn", 4), parent, 50, 10).run().omega(), "omega=0 drops it");
        ForkVariant other = ForkVariant.parse("lr=0.01", parent);
        assertNull(other.omega());
        assertEquals(4.0, other.apply(base("rnn", 4), parent, 50, 10).run().omega(), "a branch that does not name it keeps the parent's");
        assertEquals(0.5, ForkVariant.parse("omega=0.5,clip=none", parent).omega());
    }

    @Test
    void impossibleWeightsAndModelsAreRefused() {
        ClipSpec parent = ClipSpec.parse("norm:1");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ForkVariant.parse("omega=-1", parent)).getMessage().contains("omega"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ForkVariant.parse("omega=x", parent)).getMessage().contains("not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ForkVariant.parse("omega=Infinity", parent)).getMessage().contains("omega"));
        ForkVariant on = ForkVariant.parse("omega=4", parent);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> on.apply(base("gru", 0), parent, 0, 10)).getMessage()
                .contains("vanilla RNNs"));
    }
}
