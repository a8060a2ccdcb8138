package org.gradlab.engine;

/**
 * A single-gate RNN's recurrence as one backend call per step: what {@link Backend#rnnSequenceForward} and
 * {@link Backend#rnnSequenceBackward} mean, and the reference a backend's whole-sequence version must equal
 * bit for bit.
 */
public final class RecurrenceSteps {
    private RecurrenceSteps() {}

    public static void forward(Backend be, boolean sigmoid, int seq, int batch, int in, int hidden, Buf x, int xOff,
                               Buf wihT, Buf whhT, Buf bias, int bihOff, int bhhOff, Buf xg, Buf hg, Buf h) {
        int blk = batch * hidden;
        be.gemmBias(seq * batch, hidden, in, x, xOff, in, 1, wihT, 0, hidden, xg, 0, hidden, bias, bihOff);
        for (int t = 0; t < seq; t++) {
            be.gemmBias(batch, hidden, hidden, h, t * blk, hidden, 1, whhT, 0, hidden, hg, t * blk, hidden, bias, bhhOff);
            if (sigmoid) be.rnnSigmoidForward(batch, hidden, xg, t * blk, hg, t * blk, h, (t + 1) * blk);
            else be.rnnTanhForward(batch, hidden, xg, t * blk, hg, t * blk, h, (t + 1) * blk);
        }
    }

    public static void backward(Backend be, boolean sigmoid, int seq, int batch, int hidden, Buf whh, int whhOff,
                                Buf h, Buf dH, int dHOff, Buf dPre) {
        int blk = batch * hidden;
        for (int t = seq - 1; t >= 0; t--) {
            if (sigmoid) be.rnnSigmoidBackward(batch, hidden, h, (t + 1) * blk, dH, dHOff + t * blk, dPre, t * blk);
            else be.rnnTanhBackward(batch, hidden, h, (t + 1) * blk, dH, dHOff + t * blk, dPre, t * blk);
            if (t > 0) be.gemm(batch, hidden, hidden, dPre, t * blk, hidden, 1, whh, whhOff, hidden, dH, dHOff + (t - 1) * blk, hidden, true);
        }
    }
}
