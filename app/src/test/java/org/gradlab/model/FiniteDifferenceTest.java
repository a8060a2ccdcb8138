package org.gradlab.model;

import org.gradlab.engine.CpuBackend;
import org.gradlab.engine.ParamStore;
import org.gradlab.engine.ParamTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Central finite differences against the analytical gradient, one random direction per parameter tensor
 * (so each layer's weights are checked on their own), on random small shapes of every layer type and
 * loss: tanh RNN / LSTM / GRU (1–2 layers, float or token input, last-step MSE or CE, every-step CE) and
 * the GPT (LayerNorm, attention, exact and tanh GELU, embeddings, CE).
 */
class FiniteDifferenceTest {
    static final CpuBackend BE = new CpuBackend(2);

    @AfterAll
    static void close() {
        BE.close();
    }

    @Test
    void recurrentModels() {
        SplittableRandom rng = new SplittableRandom(3);
        for (CellType cell : CellType.values()) {
            for (int variant = 0; variant < 3; variant++) {
                int b = 2 + rng.nextInt(3), t = 3 + rng.nextInt(4), h = 3 + rng.nextInt(5), layers = 1 + variant % 2;
                SequenceModelConfig cfg = switch (variant) {
                    case 0 -> new SequenceModelConfig(cell, 3, 0, 0, h, layers, 2, false, LossKind.MSE, b, t);
                    case 1 -> new SequenceModelConfig(cell, 0, 7, 4, h, layers, 7, true, LossKind.CROSS_ENTROPY, b, t);
                    default -> new SequenceModelConfig(cell, 4, 0, 0, h, layers, 3, false, LossKind.CROSS_ENTROPY, b, t);
                };
                SequenceModel m = new SequenceModel(BE, cfg);
                randomize(m.params(), rng, 0.5);
                float[] x = cfg.tokens() ? null : randomFloats(rng, b * t * cfg.inputSize());
                int[] toks = cfg.tokens() ? randomInts(rng, b * t, cfg.vocab()) : null;
                float[] y = cfg.loss() == LossKind.MSE ? randomFloats(rng, b * cfg.outputs()) : null;
                int[] ids = cfg.loss() == LossKind.CROSS_ENTROPY ? randomInts(rng, cfg.everyStep() ? b * t : b, cfg.outputs()) : null;
                m.load(x, toks, y, ids);
                checkEveryTensor(cell + " variant " + variant, m, rng);
            }
        }
    }

    @Test
    void gptWithExactAndTanhGelu() {
        SplittableRandom rng = new SplittableRandom(5);
        for (boolean tanh : new boolean[] {false, true}) {
            int b = 2, t = 5, v = 9;
            GptModel m = new GptModel(BE, new GptConfig(v, 8, 2, 2, 6, 1e-5f, tanh, b, t));
            randomize(m.params(), rng, 0.4);
            m.load(null, randomInts(rng, b * t, v), null, randomInts(rng, b * t, v));
            checkEveryTensor("gpt gelu " + (tanh ? "tanh" : "erf"), m, rng);
        }
    }

    private static void checkEveryTensor(String what, Model m, SplittableRandom rng) {
        ParamStore p = m.params();
        m.forwardBackward();
        float[] grad = p.readGrads();
        float[] w0 = p.readParams();
        for (ParamTensor t : p.layout().tensors()) {
            double[] dir = new double[w0.length];
            for (int i = 0; i < t.size(); i++) dir[t.offset() + i] = rng.nextDouble() * 2 - 1;
            double analytic = 0;
            for (int i = 0; i < dir.length; i++) analytic += grad[i] * dir[i];
            double eps = 1e-2; // fp32 model: larger steps keep rounding noise (~1e-7/eps) below the truncation error (~eps²)
            double fd = (lossAt(m, w0, dir, eps) - lossAt(m, w0, dir, -eps)) / (2 * eps);
            double err = Math.abs(fd - analytic);
            if (err > 2e-3 * Math.max(Math.abs(fd), Math.abs(analytic)) + 2e-4) {
                fail(what + " " + t.name() + ": finite difference " + fd + " vs analytic " + analytic);
            }
        }
        p.writeParams(w0);
        assertTrue(p.layout().tensors().size() > 0);
    }

    private static double lossAt(Model m, float[] w0, double[] dir, double eps) {
        float[] w = new float[w0.length];
        for (int i = 0; i < w.length; i++) w[i] = (float) (w0[i] + eps * dir[i]);
        m.params().writeParams(w);
        return m.forward();
    }

    static void randomize(ParamStore p, SplittableRandom rng, double scale) {
        float[] w = new float[p.size()];
        for (int i = 0; i < w.length; i++) w[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        p.writeParams(w);
    }

    static float[] randomFloats(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rng.nextDouble() * 2 - 1);
        return v;
    }

    static int[] randomInts(SplittableRandom rng, int n, int bound) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextInt(bound);
        return v;
    }
}
