package org.gradlab.engine;

/**
 * An LSTM's or GRU's recurrence as one backend call per step and kind: what {@link Backend#gatedSequenceForward}
 * and {@link Backend#gatedSequenceBackward} mean, and the reference a backend's whole-sequence version must equal
 * bit for bit. G = 4H for an LSTM, 3H for a GRU; every buffer is time-major blocks of `batch` rows.
 */
public final class GatedSteps {
    private GatedSteps() {}

    public static void forward(Backend be, boolean lstm, int seq, int batch, int hidden, Buf whhTPacked, Buf bias,
                               int bhhOff, Buf xg, Buf hg, Buf gates, Buf hs, Buf cs) {
        int gh = (lstm ? 4 : 3) * hidden, blk = batch * hidden, gblk = batch * gh;
        for (int t = 0; t < seq; t++) {
            be.gemmBiasPacked(batch, gh, hidden, hs, t * blk, hidden, 1, whhTPacked, hg, t * gblk, gh, bias, bhhOff);
            if (lstm) be.lstmForward(batch, hidden, xg, t * gblk, hg, t * gblk, cs, t * blk, gates, t * gblk, cs, (t + 1) * blk,
                    hs, (t + 1) * blk);
            else be.gruForward(batch, hidden, xg, t * gblk, hg, t * gblk, hs, t * blk, gates, t * gblk, hs, (t + 1) * blk);
        }
    }

    public static void backward(Backend be, boolean lstm, int seq, int batch, int hidden, Buf whhPacked, Buf gates,
                                Buf hg, Buf hs, Buf cs, Buf dH, int dHOff, Buf dc, Buf dPreX, Buf dPreH, Buf dSink) {
        int gh = (lstm ? 4 : 3) * hidden, blk = batch * hidden, gblk = batch * gh;
        for (int t = seq - 1; t >= 0; t--) {
            if (lstm) be.lstmBackward(batch, hidden, gates, t * gblk, cs, (t + 1) * blk, cs, t * blk, dH, dHOff + t * blk,
                    dc, 0, dPreX, t * gblk);
            else be.gruBackward(batch, hidden, gates, t * gblk, hg, t * gblk, hs, t * blk, dH, dHOff + t * blk, dPreX,
                    t * gblk, dPreH, t * gblk, t > 0 ? dH : dSink, t > 0 ? dHOff + (t - 1) * blk : 0);
            if (t > 0) be.gemmPacked(batch, hidden, gh, dPreH, t * gblk, gh, 1, whhPacked, dH, dHOff + (t - 1) * blk,
                    hidden, true);
        }
    }
}
