package org.gradlab.task;

/**
 * Pascanu et al. 2013's temporal order problems: a sequence of one-hot symbols from {A, B, c, d, e, f} where
 * A or B appears at 2 (or 3, for the 3-bit variant) marked windows — [10%, 20%), [50%, 60%) for 2 bits;
 * [10%, 20%), [30%, 40%), [60%, 70%) for 3 — and distractors c–f elsewhere. The class (4 or 8) is the order
 * of the relevant symbols, read on the last step. Success: < 1% of fresh sequences misclassified.
 */
public final class TemporalOrderTask implements Task {
    private static final int SYMBOLS = 6;
    private final int bits, batch, seq;
    private final long seed;
    private final Rng rng = new Rng(0);
    private final Batch b;

    public TemporalOrderTask(int bits, int batch, int seq, long seed) {
        if (bits != 2 && bits != 3) throw new IllegalArgumentException("temporal order takes 2 or 3 bits");
        if (seq < 10) throw new IllegalArgumentException("temporal order needs sequences of length >= 10");
        this.bits = bits;
        this.batch = batch;
        this.seq = seq;
        this.seed = seed;
        this.b = new Batch(batch, seq, new float[batch * seq * SYMBOLS], null, null, new int[batch]);
    }

    @Override public String name() { return bits == 2 ? "temporal-order" : "temporal-order-3bit"; }
    @Override public TaskShape shape() { return new TaskShape(TaskShape.Kind.CLASSIFICATION, SYMBOLS, 0, 1 << bits); }
    @Override public int batchSize() { return batch; }
    @Override public int seqLen() { return seq; }
    @Override public String criterion() { return "argmax != class counts as wrong; success: < 1% wrong"; }

    @Override
    public Batch batch(long k) {
        return fill(rng.reseed(seed, k));
    }

    @Override
    public Batch evalBatch(long k) {
        return fill(rng.reseed(seed ^ MarkedPairTask.EVAL_STREAM, k));
    }

    private int[] windows() {
        double[] starts = bits == 2 ? new double[] {0.1, 0.5} : new double[] {0.1, 0.3, 0.6};
        int[] w = new int[2 * bits];
        for (int i = 0; i < bits; i++) {
            int lo = (int) (seq * starts[i]), hi = Math.max(lo + 1, (int) (seq * (starts[i] + 0.1)));
            w[2 * i] = lo;
            w[2 * i + 1] = hi;
        }
        return w;
    }

    private Batch fill(Rng r) {
        float[] x = b.features();
        java.util.Arrays.fill(x, 0f);
        int[] w = windows();
        for (int i = 0; i < batch; i++) {
            int base = i * seq * SYMBOLS;
            for (int t = 0; t < seq; t++) x[base + t * SYMBOLS + 2 + r.nextInt(4)] = 1f;
            int cls = 0;
            for (int k = 0; k < bits; k++) {
                int pos = r.nextInt(w[2 * k], w[2 * k + 1]);
                int sym = r.nextInt(2);
                int row = base + pos * SYMBOLS;
                java.util.Arrays.fill(x, row, row + SYMBOLS, 0f);
                x[row + sym] = 1f;
                cls = cls * 2 + sym;
            }
            b.targetIds()[i] = cls;
        }
        return b;
    }

    @Override
    public int errors(Batch bt, float[] outputs) {
        int classes = 1 << bits, wrong = 0;
        for (int i = 0; i < bt.batch(); i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) if (outputs[i * classes + c] > outputs[i * classes + best]) best = c;
            if (best != bt.targetIds()[i]) wrong++;
        }
        return wrong;
    }
}
