package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.optim.LrSchedule;
import org.gradlab.optim.OptimizerConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * A teaching scenario: one or more runs started together, a few sentences on what to look for, the pause rules
 * that stop time where the lesson is, and the lesson itself as checkable claims about its runs and the variants
 * the text tells the user to try ({@link ScenarioCheck} runs them all for {@code checkSteps} steps). A claim
 * that does not hold is a test failure, not a sentence on screen.
 */
public record Scenario(String title, String whatToLookFor, List<Named> runs, PauseRules rules, long checkSteps, List<Named> variants,
                       List<Claim> claims) {
    /** A run of the scenario (or a variant to try) and its name. */
    public record Named(String name, SessionConfig config) {}

    /** A run built in the form: no lesson attached. */
    public static Scenario custom(String title, SessionConfig config, String name) {
        return new Scenario(title, "", List.of(new Named(name, config)), PauseRules.NONE, 0, List.of(), List.of());
    }

    public List<SessionConfig> configs() {
        return runs.stream().map(Named::config).toList();
    }

    public List<String> runNames() {
        return runs.stream().map(Named::name).toList();
    }

    private static SessionConfig cfg(String model, String task, int hidden, int layers, int batch, int seq, OptimizerConfig opt, String init,
                                     long seed, String clip, List<Spike> spikes) {
        // a transformer's width is its "hidden" size here; the recurrent models embed characters in 32
        RunConfig rc = new RunConfig(model, task, hidden, layers, 32, model.equals("gpt") ? hidden : 64, 4, batch, seq, opt, init, seed);
        return new SessionConfig(rc, ClipSpec.parse(clip), NonFinitePolicy.PROPAGATE, Long.MAX_VALUE, spikes, 500, true);
    }

    private static OptimizerConfig sgd(double lr) {
        return OptimizerConfig.defaults(OptimizerConfig.Kind.SGD, lr);
    }

    private static OptimizerConfig adam(double lr) {
        return OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, lr);
    }

    private static Named named(String name, SessionConfig c) {
        return new Named(name, c);
    }

    public static List<Scenario> all() {
        List<Scenario> out = new ArrayList<>();

        SessionConfig exploding = cfg("rnn", "adding", 64, 1, 32, 20, sgd(0.5), "basic-tanh", 3, "none", List.of());
        out.add(new Scenario("Exploding tanh RNN on the adding task",
                "A tanh RNN with large recurrent weights (Pascanu's 'basic tanh' init) on the adding task (T=20), plain SGD at lr 0.5, "
                        + "no clipping. Watch the pre-clip gradient norm climb by orders of magnitude within a few steps until it overflows: "
                        + "the run pauses by itself at its first NaN/inf step. The same run with norm:1 from the start (the form's clip field) "
                        + "stays finite, clips on under 1% of steps — insurance — and learns: after 10,000 steps it gets under 15% of "
                        + "fresh sequences wrong, where a constant guess gets about 35%.",
                List.of(named("unclipped", exploding)), PauseRules.parse("nonfinite"), 10_000,
                List.of(named("norm:1", exploding.withClip(ClipSpec.parse("norm:1")))),
                List.of(new Claim.BlowsUpBy("unclipped", 20), new Claim.StaysFinite("norm:1"), new Claim.ClipRate("norm:1", 0, 0.01),
                        new Claim.Learns("norm:1", 0.15, 0.15))));

        out.add(new Scenario("Pascanu's temporal order: three initialisations",
                "The 2-bit temporal-order task at T=50 with a 50-unit RNN, SGD lr 0.01 and clipping at 1.0, started three times from "
                        + "the same seed: 'sigmoid' (sigmoid units, N(0,0.01)), 'basic tanh' N(0,0.1) and 'smart tanh' (sparse, spectral "
                        + "radius 0.95). The answer sits in the first steps of each sequence; the loss is at the last. Compare the three "
                        + "'‖∂L/∂h_t‖' heatmaps (time step t down, training step across) and the curves below them: how much of the gradient "
                        + "at t=50 reaches t=1. Sigmoid's vanishes outright (under 1e-20 of it; black rows are exactly zero, below "
                        + "float32's smallest number); basic tanh's (ρ(W_hh) ≈ 0.73) fades to about 1e-8; smart tanh's (ρ = 0.95) keeps a "
                        + "few percent — and only smart tanh learns within 12,000 steps, while the other two stay at chance (one class in "
                        + "four). As it learns its ρ climbs past 1 (the spectral-radius chart) and the gradient grows back through time "
                        + "instead of fading: now clipping at 1.0 binds on most steps, and the threshold sets those steps' size.",
                List.of(named("sigmoid", cfg("rnn-sigmoid", "temporal-order", 50, 1, 20, 50, sgd(0.01), "sigmoid", 1, "norm:1", List.of())),
                        named("basic tanh", cfg("rnn", "temporal-order", 50, 1, 20, 50, sgd(0.01), "basic-tanh", 1, "norm:1", List.of())),
                        named("smart tanh", cfg("rnn", "temporal-order", 50, 1, 20, 50, sgd(0.01), "smart-tanh", 1, "norm:1", List.of()))),
                PauseRules.NONE, 12_000, List.of(),
                List.of(new Claim.ReachesBack("sigmoid", 0, 0, 1e-20), new Claim.ReachesBack("basic tanh", 0, 1e-10, 1e-6),
                        new Claim.ReachesBack("smart tanh", 0, 0.01, 0.2), new Claim.Radius("basic tanh", 0, 0.65, 0.8),
                        new Claim.Radius("smart tanh", 0, 0.9, 1.0), new Claim.Learns("smart tanh", 0.3, 0.4),
                        new Claim.Radius("smart tanh", 11_950, 1.0, Double.POSITIVE_INFINITY),
                        new Claim.ReachesBack("smart tanh", 11_999, 1, Double.POSITIVE_INFINITY),
                        new Claim.ClipRate("smart tanh", 0.5, 1), new Claim.NoBetterThanGuessing("sigmoid", 0.05),
                        new Claim.NoBetterThanGuessing("basic tanh", 0.05))));

        SessionConfig lstm = cfg("lstm", "charlm", 64, 2, 16, 32, adam(3e-3), RunConfig.DEFAULT_INIT, 1, "norm:1", List.of());
        out.add(new Scenario("LSTM character language model",
                "A 2-layer LSTM learns next-character prediction on the King James Pentateuch with Adam: the loss falls fast, then "
                        + "slowly; norm:1 is insurance, rarely firing. Set value:0.001 and clipping fires on every step, yet the loss "
                        + "curve hardly moves: Adam divides each update by the gradient's running scale, so clipping that only shrinks "
                        + "the gradient is all but invisible to it. (Under SGD the same clip would stall learning.)",
                List.of(named("norm:1", lstm)), PauseRules.NONE, 600,
                List.of(named("value:0.001", lstm.withClip(ClipSpec.parse("value:0.001")))),
                List.of(new Claim.LossFalls("norm:1", 0, 49, 500, 599, 1.0), new Claim.ClipRate("norm:1", 0, 0.05),
                        new Claim.ClipRate("value:0.001", 0.95, 1), new Claim.SameLoss("norm:1", "value:0.001", 500, 599, 0.1))));

        SessionConfig gru = cfg("gru", "charlm", 64, 2, 16, 32, adam(3e-3), RunConfig.DEFAULT_INIT, 1, "norm:1", List.of());
        out.add(new Scenario("GRU character language model",
                "The same corpus with a 2-layer GRU: the loss falls well within a few hundred steps and norm:1 is insurance. Compare "
                        + "its per-layer gradient norms and update ratios with the LSTM's.",
                List.of(named("GRU", gru)), PauseRules.NONE, 600, List.of(),
                List.of(new Claim.LossFalls("GRU", 0, 49, 500, 599, 1.0), new Claim.ClipRate("GRU", 0, 0.05))));

        SessionConfig gpt = cfg("gpt", "charlm", 128, 2, 32, 64, adam(0.02), RunConfig.DEFAULT_INIT, 1, "none", List.of());
        SessionConfig warm = gpt.withRun(gpt.run().withOptimizer(gpt.run().optimizer().withSchedule(LrSchedule.parse("warmup:100"))));
        out.add(new Scenario("Tiny transformer: learning rate too high, without and with warmup",
                "Two 2-block GPTs from the same seed, Adam at lr 0.02, no clipping, side by side: one at the full rate from the "
                        + "first step, one warming up over 100 steps. Without warmup the first updates throw the model off: the pre-clip "
                        + "norm jumps several-fold in the first steps, and although it settles, the loss stalls and never catches up; with "
                        + "warmup the norm stays in its starting range and the loss keeps falling, ending well below.",
                List.of(named("no warmup", gpt), named("warmup:100", warm)), PauseRules.NONE, 200, List.of(),
                List.of(new Claim.LargerNorms("no warmup", "warmup:100", 0, 50, 3), new Claim.LowerLoss("no warmup", "warmup:100", 100, 199, 0.3))));

        SessionConfig bad = cfg("lstm", "charlm", 64, 2, 16, 32, adam(3e-3), RunConfig.DEFAULT_INIT, 7, "none",
                List.of(new Spike(300, Spike.Kind.GRAD, 1000)));
        out.add(new Scenario("One bad batch",
                "A character LSTM trains smoothly until step 300, where one batch's gradient is 1000 times too large. Without clipping "
                        + "that single step undoes much of the progress; with norm:1 it is one clipped step among hundreds. The run pauses "
                        + "just before the bad batch: Fork there to compare clip strategies on the same spike.",
                List.of(named("unclipped", bad)), PauseRules.parse("event"), 400,
                List.of(named("norm:1", bad.withClip(ClipSpec.parse("norm:1")))),
                List.of(new Claim.LossJumps("unclipped", 300, 20, 0.3), new Claim.LossHolds("norm:1", 300, 20, 0.05))));
        SessionConfig clippedOnly = cfg("rnn", "temporal-order", 50, 1, 20, 100, sgd(0.05), "smart-tanh", 2, "norm:1", List.of());
        SessionConfig regularised = clippedOnly.withRun(clippedOnly.run().withOmega(4));
        out.add(new Scenario("Vanishing gradients: clipping is not enough (Pascanu's regulariser)",
                "The temporal-order task at T=100, a 50-unit tanh RNN (smart tanh), SGD lr 0.05, clipped at 1.0, side by side with "
                        + "the same run plus Pascanu et al.'s regulariser \u03a9 (\u03b1 = 4, the form's 'regulariser \u03b1'; their "
                        + "SGD-CR). The two symbols that decide the answer sit in the first fifth of each sequence; the loss is at the end. "
                        + "Clipped alone, the run stays at chance (one class in four). Its '\u2016\u2202L/\u2202h_t\u2016' heatmap "
                        + "and curve show why: the gradient reaching the first step is typically under a hundredth of the one at the last "
                        + "(single steps swing by orders of magnitude), so the symbols get almost none of it — and clipping, firing on "
                        + "about one step in nine, cannot give it back: a gradient that vanishes is not one that explodes. \u03a9 "
                        + "penalises every step that shrinks the gradient on its way back: with it the start of the sequence typically "
                        + "gets more gradient than the end, and the run solves the task within 20,000 steps.",
                List.of(named("norm:1", clippedOnly), named("norm:1 + \u03a9", regularised)), PauseRules.NONE, 20_000, List.of(),
                List.of(new Claim.NoBetterThanGuessing("norm:1", 0.05), new Claim.Learns("norm:1 + \u03a9", 0.05, 0.5),
                        new Claim.TypicallyReachesBack("norm:1", 1000, 19_999, 0, 0.01), new Claim.ClipRate("norm:1", 0.05, 0.2),
                        new Claim.TypicallyReachesBack("norm:1 + \u03a9", 1000, 19_999, 1, Double.POSITIVE_INFINITY))));

        return out;
    }
}
