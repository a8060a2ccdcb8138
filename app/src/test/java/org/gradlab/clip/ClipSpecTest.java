package org.gradlab.clip;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipSpecTest {
    @Test
    void refusesImpossibleSettingsWithTheGrammar() {
        String[] bad = {"", "norm", "norm:0", "norm:-1", "norm:nan", "norm:NaN", "norm:inf", "norm:1:3", "norm:1:2:3",
            "value:0", "value:-0.5", "tensor-norm:0", "agc:0", "agc:0.01:0", "agc:0.01:-1", "autoclip:0",
            "autoclip:101", "autoclip:50:0", "autoclip:50:2.5", "zclip:0", "zclip:2.5:1", "zclip:2.5:0",
            "zclip:2.5:1.5", "bogus:1", "none:1", "norm:abc", "agc:0.01:0.001:head"};
        for (String s : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClipSpec.parse(s), s);
            assertTrue(e.getMessage().contains("expected one of"), "message shows the grammar: " + e.getMessage());
            assertTrue(e.getMessage().contains("norm:C[:2|1|inf]"));
        }
    }

    @Test
    void parsesAndPrintsCanonically() {
        String[][] cases = {{"none", "none"}, {"norm:1.0", "norm:1"}, {"NORM:0.5:inf", "norm:0.5:inf"}, {"norm:5:1", "norm:5:1"},
            {"norm:2:2", "norm:2"}, {"tensor-norm:0.5", "tensor-norm:0.5"}, {"value:0.1", "value:0.1"},
            {"agc:0.01", "agc:0.01"}, {"agc:0.05:0.5", "agc:0.05:0.5"}, {"agc:0.01:0.001:nohead", "agc:0.01:0.001:nohead"}, {"autoclip:10", "autoclip:10"},
            {"autoclip:90:1000", "autoclip:90:1000"}, {"zclip", "zclip:2.5"}, {"zclip:3:0.9", "zclip:3:0.9"}};
        for (String[] c : cases) {
            ClipSpec s = ClipSpec.parse(c[0]);
            assertEquals(c[1], s.toText(), c[0]);
            assertEquals(s, ClipSpec.parse(s.toText()));
        }
        assertEquals(Double.POSITIVE_INFINITY, ClipSpec.parse("norm:1:inf").extra());
        assertEquals(1e-3, ClipSpec.parse("agc:0.1").extra());
    }

    @Test
    void agcNoheadLeavesTheHeadAlone() {
        org.gradlab.engine.ParamLayout.Builder lb = new org.gradlab.engine.ParamLayout.Builder();
        lb.add("rnn.w", "rnn.l0", org.gradlab.engine.InitRule.constant(0), 2, 2);
        lb.add("head.weight", "head", org.gradlab.engine.InitRule.constant(0), 1, 2);
        org.gradlab.engine.ParamStore store = new org.gradlab.engine.ParamStore(ClipTestSupport.BE, lb.build());
        store.writeParams(new float[] {1, 0, 0, 1, 1, 1});
        for (String spec : new String[] {"agc:0.01", "agc:0.01:0.001:nohead"}) {
            ClipTestSupport.BE.upload(new float[] {5, 5, 5, 5, 5, 5}, 0, store.grads(), 0, 6);
            ClipStrategy.parse(spec).apply(new GradientSegments(store));
            float[] g = store.readGrads();
            assertTrue(g[0] < 1, spec + " clips the recurrent weight");
            assertEquals(spec.endsWith("nohead"), g[4] == 5f, spec + ": head clipped unless nohead");
        }
    }
}
