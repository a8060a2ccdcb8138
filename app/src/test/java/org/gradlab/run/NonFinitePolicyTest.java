package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.CpuBackend;
import org.gradlab.model.CellType;
import org.gradlab.model.LossKind;
import org.gradlab.model.SequenceModel;
import org.gradlab.model.SequenceModelConfig;
import org.gradlab.optim.Optimizer;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.task.Batch;
import org.gradlab.telemetry.StepStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** propagate / skip / stop on a batch whose input contains NaN (so loss and gradients are NaN). */
class NonFinitePolicyTest {
    static final CpuBackend BE = new CpuBackend(1);

    @AfterAll
    static void close() {
        BE.close();
    }

    private static StepRunner runner(NonFinitePolicy p) {
        SequenceModel m = new SequenceModel(BE, new SequenceModelConfig(CellType.LSTM, 2, 0, 0, 4, 1, 1, false, LossKind.MSE, 2, 3));
        m.params().initialize(new SplittableRandom(1));
        return new StepRunner(m, new Optimizer(m.params(), OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 0.1)),
                ClipSpec.parse("norm:1"), p);
    }

    private static Batch batch(boolean poison) {
        float[] x = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f, 1.1f, 1.2f};
        if (poison) x[3] = Float.NaN;
        return new Batch(2, 3, x, null, new float[] {0.5f, 0.25f}, null);
    }

    @Test
    void propagateLetsTheOptimizerSeeNaNAndReportsIt() {
        StepRunner r = runner(NonFinitePolicy.PROPAGATE);
        StepStats s = r.run(0, batch(true));
        assertTrue(s.clip().nonFinite() > 0);
        assertFalse(s.skipped());
        assertEquals(1, r.optimizer().steps());
        boolean anyNaN = false;
        for (float w : r.model().params().readParams()) anyNaN |= Float.isNaN(w);
        assertTrue(anyNaN, "PyTorch semantics: NaN reaches the weights");
    }

    @Test
    void skipKeepsWeightsAndOptimizerStateAndCounts() {
        StepRunner r = runner(NonFinitePolicy.SKIP);
        r.run(0, batch(false));
        float[] before = r.model().params().readParams();
        float[][] opt = r.optimizer().saveState();
        StepStats s = r.run(1, batch(true));
        assertTrue(s.skipped());
        assertEquals(1, r.skippedSteps());
        assertArrayEquals(before, r.model().params().readParams());
        assertArrayEquals(opt[1], r.optimizer().saveState()[1]);
        assertEquals(1, r.optimizer().steps());
        StepStats ok = r.run(2, batch(false));
        assertFalse(ok.skipped());
        assertEquals(2, r.optimizer().steps());
    }

    @Test
    void stopEndsTheRunWithAMessage() {
        StepRunner r = runner(NonFinitePolicy.STOP);
        StepRunner.NonFiniteStop e = assertThrows(StepRunner.NonFiniteStop.class, () -> r.run(7, batch(true)));
        assertTrue(e.getMessage().contains("step 7"), e.getMessage());
        assertEquals(0, r.optimizer().steps());
    }
}
