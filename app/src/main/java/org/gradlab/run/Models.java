package org.gradlab.run;

import org.gradlab.engine.Backend;
import org.gradlab.engine.ParamStore;
import org.gradlab.engine.ParamTensor;
import org.gradlab.model.CellType;
import org.gradlab.model.GptConfig;
import org.gradlab.model.GptModel;
import org.gradlab.model.LossKind;
import org.gradlab.model.Model;
import org.gradlab.model.SequenceModel;
import org.gradlab.model.SequenceModelConfig;
import org.gradlab.task.PascanuInit;
import org.gradlab.task.Rng;
import org.gradlab.task.TaskShape;

import java.util.List;
import java.util.SplittableRandom;

/** Builds the model a run config names, sized for its task, and initialises it from the run's seed. */
public final class Models {
    public static final List<String> NAMES = List.of("rnn", "rnn-sigmoid", "lstm", "gru", "gpt");

    /** The vanilla RNNs (tanh or sigmoid units): one square recurrent matrix per layer, Pascanu's initialisations apply. */
    public static boolean vanillaRnn(String model) {
        return model.equals("rnn") || model.equals("rnn-sigmoid");
    }

    private Models() {}

    public static Model create(Backend be, RunConfig c, TaskShape shape) {
        Model m;
        if (c.model().equals("gpt")) {
            m = new GptModel(be, new GptConfig(shape.vocab(), c.dim(), c.heads(), c.layers(), c.seq(), 1e-5f, false,
                    c.batch(), c.seq()));
        } else {
            CellType cell = CellType.parse(c.model());
            boolean lm = shape.kind() == TaskShape.Kind.LANGUAGE_MODEL;
            m = new SequenceModel(be, new SequenceModelConfig(cell, lm ? 0 : shape.inputSize(), lm ? shape.vocab() : 0,
                    c.embed(), c.hidden(), c.layers(), shape.outputs(), lm,
                    shape.kind() == TaskShape.Kind.REGRESSION ? LossKind.MSE : LossKind.CROSS_ENTROPY, c.batch(), c.seq()));
            if (c.omega() > 0) ((SequenceModel) m).regularise(c.omega());
        }
        initialize(m.params(), c);
        return m;
    }

    /** PyTorch default initialisation, or one of Pascanu's three for the tanh RNN. */
    static void initialize(ParamStore store, RunConfig c) {
        store.initialize(new SplittableRandom(Rng.mix(c.seed() ^ 0x1417L)));
        if (c.init().equals(RunConfig.DEFAULT_INIT)) return;
        PascanuInit init = PascanuInit.parse(c.init());
        Rng rng = new Rng(0).reseed(c.seed(), 0x1417);
        for (ParamTensor p : store.layout().tensors()) {
            if (p.name().startsWith("emb.")) continue;
            PascanuInit.Role role = p.shape().length == 1 ? PascanuInit.Role.BIAS
                    : p.name().contains("weight_hh") ? PascanuInit.Role.RECURRENT
                    : p.name().startsWith("head.") ? PascanuInit.Role.OUTPUT : PascanuInit.Role.INPUT;
            int rows = p.shape()[0], cols = p.size() / rows;
            store.set(p.name(), init.values(role, rows, cols, rng));
        }
    }
}
