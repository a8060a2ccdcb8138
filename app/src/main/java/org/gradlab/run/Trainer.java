package org.gradlab.run;

import org.gradlab.engine.Backend;
import org.gradlab.model.Model;
import org.gradlab.optim.Optimizer;
import org.gradlab.task.Batch;
import org.gradlab.task.Task;

/**
 * The plain training loop: batch k of the task, forward + backward, optimizer step. The data cursor is the
 * step count, so a run is fully determined by its config and seed.
 */
public final class Trainer {
    private final RunConfig config;
    private final Backend backend;
    private final Task task;
    private final Model model;
    private final Optimizer optimizer;
    private long step;

    public Trainer(Backend backend, RunConfig config) {
        this.config = config;
        this.backend = backend;
        this.task = Tasks.create(config.task(), config.batch(), config.seq(), config.seed());
        this.model = Models.create(backend, config, task.shape());
        this.optimizer = new Optimizer(model.params(), config.optimizer());
    }

    public RunConfig config() { return config; }
    public Task task() { return task; }
    public Model model() { return model; }
    public Optimizer optimizer() { return optimizer; }
    public Backend backend() { return backend; }

    /** Steps taken so far (the data cursor). */
    public long step() {
        return step;
    }

    /** One training step on batch `step`; returns its loss. */
    public float trainStep() {
        Batch b = task.batch(step);
        model.load(b.features(), b.tokens(), b.targets(), b.targetIds());
        float loss = model.forwardBackward();
        optimizer.step();
        step++;
        return loss;
    }

    /** Fraction of `sequences` fresh evaluation sequences the model gets wrong by the task's criterion. */
    public double errorRate(int sequences) {
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
        double s = 0;
        for (int k = 0; k < batches; k++) {
            Batch b = task.evalBatch(k);
            model.load(b.features(), b.tokens(), b.targets(), b.targetIds());
            s += model.forward();
        }
        return s / batches;
    }
}
