package org.gradlab.engine;

/**
 * The tanh/sigmoid RNN's whole sequence on the CPU, one share of the batch rows per thread: W_hh (and W_ih) padded
 * once per call, the steps run by {@link VectorRecurrence} with no hand-off between them.
 */
final class RecurrenceJob implements WorkerPool.Job {
    private final ThreadScratch scratch;
    boolean backward, sigmoid;
    /** Backward: dH's steps before the last are taken as zero (written, not added to). */
    boolean fromLast;
    int seq, batch, in, hidden, xOff, bihOff, bhhOff, dHOff;
    float[] padded = new float[0], paddedIn = new float[0], x, bias, xg, hg, h, dH, dPre;
    /** Backward: where each step's row groups' Σ dH_t² go, step-major (null: not measured). */
    double[] groupSums;
    /** Per thread: the input projection's tile (the hidden product's is the thread's scratch). */
    float[][] inputTiles = new float[0][];

    RecurrenceJob(ThreadScratch scratch) {
        this.scratch = scratch;
    }

    RecurrenceJob prepare(boolean backward, boolean sigmoid, int seq, int batch, int hidden, float[] w, int wOff) {
        this.backward = backward; this.sigmoid = sigmoid; this.seq = seq; this.batch = batch; this.hidden = hidden;
        int size = hidden * VectorGemm.padded(hidden);
        if (padded.length < size) padded = new float[size];
        VectorRecurrence.pad(hidden, hidden, w, wOff, hidden, padded);
        return this;
    }

    void padInput(int in, float[] wihT) {
        this.in = in;
        if (inputTiles.length < scratch.threads()) inputTiles = new float[scratch.threads()][0];
        int size = in * VectorGemm.padded(hidden);
        if (paddedIn.length < size) paddedIn = new float[size];
        VectorRecurrence.pad(in, hidden, wihT, 0, hidden, paddedIn);
    }

    @Override
    public void run(int chunk, int chunks) {
        // backward, whole groups of rows a thread: each takes its own groups' gradient sums
        int align = backward ? SegmentJob.gradientRows(hidden) : 1;
        int r0 = WorkerPool.splitStart(batch, chunk, chunks, align), r1 = WorkerPool.splitStart(batch, chunk + 1, chunks, align);
        if (r1 <= r0) return;
        int tileSize = VectorRecurrence.MR * VectorGemm.padded(hidden);
        float[] tile = scratch.floats(chunk, tileSize);
        if (backward) {
            VectorRecurrence.backward(r0, r1, sigmoid, seq, batch, hidden, padded, h, dH, dHOff, fromLast, dPre, tile,
                    groupSums, scratch.lanes(chunk));
            return;
        }
        if (inputTiles[chunk].length < tileSize) inputTiles[chunk] = new float[tileSize];
        VectorRecurrence.forward(r0, r1, sigmoid, seq, batch, in, hidden, x, xOff, paddedIn, padded, bias, bihOff, bhhOff,
                xg, hg, h, inputTiles[chunk], tile);
    }
}
