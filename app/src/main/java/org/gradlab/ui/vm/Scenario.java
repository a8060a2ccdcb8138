package org.gradlab.ui.vm;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.run.PauseRules;
import org.gradlab.run.RunConfig;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Spike;

import java.util.List;

/**
 * A teaching scenario: one or more runs started together, with a few sentences on what to look for, and the
 * pause rules that stop time where the lesson is (the exploding RNN at its first non-finite step, the bad
 * batch just before it arrives).
 */
public record Scenario(String title, String whatToLookFor, List<SessionConfig> runs, List<String> runNames, PauseRules rules) {
    public Scenario(String title, String whatToLookFor, List<SessionConfig> runs, List<String> runNames) {
        this(title, whatToLookFor, runs, runNames, PauseRules.NONE);
    }

    private static SessionConfig cfg(String model, String task, int hidden, int layers, int batch, int seq,
                                     OptimizerConfig opt, String init, long seed, String clip, List<Spike> spikes) {
        RunConfig rc = new RunConfig(model, task, hidden, layers, 32, 64, 4, batch, seq, opt, init, seed);
        return new SessionConfig(rc, ClipSpec.parse(clip), NonFinitePolicy.PROPAGATE, Long.MAX_VALUE, spikes, 500, true);
    }

    private static OptimizerConfig sgd(double lr, double momentum) {
        return OptimizerConfig.defaults(OptimizerConfig.Kind.SGD, lr).withMomentum(momentum);
    }

    private static OptimizerConfig adam(double lr) {
        return OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, lr);
    }

    public static List<Scenario> all() {
        return List.of(
                new Scenario("Exploding tanh RNN on the adding task",
                        "A tanh RNN with large recurrent weights, plain SGD at lr 0.5 and no clipping. Watch the pre-clip "
                                + "gradient norm climb by orders of magnitude within a few steps until the loss turns NaN. "
                                + "The run pauses by itself on its first non-finite step. Restart it, set the clip to norm:1 "
                                + "early, and see the same run stay finite.",
                        List.of(cfg("rnn", "adding", 64, 1, 32, 50, sgd(0.5, 0), "basic-tanh", 3, "none", List.of())),
                        List.of("tanh RNN, adding"), PauseRules.parse("nonfinite")),
                new Scenario("Pascanu's temporal order: three initialisations",
                        "The 2-bit temporal-order task at T=50 with a 50-unit tanh RNN, SGD lr 0.01 and clipping at 1.0, "
                                + "started three times: 'sigmoid' (sigmoid units, N(0,0.01)), 'basic tanh' N(0,0.1) and 'smart tanh' (sparse, "
                                + "spectral radius 0.95). Compare how much gradient reaches the recurrent layer in each.",
                        List.of(cfg("rnn-sigmoid", "temporal-order", 50, 1, 20, 50, sgd(0.01, 0), "sigmoid", 1, "norm:1", List.of()),
                                cfg("rnn", "temporal-order", 50, 1, 20, 50, sgd(0.01, 0), "basic-tanh", 1, "norm:1", List.of()),
                                cfg("rnn", "temporal-order", 50, 1, 20, 50, sgd(0.01, 0), "smart-tanh", 1, "norm:1", List.of())),
                        List.of("sigmoid init", "basic tanh init", "smart tanh init")),
                new Scenario("LSTM character language model",
                        "A 2-layer LSTM learns next-character prediction on the King James Pentateuch. The loss drops "
                                + "fast, then slowly; gradient norms stay tame. Try value:0.001 to see per-element clipping "
                                + "slow learning down.",
                        List.of(cfg("lstm", "charlm", 128, 2, 32, 64, adam(3e-3), RunConfig.DEFAULT_INIT, 1, "norm:1", List.of())),
                        List.of("LSTM char LM")),
                new Scenario("GRU character language model",
                        "The same corpus with a 2-layer GRU. Compare its per-layer gradient norms and update ratios "
                                + "with the LSTM's.",
                        List.of(cfg("gru", "charlm", 128, 2, 32, 64, adam(3e-3), RunConfig.DEFAULT_INIT, 1, "norm:1", List.of())),
                        List.of("GRU char LM")),
                new Scenario("Tiny transformer, learning rate too high, no warmup",
                        "A 2-block GPT trained with Adam at lr 0.02 from the first step and no clipping. Watch the "
                                + "early spikes in the gradient norm and the update/weight ratio; set norm:1 or zclip "
                                + "mid-run and see what changes.",
                        List.of(cfg("gpt", "charlm", 128, 2, 32, 64, adam(0.02), RunConfig.DEFAULT_INIT, 1, "none", List.of())),
                        List.of("tiny GPT lr 0.02")),
                new Scenario("One bad batch",
                        "A character LSTM trains smoothly until step 300, where one batch's gradient is 1000 times too "
                                + "large. Without clipping that single step undoes much of the progress. The run pauses just "
                                + "before the bad batch: Fork there to compare clip strategies on the same spike.",
                        List.of(cfg("lstm", "charlm", 64, 2, 16, 32, adam(3e-3), RunConfig.DEFAULT_INIT, 7, "none",
                                List.of(new Spike(300, Spike.Kind.GRAD, 1000)))),
                        List.of("LSTM with a spike at 300"), PauseRules.parse("event")));
    }
}
