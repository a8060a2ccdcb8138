package org.gradlab.model;

import org.gradlab.engine.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A loss on the sequence's last step only (the adding and temporal-order tasks): the top layer's output gradient is
 * set at that step, and its earlier steps — which the previous backward left full — must count as zero. A model that
 * has already taken a step gives the gradient a fresh one gives, bit for bit, for every cell, one layer and two, on
 * one thread and two.
 */
class LastStepLossTest {
    @Test
    void aSecondStepsGradientIgnoresWhatTheFirstLeft() {
        int cases = 0;
        for (int threads : new int[] {1, 2}) {
            for (CellType cell : CellType.values()) {
                for (int layers = 1; layers <= 2; layers++) {
                    // 20 × 50: Pascanu's temporal-order size, where the recurrence runs whole tiles
                    int batch = layers == 1 ? 20 : 5, hidden = layers == 1 ? 50 : 17;
                    SequenceModelConfig cfg = new SequenceModelConfig(cell, 3, 0, 0, hidden, layers, 2, false, LossKind.MSE,
                            batch, 9);
                    try (CpuBackend a = new CpuBackend(threads); CpuBackend b = new CpuBackend(threads)) {
                        SequenceModel used = new SequenceModel(a, cfg), fresh = new SequenceModel(b, cfg);
                        used.params().initialize(new SplittableRandom(4));
                        fresh.params().initialize(new SplittableRandom(4));
                        SplittableRandom data = new SplittableRandom(cases);
                        float[] x1 = rand(data, batch * 9 * 3), y1 = rand(data, batch * 2);
                        float[] x2 = rand(data, batch * 9 * 3), y2 = rand(data, batch * 2);
                        used.load(x1, null, y1, null);
                        used.forwardBackward();
                        used.load(x2, null, y2, null);
                        float lossUsed = used.forwardBackward();
                        fresh.load(x2, null, y2, null);
                        float lossFresh = fresh.forwardBackward();
                        String what = cell + ", " + layers + " layer(s), " + threads + " thread(s)";
                        assertEquals(Float.floatToRawIntBits(lossFresh), Float.floatToRawIntBits(lossUsed), what + ": loss");
                        float[] want = fresh.params().readGrads(), got = used.params().readGrads();
                        for (int i = 0; i < want.length; i++) {
                            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                                    what + ": gradient " + i + " " + want[i] + " vs " + got[i]);
                        }
                        cases++;
                    }
                }
            }
        }
        assertEquals(2 * CellType.values().length * 2, cases);
    }

    private static float[] rand(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rng.nextDouble() * 2 - 1);
        return v;
    }
}
