package org.gradlab.run;

import org.gradlab.engine.Backend;
import org.gradlab.model.CellType;
import org.gradlab.model.GptConfig;
import org.gradlab.model.GptModel;
import org.gradlab.model.LossKind;
import org.gradlab.model.Model;
import org.gradlab.model.SequenceModel;
import org.gradlab.model.SequenceModelConfig;
import org.gradlab.task.Batch;
import org.gradlab.task.MarkedPairTask;
import org.gradlab.task.Rng;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

/**
 * The four benchmark models, shaped exactly as app/src/test/python/torch_cpu_bench.py builds them in
 * PyTorch (random tokens over a 65-symbol vocabulary for the language models, the adding task at T=100).
 */
public final class AnchorModels {
    public static final List<String> NAMES = List.of("lstm", "gru", "rnn-adding", "gpt");
    static final int B = 32, T = 64, V = 65;

    /** A built anchor: the model and its batch stream. */
    public record Anchor(String name, Model model, LongFunction<Batch> batches) {}

    private AnchorModels() {}

    public static Anchor create(String name, Backend be, long seed) {
        Model m;
        LongFunction<Batch> data;
        switch (name) {
            case "lstm", "gru" -> {
                m = new SequenceModel(be, new SequenceModelConfig(name.equals("lstm") ? CellType.LSTM : CellType.GRU,
                        0, V, 64, 256, 2, V, true, LossKind.CROSS_ENTROPY, B, T));
                data = randomTokens(seed);
            }
            case "rnn-adding" -> {
                m = new SequenceModel(be, new SequenceModelConfig(CellType.RNN_TANH, 2, 0, 0, 128, 1, 1, false,
                        LossKind.MSE, B, 100));
                MarkedPairTask task = new MarkedPairTask(MarkedPairTask.Op.ADDING, B, 100, seed);
                data = task::batch;
            }
            case "gpt" -> {
                m = new GptModel(be, new GptConfig(V, 128, 4, 2, T, 1e-5f, false, B, T));
                data = randomTokens(seed);
            }
            default -> throw new IllegalArgumentException("unknown anchor model '" + name + "' (expected one of "
                    + String.join(", ", NAMES) + ")");
        }
        m.params().initialize(new SplittableRandom(seed));
        return new Anchor(name, m, data);
    }

    private static LongFunction<Batch> randomTokens(long seed) {
        Rng rng = new Rng(0);
        Batch b = new Batch(B, T, null, new int[B * T], null, new int[B * T]);
        return k -> {
            rng.reseed(seed, k);
            for (int i = 0; i < B * T; i++) {
                b.tokens()[i] = rng.nextInt(V);
                b.targetIds()[i] = rng.nextInt(V);
            }
            return b;
        };
    }
}
