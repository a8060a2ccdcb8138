package org.gradlab.task;

/**
 * Pascanu et al. 2013's adding and multiplication problems (after Hochreiter & Schmidhuber 1997): two input
 * channels, values U(0,1) and a marker; one marker in the first 10% of the sequence, the other in
 * [10%, 50%). The target is the mean (adding) or product (multiplication) of the two marked values. A
 * sequence counts as wrong when its squared error exceeds 0.04; success is < 1% wrong.
 */
public final class MarkedPairTask implements Task {
    public enum Op { ADDING, MULTIPLICATION }

    static final long EVAL_STREAM = 0x5EED_E7A1L;

    private final Op op;
    private final int batch, seq;
    private final long seed;
    private final Rng rng = new Rng(0);
    private final Batch b;

    public MarkedPairTask(Op op, int batch, int seq, long seed) {
        if (seq < 2) throw new IllegalArgumentException("sequence length must be >= 2");
        this.op = op;
        this.batch = batch;
        this.seq = seq;
        this.seed = seed;
        this.b = new Batch(batch, seq, new float[batch * seq * 2], null, new float[batch], null);
    }

    @Override public String name() { return op == Op.ADDING ? "adding" : "multiplication"; }
    @Override public TaskShape shape() { return new TaskShape(TaskShape.Kind.REGRESSION, 2, 0, 1); }
    @Override public int batchSize() { return batch; }
    @Override public int seqLen() { return seq; }
    @Override public String criterion() { return "squared error > 0.04 counts as wrong; success: < 1% wrong"; }

    @Override
    public Batch batch(long k) {
        return fill(rng.reseed(seed, k));
    }

    @Override
    public Batch evalBatch(long k) {
        return fill(rng.reseed(seed ^ EVAL_STREAM, k));
    }

    private Batch fill(Rng r) {
        float[] x = b.features();
        java.util.Arrays.fill(x, 0f);
        int tenth = Math.max(1, seq / 10), half = Math.max(tenth + 1, seq / 2);
        for (int i = 0; i < batch; i++) {
            int base = i * seq * 2;
            for (int t = 0; t < seq; t++) x[base + 2 * t] = (float) r.nextDouble();
            int p1 = r.nextInt(0, tenth), p2 = r.nextInt(tenth, half);
            x[base + 2 * p1 + 1] = 1f;
            x[base + 2 * p2 + 1] = 1f;
            float v1 = x[base + 2 * p1], v2 = x[base + 2 * p2];
            b.targets()[i] = op == Op.ADDING ? (v1 + v2) / 2f : v1 * v2;
        }
        return b;
    }

    @Override
    public int errors(Batch bt, float[] outputs) {
        int wrong = 0;
        for (int i = 0; i < bt.batch(); i++) {
            double e = outputs[i] - bt.targets()[i];
            if (!(e * e <= 0.04)) wrong++;
        }
        return wrong;
    }
}
