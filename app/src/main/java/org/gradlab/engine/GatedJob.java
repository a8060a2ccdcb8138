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
    /** The backward's per-step ‖∂L/∂h_t‖² groups (see {@link SegmentJob#sumStepGroups}); null: not taken. */
    double[] groupSums;

    GatedJob(ThreadScratch scratch) {
        this.scratch = scratch;
    }

    /** Where thread `chunk` of `chunks` starts its rows of the batch: whole micro-tile panels where it can. */
    private static int rowStart(int batch, int chunk, int chunks) {
        return WorkerPool.splitStart(batch, chunk, chunks, VectorGemm.MR);
    }

    /** Whether each of `chunks` threads' rows starts on a group of the per-step gradient sums. */
    static boolean sharesOnGroups(int batch, int hidden, int chunks) {
        for (int c = 1; c < chunks; c++) {
            int r = rowStart(batch, c, chunks);
            if (r < batch && r % SegmentJob.gradientRows(hidden) != 0) return false;
        }
        return true;
    }

    @Override
    public void run(int chunk, int chunks) {
        int r0 = rowStart(batch, chunk, chunks), r1 = rowStart(batch, chunk + 1, chunks);
        if (r1 <= r0) return;
        if (backward) GatedRecurrence.backward(r0, r1, lstm, seq, batch, hidden, w, packedN, gates, hg, hs, cs, dH, dHOff,
                dc, dPreX, dPreH, dSink, scratch.floats(chunk, hidden), scratch.gemm(chunk), groupSums, scratch.lanes(chunk));
        else GatedRecurrence.forward(r0, r1, lstm, seq, batch, hidden, w, packedN, bias, bhhOff, xg, hg, gates, hs, cs,
                scratch.floats(chunk, (r1 - r0) * (lstm ? 4 : 3) * hidden), scratch.gemm(chunk));
    }
}
