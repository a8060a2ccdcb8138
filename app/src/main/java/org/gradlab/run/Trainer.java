package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.Backend;
import org.gradlab.model.Model;
import org.gradlab.optim.Optimizer;
import org.gradlab.task.Batch;
import org.gradlab.task.Task;
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
        StepStats s = runner.run(step, task.batch(step));
        step++;
        return s;
    }

    /** Fraction of `sequences` fresh evaluation sequences the model gets wrong by the task's criterion. */
    public double errorRate(int sequences) {
        Model model = runner.model();
        int batches = Math.max(1, sequences / task.batchSize()), wrong = 0, total = 0;
        for (int k = 0; k < batches; k++) {
            Batch b = task.evalBatch(k);
            model.load(b.features(), b.tokens(), b.targets(), b.targetIds());
            model.forward();
            wrong += task.errors(b, model.outputs());
            total += b.batch();
        }
        return (double) wrong / total;
    }

    /** Mean loss over `batches` fresh evaluation batches. */
    public double evalLoss(int batches) {
        Model model = runner.model();
        double s = 0;
        for (int k = 0; k < batches; k++) {
            Batch b = task.evalBatch(k);
            model.load(b.features(), b.tokens(), b.targets(), b.targetIds());
            s += model.forward();
        }
        return s / batches;
    }
}
