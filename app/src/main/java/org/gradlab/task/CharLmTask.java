package org.gradlab.task;

/**
 * Next-character prediction on a {@link CharCorpus}: each sequence is a random window of seq+1 characters of
 * the first 90% of the text (the last 10% is held out for evaluation).
 */
public final class CharLmTask implements Task {
    private final CharCorpus corpus;
    private final int batch, seq, trainEnd;
    private final long seed;
    private final Rng rng = new Rng(0);
    private final Batch b;

    public CharLmTask(CharCorpus corpus, int batch, int seq, long seed) {
        if (corpus.length() < 10 * (seq + 1)) throw new IllegalArgumentException("corpus too short for sequences of " + seq);
        this.corpus = corpus;
        this.batch = batch;
        this.seq = seq;
        this.seed = seed;
        this.trainEnd = (int) (corpus.length() * 0.9);
        this.b = new Batch(batch, seq, null, new int[batch * seq], null, new int[batch * seq]);
    }

    public CharCorpus corpus() { return corpus; }
    @Override public String name() { return "charlm"; }
    @Override public TaskShape shape() { return new TaskShape(TaskShape.Kind.LANGUAGE_MODEL, 0, corpus.vocab(), corpus.vocab()); }
    @Override public int batchSize() { return batch; }
    @Override public int seqLen() { return seq; }
    @Override public String criterion() { return "loss well below the unigram entropy " + String.format("%.3f", corpus.unigramEntropy()) + " nats"; }

    @Override
    public Batch batch(long k) {
        return fill(rng.reseed(seed, k), 0, trainEnd);
    }

    @Override
    public Batch evalBatch(long k) {
        return fill(rng.reseed(seed ^ MarkedPairTask.EVAL_STREAM, k), trainEnd, corpus.length());
    }

    private Batch fill(Rng r, int lo, int hi) {
        for (int i = 0; i < batch; i++) {
            int start = r.nextInt(lo, hi - seq - 1);
            for (int t = 0; t < seq; t++) {
                b.tokens()[i * seq + t] = corpus.id(start + t);
                b.targetIds()[i * seq + t] = corpus.id(start + t + 1);
            }
        }
        return b;
    }

    /** Counts sequences whose mean next-character cross-entropy exceeds the unigram entropy. */
    @Override
    public int errors(Batch bt, float[] outputs) {
        int v = corpus.vocab(), wrong = 0;
        double h = corpus.unigramEntropy();
        for (int i = 0; i < bt.batch(); i++) {
            double loss = 0;
            for (int t = 0; t < seq; t++) {
                int row = (i * seq + t) * v;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < v; c++) max = Math.max(max, outputs[row + c]);
                double s = 0;
                for (int c = 0; c < v; c++) s += Math.exp(outputs[row + c] - max);
                loss += Math.log(s) + max - outputs[row + bt.targetIds()[i * seq + t]];
            }
            if (loss / seq > h) wrong++;
        }
        return wrong;
    }
}
