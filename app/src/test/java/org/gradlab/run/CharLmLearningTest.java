package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.CpuBackend;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.task.CharLmTask;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Learning, not just running: an LSTM on the bundled corpus beats the unigram entropy by far in 300 steps. */
class CharLmLearningTest {
    @Test
    void lstmLossFallsWellBelowUnigramEntropy() {
        RunConfig cfg = new RunConfig("lstm", "charlm", 128, 1, 32, 128, 4, 32, 32,
                OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 3e-3), RunConfig.DEFAULT_INIT, 7);
        try (CpuBackend be = new CpuBackend(2)) {
            Trainer t = new Trainer(be, cfg, ClipSpec.parse("norm:1"), NonFinitePolicy.STOP);
            double unigram = ((CharLmTask) t.task()).corpus().unigramEntropy();
            double before = t.evaluate(4 * cfg.batch()).meanLoss();
            for (int i = 0; i < 300; i++) t.trainStep();
            double after = t.evaluate(8 * cfg.batch()).meanLoss();
            assertTrue(before > unigram, "an untrained model is worse than unigram: " + before + " vs " + unigram);
            assertTrue(after < 0.7 * unigram, "held-out loss " + after + " nats should be well below the unigram entropy " + unigram);
        }
    }
}
