package org.gradlab.run;

import org.gradlab.engine.Backend;
import org.gradlab.model.CellType;
import org.gradlab.model.GptConfig;
import org.gradlab.model.GptModel;
import org.gradlab.model.LossKind;
import org.gradlab.model.Model;
import org.gradlab.model.SequenceModel;
import org.gradlab.model.SequenceModelConfig;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.task.Batch;
import org.gradlab.task.MarkedPairTask;
import org.gradlab.task.Rng;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

/**
 * The four benchmark models, shaped exactly as app/src/test/python/torch_cpu_bench.py builds them in
 * PyTorch (random tokens over a 65-symbol vocabulary for the language models, the adding task at T=100), their
 * sizes for the scaling table, and {@link #PASCANU}: the step `experiment pascanu` trains.
 */
public final class AnchorModels {
    public static final List<String> NAMES = List.of("lstm", "gru", "rnn-adding", "gpt");
    /**
     * The scaling table's sizes: the LSTM anchor at hidden 128–1024 and T 64 or 256, the GPT anchor at d 128–512
     * (four heads) — app/src/test/python/torch_scale_bench.py builds the same in PyTorch (run it through
     * scripts/torch-best --scale).
     */
    public static final List<String> SCALE = List.of("lstm-h128-t64", "lstm-h256-t64", "lstm-h512-t64", "lstm-h1024-t64",
            "lstm-h128-t256", "lstm-h256-t256", "lstm-h512-t256", "lstm-h1024-t256", "gpt-d128", "gpt-d256", "gpt-d512");
    static final int B = 32, T = 64, V = 65;
    /**
     * Pascanu et al.'s temporal-order RNN as {@code experiment pascanu} trains it ({@link #pascanuConfig}). Not an
     * anchor torch_cpu_bench.py times, but the size the engine issue sets a rate for, with its telemetry's share.
     */
    public static final String PASCANU = "pascanu";
    static final int PASCANU_BATCH = 20, PASCANU_HIDDEN = 50, PASCANU_SEQ = 100;
    private static final java.util.regex.Pattern SIZED = java.util.regex.Pattern.compile("(lstm|gru|rnn)-h(\\d{1,4})-t(\\d{1,4})|gpt-d(\\d{1,4})");

    /**
     * An anchor's family and size: "lstm" is {@code lstm-h256-t64}, "gpt" is {@code gpt-d128}, "rnn-adding" is
     * {@code rnn-h128-t100}; sized names (as in {@link #SCALE}) take any hidden size or width from 8 to 4096 and T
     * from 2 to 4096.
     */
    public record Shape(String family, int size, int seq) {
        public static Shape of(String name) {
            switch (name) {
                case "lstm", "gru" -> { return new Shape(name, 256, T); }
                case "rnn-adding" -> { return new Shape(name, 128, 100); }
                case "gpt" -> { return new Shape(name, 128, T); }
                case PASCANU -> { return new Shape(name, PASCANU_HIDDEN, PASCANU_SEQ); }
                default -> { }
            }
            java.util.regex.Matcher m = SIZED.matcher(name);
            if (!m.matches()) return null;
            String family = "rnn".equals(m.group(1)) ? "rnn-adding" : m.group(1); // rnn-h50-t100: the adding task's tanh RNN at that size
            Shape s = family != null ? new Shape(family, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)))
                    : new Shape("gpt", Integer.parseInt(m.group(4)), T);
            boolean ok = s.size >= 8 && s.size <= 4096 && s.seq >= 2 && s.seq <= 4096 && (!s.family.equals("gpt") || s.size % 4 == 0);
            return ok ? s : null;
        }
    }

    /** Whether {@link #create} knows this name. */
    public static boolean known(String name) {
        return Shape.of(name) != null;
    }

    /**
     * The run {@code experiment pascanu} makes of one cell at T = 100 with its defaults: 50 tanh units, smart-tanh
     * initialisation, batch 20, plain SGD at lr 0.05.
     */
    public static RunConfig pascanuConfig(long seed) {
        return new RunConfig("rnn", "temporal-order", PASCANU_HIDDEN, 1, 32, 64, 4, PASCANU_BATCH, PASCANU_SEQ,
                OptimizerConfig.defaults(OptimizerConfig.Kind.SGD, 0.05), "smart-tanh", seed);
    }

    /** A built anchor: the model, its batch stream and the optimizer its step takes. */
    public record Anchor(String name, Model model, LongFunction<Batch> batches, OptimizerConfig optimizer) {}

    private AnchorModels() {}

    public static Anchor create(String name, Backend be, long seed) {
        Shape shape = Shape.of(name);
        if (shape == null) throw new IllegalArgumentException("unknown anchor model '" + name + "' (expected one of "
                + String.join(", ", NAMES) + ", " + PASCANU + ", or a size such as lstm-h512-t256 or gpt-d256)");
        int n = shape.size(), t = shape.seq();
        Model m;
        LongFunction<Batch> data;
        OptimizerConfig adam = OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 1e-3); // as torch_cpu_bench.py
        switch (shape.family()) {
            case "lstm", "gru" -> {
                m = new SequenceModel(be, new SequenceModelConfig(shape.family().equals("lstm") ? CellType.LSTM : CellType.GRU,
                        0, V, 64, n, 2, V, true, LossKind.CROSS_ENTROPY, B, t));
                data = randomTokens(seed, t);
            }
            case "rnn-adding" -> {
                m = new SequenceModel(be, new SequenceModelConfig(CellType.RNN_TANH, 2, 0, 0, n, 1, 1, false,
                        LossKind.MSE, B, t));
                MarkedPairTask task = new MarkedPairTask(MarkedPairTask.Op.ADDING, B, t, seed);
                data = task::batch;
            }
            case PASCANU -> { // built as a training run builds it, and initialised as one
                RunConfig rc = pascanuConfig(seed);
                org.gradlab.task.Task task = Tasks.create(rc.task(), rc.batch(), rc.seq(), seed);
                return new Anchor(name, Models.create(be, rc, task.shape()), task::batch, rc.optimizer());
            }
            default -> {
                m = new GptModel(be, new GptConfig(V, n, 4, 2, t, 1e-5f, false, B, t));
                data = randomTokens(seed, t);
            }
        }
        m.params().initialize(new SplittableRandom(seed));
        return new Anchor(name, m, data, adam);
    }

    private static LongFunction<Batch> randomTokens(long seed, int t) {
        Rng rng = new Rng(0);
        Batch b = new Batch(B, t, null, new int[B * t], null, new int[B * t]);
        return k -> {
            rng.reseed(seed, k);
            for (int i = 0; i < B * t; i++) {
                b.tokens()[i] = rng.nextInt(V);
                b.targetIds()[i] = rng.nextInt(V);
            }
            return b;
        };
    }
}
