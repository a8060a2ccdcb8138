package org.gradlab.run;

import org.gradlab.optim.OptimizerConfig;

/**
 * Everything that defines a training run, in one serializable place: model and sizes, task, batch shape,
 * optimizer, initialisation and seed. One seed fixes initialisation and data order. omega is the weight α of
 * Pascanu et al.'s vanishing-gradient regulariser Ω on a vanilla RNN's recurrent matrix (0: none).
 */
public record RunConfig(String model, String task, int hidden, int layers, int embed, int dim, int heads,
                        int batch, int seq, OptimizerConfig optimizer, String init, long seed, double omega) {
    public static final String DEFAULT_INIT = "default";

    /** Without the regulariser. */
    public RunConfig(String model, String task, int hidden, int layers, int embed, int dim, int heads,
                     int batch, int seq, OptimizerConfig optimizer, String init, long seed) {
        this(model, task, hidden, layers, embed, dim, heads, batch, seq, optimizer, init, seed, 0);
    }

    public RunConfig {
        if (batch <= 0 || seq <= 0) throw new IllegalArgumentException("batch and sequence length must be positive");
        if (hidden <= 0 || layers <= 0) throw new IllegalArgumentException("hidden size and layers must be positive");
        if (model.equals("gpt") && !task.equals("charlm")) {
            throw new IllegalArgumentException("the gpt model needs a token task: use --task charlm");
        }
        if (!init.equals(DEFAULT_INIT) && !Models.vanillaRnn(model)) {
            throw new IllegalArgumentException("Pascanu initialisation '" + init + "' applies to the vanilla RNNs (--model rnn or rnn-sigmoid) only");
        }
        if (!(omega >= 0) || Double.isInfinite(omega)) throw new IllegalArgumentException("the regulariser weight (--omega) must be a number >= 0");
        if (omega > 0 && !Models.vanillaRnn(model)) {
            throw new IllegalArgumentException("Pascanu's regulariser (--omega) applies to the vanilla RNNs (--model rnn or rnn-sigmoid) only");
        }
    }

    /** Defaults a user gets with only model and task named (from {@link RunSettings}). */
    public static RunConfig defaults(String model, String task) {
        return RunSettings.sessionConfig(java.util.Map.of("model", model, "task", task), java.util.List.of(), 0, true).run();
    }

    public RunConfig withOptimizer(OptimizerConfig o) {
        return new RunConfig(model, task, hidden, layers, embed, dim, heads, batch, seq, o, init, seed, omega);
    }

    public RunConfig withOmega(double a) {
        return new RunConfig(model, task, hidden, layers, embed, dim, heads, batch, seq, optimizer, init, seed, a);
    }

    public RunConfig withSeed(long s) {
        return new RunConfig(model, task, hidden, layers, embed, dim, heads, batch, seq, optimizer, init, s, omega);
    }
}
