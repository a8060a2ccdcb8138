package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.Backend;
import org.gradlab.model.Model;
import org.gradlab.optim.Optimizer;
import org.gradlab.task.Batch;
import org.gradlab.task.Task;
import org.gradlab.task.TaskShape;
import org.gradlab.telemetry.StepStats;

/**
 * A run's model, task and step runner: step k trains on batch k of the task, so a run is fully determined
 * by its config, seed and the clip settings in force at each step.
 */
public final class Trainer {
    private final RunConfig config;
    private final Backend backend;
    private final Task task;
    private final StepRunner runner;
    private long step;

    public Trainer(Backend backend, RunConfig config, ClipSpec clip, NonFinitePolicy policy) {
        this.config = config;
        this.backend = backend;
        this.task = Tasks.create(config.task(), config.batch(), config.seq(), config.seed());
        MemoryEstimate.check(config, task.shape());
        Model model = Models.create(backend, config, task.shape());
        this.runner = new StepRunner(model, new Optimizer(model.params(), config.optimizer()), clip, policy);
    }

    public Trainer(Backend backend, RunConfig config) {
        this(backend, config, ClipSpec.parse("none"), NonFinitePolicy.PROPAGATE);
    }

    public RunConfig config() { return config; }
    public Task task() { return task; }
    public Model model() { return runner.model(); }
    public Optimizer optimizer() { return runner.optimizer(); }
    public Backend backend() { return backend; }
    public StepRunner runner() { return runner; }

    /** Steps taken so far (the data cursor). */
    public long step() {
        return step;
    }

    /** One training step on batch `step`. */
    public StepStats trainStep() {
        return trainStep(null);
    }

    /** One training step on batch `step`, with a spike injected when spike != null. */
    public StepStats trainStep(Spike spike) {
        Batch b = batchFor(spike);
        StepStats s = runner.run(step, b, gradFactor(spike), skips(spike));
        step++;
        return s;
    }

    /**
     * As {@link #trainStep(Spike)}, leaving the step's stats to the runner's {@link StepRunner#completed()}
     * (on a GPU they complete with the next step's first copy).
     */
    public void queueStep(Spike spike) {
        Batch b = batchFor(spike);
        runner.queue(step, b, gradFactor(spike), skips(spike));
        step++;
    }

    /**
     * Probes the pre-clip gradient norm that batch k (with a data spike's change applied, when given) has at the
     * current weights, updating nothing. A grad spike is not part of the batch and is ignored here.
     */
    public double gradientNorm(long k, Spike dataSpike) {
        Spike s = dataSpike != null && dataSpike.kind() == Spike.Kind.GRAD ? null : dataSpike;
        return runner.gradientNorm(batchFor(k, s), 1.0);
    }

    /** Batch `step`, with the spike's change to its targets, inputs or tokens applied. */
    private Batch batchFor(Spike spike) {
        return batchFor(step, spike);
    }

    private Batch batchFor(long k, Spike spike) {
        if (spike != null && spike.kind() == Spike.Kind.REPLACE) return task.batch(k + REPLACEMENT_OFFSET);
        Batch b = task.batch(k);
        if (spike == null) return b;
        checkSpike(spike.kind());
        switch (spike.kind()) {
            case GRAD, SKIP, REPLACE -> { }
            case TARGETS -> scale(b.targets(), spike.factor());
            case INPUTS -> scale(b.features(), spike.factor());
            case TOKENS -> corruptTokens(b.tokens(), spike.factor(), k);
        }
        return b;
    }

    private static boolean skips(Spike spike) {
        return spike != null && spike.kind() == Spike.Kind.SKIP;
    }

    /** Batches that replace a batch as a remedy come from far beyond any run's own steps (the same seeded stream). */
    static final long REPLACEMENT_OFFSET = 1L << 40;

    private static double gradFactor(Spike spike) {
        return spike != null && spike.kind() == Spike.Kind.GRAD ? spike.factor() : 1.0;
    }

    /** Refuses a spike kind this task cannot take (e.g. scaling the targets of a language model). */
    public void checkSpike(Spike.Kind kind) {
        TaskShape.Kind k = task.shape().kind();
        boolean ok = switch (kind) {
            case GRAD, SKIP, REPLACE -> true;
            case TARGETS -> k == TaskShape.Kind.REGRESSION;
            case INPUTS -> k != TaskShape.Kind.LANGUAGE_MODEL;
            case TOKENS -> k == TaskShape.Kind.LANGUAGE_MODEL;
        };
        if (!ok) {
            throw new IllegalArgumentException("a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " spike does not apply to the "
                    + task.name() + " task (grad spikes apply everywhere; targets to adding and multiplication; "
                    + "inputs to the synthetic tasks; tokens to charlm)");
        }
    }

    /** The state at the current step boundary. */
    public Snapshot snapshot() {
        return new Snapshot(step, runner.model().params().readParams(), runner.optimizer().saveState(),
                runner.clip().spec().toText(), runner.clip().saveState(), runner.optimizer().baseLr(),
                runner.nonFinitePolicy().cliName());
    }

    /** Continues from a snapshot taken of a run with the same config. */
    public void restore(Snapshot s) {
        runner.model().params().writeParams(s.params());
        runner.optimizer().restoreState(s.optimizerState());
        runner.optimizer().setLr(s.lr());
        org.gradlab.clip.ClipStrategy c = org.gradlab.clip.ClipStrategy.parse(s.clipSpec());
        c.restoreState(s.clipState());
        runner.setClipStrategy(c);
        runner.setNonFinitePolicy(NonFinitePolicy.parse(s.nonFinitePolicy()));
        step = s.step();
    }

    private static void scale(float[] a, double f) {
        for (int i = 0; i < a.length; i++) a[i] = (float) (a[i] * f);
    }

    private void corruptTokens(int[] tokens, double fraction, long k) {
        org.gradlab.task.Rng r = new org.gradlab.task.Rng(0).reseed(config.seed() ^ 0x5B1CE, k);
        int vocab = task.shape().vocab();
        for (int i = 0; i < tokens.length; i++) if (r.nextDouble() < fraction) tokens[i] = r.nextInt(vocab);
    }

    /**
     * What a constant guess scores on the same fresh sequences as {@link #evaluate}: for a regression task the
     * mean target of those sequences predicted everywhere (error rate and MSE); for a classification task the
     * most frequent class (error rate; chance for balanced classes); NaN for a language model. The bar a model
     * must clear before "it learns" means anything.
     */
    public Evaluation constantBaseline(int sequences) {
        if (task.shape().kind() == TaskShape.Kind.CLASSIFICATION) {
            int batches = Math.max(1, sequences / task.batchSize()), total = 0;
            int[] counts = new int[task.shape().outputs()];
            for (int k = 0; k < batches; k++) {
                for (int id : task.evalBatch(k).targetIds()) {
                    counts[id]++;
                    total++;
                }
            }
            int most = java.util.Arrays.stream(counts).max().orElse(0);
            return new Evaluation(step, total, 1 - (double) most / total, Double.NaN, task.criterion());
        }
        if (task.shape().kind() != TaskShape.Kind.REGRESSION) return new Evaluation(step, 0, Double.NaN, Double.NaN, task.criterion());
        int batches = Math.max(1, sequences / task.batchSize());
        double sum = 0;
        long n = 0;
        for (int k = 0; k < batches; k++) {
            for (float t : task.evalBatch(k).targets()) {
                sum += t;
                n++;
            }
        }
        double mean = sum / n, sq = 0;
        int wrong = 0, total = 0;
        for (int k = 0; k < batches; k++) {
            Batch b = task.evalBatch(k);
            float[] guess = new float[b.targets().length];
            java.util.Arrays.fill(guess, (float) mean);
            wrong += task.errors(b, guess);
            total += b.batch();
            for (float t : b.targets()) sq += (t - mean) * (t - mean);
        }
        return new Evaluation(step, total, (double) wrong / total, sq / n, task.criterion());
    }

    /**
     * Scores the model on `sequences` fresh evaluation sequences (at least one batch) by the task's criterion,
     * with their mean loss.
     */
    public Evaluation evaluate(int sequences) {
        Model model = runner.model();
        int batches = Math.max(1, sequences / task.batchSize()), wrong = 0, total = 0;
        double loss = 0;
        for (int k = 0; k < batches; k++) {
            Batch b = task.evalBatch(k);
            model.load(b.features(), b.tokens(), b.targets(), b.targetIds());
            loss += model.forward();
            wrong += task.errors(b, model.outputs());
            total += b.batch();
        }
        return new Evaluation(step, total, (double) wrong / total, loss / batches, task.criterion());
    }
}
