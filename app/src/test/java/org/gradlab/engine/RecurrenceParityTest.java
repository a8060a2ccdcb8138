package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.gradlab.engine.HostCopies.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU backend's whole-sequence RNN (one call per forward or backward, rows split across threads once) against
 * the per-step calls it replaces, bit for bit: recorded runs are forked and resumed by recomputing them, and a
 * rerun must land on the recorded bits whichever path computed the recording.
 */
class RecurrenceParityTest {
    @Test
    void wholeSequenceEqualsPerStepCallsBitForBit() {
        SplittableRandom rng = new SplittableRandom(5);
        int[] hiddens = {1, 3, 15, 16, 17, 31, 32, 33, 48, 50, 64, 100, 130};
        int cases = 0;
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int trial = 0; trial < 40; trial++) {
                    int hidden = hiddens[rng.nextInt(hiddens.length)];
                    int batch = 1 + rng.nextInt(trial % 4 == 0 ? 40 : 14), seq = 1 + rng.nextInt(12);
                    check(be, rng, trial % 3 == 0, seq, batch, hidden);
                    cases++;
                }
            }
        }
        assertEquals(120, cases);
    }

    /** Pascanu's temporal-order size, where the whole-sequence path matters most. */
    @Test
    void pascanuSizeEqualsPerStepCallsBitForBit() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                check(be, rng, false, 100, 20, 50);
                check(be, rng, true, 100, 20, 50);
            }
        }
    }

    /**
     * Rows in tiles of five (a 49- to 63-unit layer's whole padded row a kernel call, where each thread's rows come out
     * in fives): forward, backward and the last-step backward, on one to three threads, against the per-step calls.
     */
    @Test
    void fiveRowTilesEqualPerStepCallsBitForBit() {
        assertEquals(VectorRecurrence.MR == 8, VectorRecurrence.fiveRowTiles(50, 20), "50 units, 20 rows");
        assertTrue(!VectorRecurrence.fiveRowTiles(48, 20) && !VectorRecurrence.fiveRowTiles(64, 20)
                && !VectorRecurrence.fiveRowTiles(50, 16), "only three whole vectors and a narrow one, in whole fives");
        SplittableRandom rng = new SplittableRandom(13);
        int[] hiddens = {49, 50, 57, 63}, batches = {5, 10, 15, 20, 30, 40};
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int hidden : hiddens) {
                    int batch = batches[rng.nextInt(batches.length)], seq = 1 + rng.nextInt(12);
                    check(be, rng, hidden % 2 == 0, seq, batch, hidden);
                    checkFromLast(be, rng, hidden % 2 == 1, seq, batch, hidden);
                }
                check(be, rng, false, 7, 5 * threads, 50);
                checkFromLast(be, rng, false, 7, 10 * threads, 50);
            }
        }
    }

    /**
     * A loss on the last step only: the backward that takes dH's earlier steps as zero (whatever they hold: NaN here)
     * gives the bits of zeroing them and running the general backward — dH, dPre and each step's Σ dH².
     */
    @Test
    void fromLastEqualsZeroedStepsBitForBit() {
        SplittableRandom rng = new SplittableRandom(11);
        int[] hiddens = {1, 15, 16, 17, 33, 48, 50, 64, 100};
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int trial = 0; trial < 14; trial++) {
                    int hidden = hiddens[rng.nextInt(hiddens.length)], batch = trial == 0 ? 20 : 1 + rng.nextInt(30);
                    checkFromLast(be, rng, trial % 3 == 1, trial == 0 ? 100 : 1 + rng.nextInt(12), batch, trial == 0 ? 50 : hidden);
                }
            }
        }
    }

    private static void checkFromLast(CpuBackend be, SplittableRandom rng, boolean sigmoid, int seq, int batch, int hidden) {
        int blk = batch * hidden, dHOff = 3, whhOff = 5;
        Buf w = up(be, rand(rng, whhOff + hidden * hidden, (float) (1.5 / Math.sqrt(hidden))));
        float[] hv = rand(rng, (seq + 1) * blk, 0.9f), dOut = rand(rng, dHOff + seq * blk, 1f);
        Buf h = up(be, hv);
        Buf[] dHs = new Buf[2], dPres = new Buf[2];
        double[][] sums = new double[2][seq];
        for (int path = 0; path < 2; path++) {
            dHs[path] = up(be, dOut);
            dPres[path] = be.alloc(seq * blk);
            if (path == 0) {
                be.fill(dHs[0], dHOff, (seq - 1) * blk, 0f);
                be.rnnSequenceBackward(sigmoid, seq, batch, hidden, w, whhOff, h, dHs[0], dHOff, dPres[0], sums[0], 0);
            } else {
                be.fill(dHs[1], dHOff, (seq - 1) * blk, Float.NaN);
                be.rnnSequenceBackwardFromLast(sigmoid, seq, batch, hidden, w, whhOff, h, dHs[1], dHOff, dPres[1], sums[1], 0);
            }
        }
        String what = "from last: " + (sigmoid ? "sigmoid" : "tanh") + " T=" + seq + " B=" + batch + " H=" + hidden + " threads=" + be.threads();
        sameBits(be, dHs, dHOff + seq * blk, what + " dH");
        sameBits(be, dPres, seq * blk, what + " dPre");
        for (int t = 0; t < seq; t++) assertEquals(sums[0][t], sums[1][t], what + " step " + t + "'s Σ dH²");
    }

    /**
     * Row tiles cover the rows exactly, at most MR (6 or 8) each, and an even count runs in whole tiles of four, six
     * and eight.
     */
    @Test
    void rowTilesComeOutWhole() {
        for (int rows = 1; rows <= 100; rows++) {
            int done = 0, wasted = 0;
            while (done < rows) {
                int t = VectorRecurrence.tileRows(rows - done);
                assertTrue(t >= 1 && t <= VectorRecurrence.MR && t <= rows - done, rows + ": tile " + t);
                wasted += t <= 4 ? 4 - t : t <= 6 ? 6 - t : 8 - t;
                done += t;
            }
            assertEquals(rows, done);
            if (rows % 2 == 0 && rows >= 4) assertEquals(0, wasted, rows + " rows");
        }
    }

    private static void check(CpuBackend be, SplittableRandom rng, boolean sigmoid, int seq, int batch, int hidden) {
        int blk = batch * hidden, in = (seq + hidden) % 4 == 0 ? 20 + hidden % 50 : 1 + (seq * 7 + hidden) % 9, xOff = 7;
        float scale = (float) (1.5 / Math.sqrt(hidden));
        float[] whh = rand(rng, hidden * hidden + 5, scale), wih = rand(rng, hidden * in, 1f), bias = rand(rng, 2 * hidden + 3, 0.5f);
        float[] xs = rand(rng, xOff + seq * batch * in, 1f), h0 = rand(rng, blk, 1f), dOut = rand(rng, 3 + seq * blk, 1f);
        int whhOff = 5, bihOff = 3, bhhOff = 3 + hidden, dHOff = 3;
        Buf w = up(be, whh), wT = be.alloc(hidden * hidden), wi = up(be, wih), wiT = be.alloc(hidden * in), b = up(be, bias), x = up(be, xs);
        be.transpose(w, whhOff, hidden, hidden, wT, 0);
        be.transpose(wi, 0, hidden, in, wiT, 0);

        Buf[] hs = new Buf[2], dHs = new Buf[2], dPres = new Buf[2];
        for (int path = 0; path < 2; path++) {
            hs[path] = be.alloc((seq + 1) * blk);
            be.upload(h0, 0, hs[path], 0, blk);
            Buf xg = be.alloc(seq * blk), hg = be.alloc(seq * blk);
            dHs[path] = up(be, dOut);
            dPres[path] = be.alloc(seq * blk);
            if (path == 0) {
                RecurrenceSteps.forward(be, sigmoid, seq, batch, in, hidden, x, xOff, wiT, wT, b, bihOff, bhhOff, xg, hg, hs[0]);
                RecurrenceSteps.backward(be, sigmoid, seq, batch, hidden, w, whhOff, hs[0], dHs[0], dHOff, dPres[0]);
            } else {
                be.rnnSequenceForward(sigmoid, seq, batch, in, hidden, x, xOff, wiT, wT, b, bihOff, bhhOff, xg, hg, hs[1]);
                be.rnnSequenceBackward(sigmoid, seq, batch, hidden, w, whhOff, hs[1], dHs[1], dHOff, dPres[1]);
            }
        }
        String what = (sigmoid ? "sigmoid" : "tanh") + " T=" + seq + " B=" + batch + " in=" + in + " H=" + hidden + " threads=" + be.threads();
        float[] last = sameBits(be, hs, (seq + 1) * blk, what + " h");
        sameBits(be, dHs, 3 + seq * blk, what + " dH");
        sameBits(be, dPres, seq * blk, what + " dPre");
        // the comparison is only worth something if the recurrence did not saturate or die out
        double energy = 0;
        for (int i = seq * blk; i < (seq + 1) * blk; i++) energy += Math.abs(last[i]);
        assertTrue(energy > 0, what + ": last state all zero");
    }

    private static float[] sameBits(CpuBackend be, Buf[] pair, int n, String what) {
        float[] want = new float[n], got = new float[n];
        be.download(pair[0], 0, want, 0, n);
        be.download(pair[1], 0, got, 0, n);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    what + " at " + i + ": " + want[i] + " vs " + got[i]);
        }
        return got;
    }


    private static float[] rand(SplittableRandom rng, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        return v;
    }
}
