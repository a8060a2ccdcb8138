package org.gradlab.optim;

import org.gradlab.engine.Backend;
import org.gradlab.engine.Buf;
import org.gradlab.engine.ParamStore;

/**
 * SGD (momentum, Nesterov), Adam and AdamW over a model's flat parameter and gradient buffers, with
 * PyTorch's update formulas. State lives in flat buffers of the same layout, so a snapshot is a copy.
 */
public final class Optimizer {
    private final ParamStore store;
    private final Backend be;
    private OptimizerConfig cfg;
    private final Buf m, v;
    private int step;
    /** The training step the schedule is at (the next update's). */
    private long position;

    public Optimizer(ParamStore store, OptimizerConfig cfg) {
        this.store = store;
        this.be = store.backend();
        this.cfg = cfg;
        int n = store.size();
        boolean adam = cfg.kind() != OptimizerConfig.Kind.SGD;
        this.m = adam || cfg.momentum() != 0 ? be.alloc(n) : null;
        this.v = adam ? be.alloc(n) : null;
    }

    public OptimizerConfig config() {
        return cfg;
    }

    /** The learning rate the next update uses: the base rate times the schedule's factor at its step. */
    public double lr() {
        return lrAt(position);
    }

    /** The learning rate at training step k, as the schedule has it. */
    public double lrAt(long k) {
        return cfg.lr() * cfg.schedule().factor(k);
    }

    /** The base learning rate the schedule scales (what a live change sets). */
    public double baseLr() {
        return cfg.lr();
    }

    /** Changes the base learning rate from the next step on; the schedule keeps applying on top of it. */
    public void setLr(double lr) {
        cfg = cfg.withLr(lr);
    }

    /** The training step the next update belongs to (the schedule's clock). */
    public void at(long trainingStep) {
        position = trainingStep;
    }

    /** Number of updates applied so far. */
    public int steps() {
        return step;
    }

    /** Applies one update from the current gradients. */
    public void step() {
        step(null);
    }

    /** Applies one update from the current gradients, taking `measure`'s figures of the weights as it goes (null: none). */
    public void step(Backend.UpdateMeasure measure) {
        step++;
        int n = store.size();
        switch (cfg.kind()) {
            case SGD -> be.sgdStep(n, store.params(), store.grads(), m, (float) lr(), (float) cfg.momentum(),
                    (float) cfg.dampening(), (float) cfg.weightDecay(), cfg.nesterov(), step == 1, measure);
            case ADAM, ADAMW -> be.adamStep(n, store.params(), store.grads(), m, v, (float) lr(),
                    (float) cfg.beta1(), (float) cfg.beta2(), (float) cfg.eps(), (float) cfg.weightDecay(),
                    cfg.kind() == OptimizerConfig.Kind.ADAMW, step, measure);
        }
    }

    /** Optimizer state as host arrays {step, m, v} for snapshots; absent buffers are empty arrays. */
    public float[][] saveState() {
        return new float[][] {{step}, read(m), read(v)};
    }

    public void restoreState(float[][] s) {
        step = (int) s[0][0];
        write(s[1], m);
        write(s[2], v);
    }

    private float[] read(Buf b) {
        if (b == null) return new float[0];
        float[] h = new float[b.size()];
        be.download(b, 0, h, 0, h.length);
        return h;
    }

    private void write(float[] h, Buf b) {
        if (b == null) return;
        if (h.length != b.size()) throw new IllegalArgumentException("optimizer state size mismatch");
        be.upload(h, 0, b, 0, h.length);
    }
}
