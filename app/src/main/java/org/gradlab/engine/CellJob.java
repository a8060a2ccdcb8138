package org.gradlab.engine;

/** One job object for all the recurrent cell kernels ({@link CpuCells}): which kernel and its arguments, split by batch rows. */
final class CellJob implements WorkerPool.Job {
    static final int RNN_F = 0, RNN_B = 1, LSTM_F = 2, LSTM_B = 3, GRU_F = 4, GRU_B = 5, SIG_F = 6, SIG_B = 7;
    private final ThreadScratch scratch;
    int op, batch, hd;
    float[] p0, p1, p2, p3, p4, p5, p6;
    int o0, o1, o2, o3, o4, o5, o6;

    CellJob(ThreadScratch scratch) {
        this.scratch = scratch;
    }

    @Override
    public void run(int chunk, int chunks) {
        int r0 = WorkerPool.splitStart(batch, chunk, chunks, 1), r1 = WorkerPool.splitStart(batch, chunk + 1, chunks, 1);
        if (r1 <= r0) return;
        switch (op) {
            case RNN_F -> CpuCells.rnnTanhForward(r0, r1, hd, p0, o0, p1, o1, p2, o2);
            case RNN_B -> CpuCells.rnnTanhBackward(r0, r1, hd, p0, o0, p1, o1, p2, o2);
            case SIG_F -> CpuCells.rnnSigmoidForward(r0, r1, hd, p0, o0, p1, o1, p2, o2);
            case SIG_B -> CpuCells.rnnSigmoidBackward(r0, r1, hd, p0, o0, p1, o1, p2, o2);
            case LSTM_F -> CpuCells.lstmForward(r0, r1, hd, p0, o0, p1, o1, p2, o2, p3, o3, p4, o4, p5, o5);
            case LSTM_B -> CpuCells.lstmBackward(r0, r1, hd, p0, o0, p1, o1, p2, o2, p3, o3, p4, o4, p5, o5,
                    scratch.floats(chunk, hd));
            case GRU_F -> CpuCells.gruForward(r0, r1, hd, p0, o0, p1, o1, p2, o2, p3, o3, p4, o4);
            case GRU_B -> CpuCells.gruBackward(r0, r1, hd, p0, o0, p1, o1, p2, o2, p3, o3, p4, o4, p5, o5, p6, o6);
            default -> throw new IllegalStateException("cell op " + op);
        }
    }
}
