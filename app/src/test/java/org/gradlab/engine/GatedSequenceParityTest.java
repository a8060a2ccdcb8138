package org.gradlab.engine;

import static org.gradlab.engine.HostCopies.down;
import static org.gradlab.engine.HostCopies.up;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's whole-sequence LSTM and GRU (each thread its share of the batch through every step) against
 * the per-step calls they replace ({@link GatedSteps}), bit for bit, forward and backward: recorded runs are
 * resumed and forked by recomputing them, so every path and thread count must land on the same bits.
 */
class GatedSequenceParityTest {
    @Test
    void wholeSequenceEqualsPerStepCallsBitForBit() {
        SplittableRandom rng = new SplittableRandom(21);
        int[] hiddens = {1, 3, 16, 17, 33, 40, 64};
        int cases = 0, measured = 0;
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int trial = 0; trial < 24; trial++) {
                    // every third batch gives each thread two micro-tile panels or more (the batch-split path), the
                    // rest fewer (the per-step calls on more than one thread)
                    int batch = trial % 3 == 0 ? 16 * threads + rng.nextInt(20) : 1 + rng.nextInt(20), seq = 1 + rng.nextInt(6);
                    if (check(be, rng, trial % 2 == 0, seq, batch, hiddens[rng.nextInt(hiddens.length)])) measured++;
                    cases++;
                }
                // the anchors' shape: groups of 8 rows of 128, 4 of 256 — each thread's share starts on one
                for (int hidden : new int[] {128, 256}) {
                    boolean m = check(be, rng, hidden == 128, 3, 32, hidden);
                    // two threads share the 32 rows there (three would leave one under two panels: the per-step calls)
                    if (VectorSupport.ENABLED && threads <= 2) assertEquals(true, m, "H=" + hidden + " on " + threads + " threads: measured in the loop");
                }
            }
        }
        assertEquals(72, cases);
        // the whole-sequence path took each step's ‖∂L/∂h_t‖² in its loop somewhere (on a vector machine), bits checked
        assertEquals(true, !VectorSupport.ENABLED || measured >= 6, measured + " cases measured in the loop");
    }

    /** A recurrent weight past a core's second-level cache (the threads split each step, not the batch): the same bits. */
    @Test
    void packedWeightsGiveTheSameBits() {
        SplittableRandom rng = new SplittableRandom(22);
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                check(be, rng, true, 2, 17, 512);
                check(be, rng, false, 2, 16, 600);
            }
        }
    }

    /**
     * Returns whether the whole-sequence backward took each step's ‖∂L/∂h_t‖² in its loop, those then checked against
     * {@link Backend#timeGradientSums}' pass over the final dH, bit for bit.
     */
    private static boolean check(CpuBackend be, SplittableRandom rng, boolean lstm, int seq, int batch, int hidden) {
        int gh = (lstm ? 4 : 3) * hidden, blk = batch * hidden, gblk = batch * gh, bhhOff = 3, dHOff = 5;
        String what = (lstm ? "LSTM" : "GRU") + " threads=" + be.threads() + " T=" + seq + " B=" + batch + " H=" + hidden;
        float[] w = rand(rng, gh * hidden, (float) (1.5 / Math.sqrt(hidden))), bias = rand(rng, bhhOff + gh, 0.5f);
        float[] xg0 = rand(rng, seq * gblk, 1.5f), h0 = rand(rng, blk, 1f), c0 = rand(rng, blk, 1f);
        float[] dOut = rand(rng, dHOff + seq * blk, 1f);
        Buf wb = up(be, w), wT = be.alloc(gh * hidden), packed = be.alloc(gh * hidden), b = up(be, bias);
        be.transpose(wb, 0, gh, hidden, wT, 0);
        float[][][] got = new float[2][][];
        double[] inLoop = new double[seq + 2], pass = new double[seq];
        boolean measured = false;
        for (int path = 0; path < 2; path++) {
            Buf xg = up(be, xg0), hg = be.alloc(seq * gblk), gates = be.alloc(seq * gblk);
            Buf hs = be.alloc((seq + 1) * blk), cs = be.alloc((seq + 1) * blk);
            be.upload(h0, 0, hs, 0, blk);
            be.upload(c0, 0, cs, 0, blk);
            Buf dH = up(be, dOut), dc = be.alloc(blk), dPreX = be.alloc(seq * gblk);
            Buf dPreH = lstm ? dPreX : be.alloc(seq * gblk), dSink = be.alloc(blk);
            be.packForProducts(hidden, gh, wT, 0, packed);
            if (path == 0) GatedSteps.forward(be, lstm, seq, batch, hidden, packed, b, bhhOff, xg, hg, gates, hs, cs);
            else be.gatedSequenceForward(lstm, seq, batch, hidden, packed, b, bhhOff, xg, hg, gates, hs, cs);
            be.packForProducts(gh, hidden, wb, 0, packed);
            if (path == 0) GatedSteps.backward(be, lstm, seq, batch, hidden, packed, gates, hg, hs, cs, dH, dHOff, dc, dPreX,
                    dPreH, dSink);
            else measured = be.gatedSequenceBackward(lstm, seq, batch, hidden, packed, gates, hg, hs, cs, dH, dHOff, dc, dPreX,
                    dPreH, dSink, inLoop, 1);
            if (path == 1) {
                int[] offsets = new int[seq], sizes = new int[seq];
                for (int t = 0; t < seq; t++) {
                    offsets[t] = dHOff + t * blk;
                    sizes[t] = blk;
                }
                be.timeGradientSums(dH, offsets, sizes, hidden, pass);
                be.collect();
            }
            got[path] = new float[][] {down(be, hg), down(be, gates), down(be, hs), down(be, cs), down(be, dH), down(be, dc),
                    down(be, dPreX), down(be, dPreH), down(be, dSink)};
        }
        String[] names = {"hg", "gates", "h", "c", "dH", "dc", "dPreX", "dPreH", "dSink"};
        // an LSTM's hg is scratch: its backward does not read it, and the whole-sequence path leaves it unwritten
        for (int q = lstm ? 1 : 0; q < names.length; q++) {
            for (int i = 0; i < got[0][q].length; i++) {
                assertEquals(Float.floatToRawIntBits(got[0][q][i]), Float.floatToRawIntBits(got[1][q][i]),
                        what + ": " + names[q] + "[" + i + "] " + got[0][q][i] + " vs " + got[1][q][i]);
            }
        }
        if (!measured) return false;
        assertEquals(0.0, inLoop[0], what + ": before stepOff");
        assertEquals(0.0, inLoop[seq + 1], what + ": after the last step");
        for (int t = 0; t < seq; t++) {
            assertEquals(Double.doubleToRawLongBits(pass[t]), Double.doubleToRawLongBits(inLoop[t + 1]),
                    what + " step " + t + ": " + inLoop[t + 1] + " in the loop, " + pass[t] + " after");
        }
        return true;
    }

    private static float[] rand(SplittableRandom rng, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        return a;
    }


}
