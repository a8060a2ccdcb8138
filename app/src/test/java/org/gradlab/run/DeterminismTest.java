package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.CpuBackend;
import org.gradlab.optim.OptimizerConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Same seed and config ⇒ bit-identical losses (two threads, so work splitting must not change sums). */
class DeterminismTest {
    private static float[] losses(String model, String task, long seed, int steps) {
        RunConfig d = RunConfig.defaults(model, task);
        RunConfig cfg = new RunConfig(model, task, 24, 2, 16, 16, 2, 8, task.equals("charlm") ? 16 : 20,
                OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 3e-3), d.init(), seed);
        try (CpuBackend be = new CpuBackend(2)) {
            Trainer t = new Trainer(be, cfg, ClipSpec.parse("norm:0.5"), NonFinitePolicy.PROPAGATE);
            float[] out = new float[steps];
            for (int i = 0; i < steps; i++) out[i] = t.trainStep().loss();
            return out;
        }
    }

    @Test
    void sameSeedSameLossesBitForBit() {
        for (String[] mt : new String[][] {{"rnn", "adding"}, {"lstm", "charlm"}, {"gru", "temporal-order"}, {"gpt", "charlm"}}) {
            float[] a = losses(mt[0], mt[1], 42, 25), b = losses(mt[0], mt[1], 42, 25);
            assertArrayEquals(a, b, mt[0] + "/" + mt[1]);
        }
    }

    @Test
    void otherSeedOtherLosses() {
        assertNotEquals(losses("lstm", "charlm", 1, 3)[0], losses("lstm", "charlm", 2, 3)[0]);
    }
}
