package org.gradlab.engine;

/**
 * The LSTM/GRU recurrence through the whole sequence, one share of the batch per thread ({@link GatedRecurrence}):
 * rows split in whole micro-tile panels where the batch allows, so each thread's product tiles as the whole one.
 */
final class GatedJob implements WorkerPool.Job {
    private final ThreadScratch scratch;
    boolean backward, lstm;
    int seq, batch, hidden, packedN, bhhOff, dHOff;
    float[] w, bias, xg, hg, gates, hs, cs, dH, dc, dPreX, dPreH, dSink;

    GatedJob(ThreadScratch scratch) {
        this.scratch = scratch;
    }

    @Override
    public void run(int chunk, int chunks) {
        int r0 = WorkerPool.splitStart(batch, chunk, chunks, VectorGemm.MR);
        int r1 = WorkerPool.splitStart(batch, chunk + 1, chunks, VectorGemm.MR);
        if (r1 <= r0) return;
        if (backward) GatedRecurrence.backward(r0, r1, lstm, seq, batch, hidden, w, packedN, gates, hg, hs, cs, dH, dHOff,
                dc, dPreX, dPreH, dSink, scratch.floats(chunk, hidden), scratch.gemm(chunk));
        else GatedRecurrence.forward(r0, r1, lstm, seq, batch, hidden, w, packedN, bias, bhhOff, xg, hg, gates, hs, cs,
                scratch.floats(chunk, (r1 - r0) * (lstm ? 4 : 3) * hidden), scratch.gemm(chunk));
    }
}
