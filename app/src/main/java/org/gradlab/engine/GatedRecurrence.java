package org.gradlab.engine;

/**
 * The CPU's LSTM/GRU recurrence for rows [r0, r1) of the batch through every time step: a row's recurrence never
 * reads another row, so a thread can take its share of the batch through the whole sequence with no hand-off per
 * step (the per-step calls split each product's columns and each cell's rows across threads, and met twice a
 * step). Each element is computed exactly as the per-step calls compute it ({@link GatedSteps}): the same vector
 * GEMM chain over k, the bias added after, the same cells.
 */
final class GatedRecurrence {
    private GatedRecurrence() {}

    /**
     * w: W_hhᵀ [H, G] as {@link Backend#packForProducts} left it — strips when packedN > 0, else row-major; tile: the
     * thread's own (r1 − r0) × G floats. Each step's product is stored there, not in hg: a product stores a strip of
     * eight rows at a time, G floats apart, and the second-level cache's prefetcher, following that stride, runs on into
     * the next rows — the other thread's, which it is writing at the same step. Two threads sharing hg that way ran 20%
     * slower than each alone at hidden 128 (10% at 256; threads writing separate arrays ran as fast as one alone). A GRU's
     * backward reads hg_t, so its rows are copied there, in order; an LSTM's backward does not, and its hg is left alone.
     */
    static void forward(int r0, int r1, boolean lstm, int seq, int batch, int hid, float[] w, int packedN, float[] bias,
                        int bhhOff, float[] xg, float[] hg, float[] gates, float[] hs, float[] cs, float[] tile,
                        VectorGemm.Scratch s) {
        int gh = (lstm ? 4 : 3) * hid, blk = batch * hid, gblk = batch * gh, m = r1 - r0, to = -r0 * gh;
        for (int t = 0; t < seq; t++) {
            // the bias added as each strip is stored, the same addition as a pass after the product (GemmTest), without
            // reading the step's gates back
            VectorGemm.gemm(m, hid, hs, t * blk + r0 * hid, hid, 1, w, 0, packedN > 0 ? 0 : gh, tile, 0, gh, false, 0, gh, s,
                    VectorGemm.MR, packedN, bias, bhhOff);
            if (lstm) {
                CpuCells.lstmForward(r0, r1, hid, xg, t * gblk, tile, to, cs, t * blk, gates, t * gblk, cs, (t + 1) * blk,
                        hs, (t + 1) * blk);
            } else {
                CpuCells.gruForward(r0, r1, hid, xg, t * gblk, tile, to, hs, t * blk, gates, t * gblk, hs, (t + 1) * blk);
                System.arraycopy(tile, 0, hg, t * gblk + r0 * gh, m * gh);
            }
        }
    }

    /**
     * w: W_hh [G, H] as packForProducts left it; tmp: the LSTM cell's scratch of H floats. With groupSums, the rows'
     * groups of each step's ‖∂L/∂h_t‖² as the step's gradient is final (SegmentJob#sumStepGroups; r0 on a group's edge).
     */
    static void backward(int r0, int r1, boolean lstm, int seq, int batch, int hid, float[] w, int packedN, float[] gates,
                         float[] hg, float[] hs, float[] cs, float[] dH, int dHOff, float[] dc, float[] dPreX,
                         float[] dPreH, float[] dSink, float[] tmp, VectorGemm.Scratch s, double[] groupSums, double[] lanes) {
        int gh = (lstm ? 4 : 3) * hid, blk = batch * hid, gblk = batch * gh, m = r1 - r0;
        for (int t = seq - 1; t >= 0; t--) {
            // dH_t is final here: step t + 1's product has just added into it
            if (groupSums != null) SegmentJob.sumStepGroups(r0, r1, batch, hid, dH, dHOff + t * blk, groupSums, t, lanes);
            if (lstm) CpuCells.lstmBackward(r0, r1, hid, gates, t * gblk, cs, (t + 1) * blk, cs, t * blk, dH, dHOff + t * blk,
                    dc, 0, dPreX, t * gblk, tmp);
            else CpuCells.gruBackward(r0, r1, hid, gates, t * gblk, hg, t * gblk, hs, t * blk, dH, dHOff + t * blk, dPreX,
                    t * gblk, dPreH, t * gblk, t > 0 ? dH : dSink, t > 0 ? dHOff + (t - 1) * blk : 0);
            if (t > 0) product(m, hid, gh, dPreH, t * gblk + r0 * gh, gh, 1, w, packedN, dH, dHOff + (t - 1) * blk + r0 * hid,
                    hid, true, s);
        }
    }

    private static void product(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] w, int packedN,
                                float[] c, int cOff, int ldc, boolean acc, VectorGemm.Scratch s) {
        if (packedN > 0) VectorGemm.gemmPacked(m, n, k, a, aOff, ars, acs, w, c, cOff, ldc, acc, 0, n, s);
        else VectorGemm.gemm(m, k, a, aOff, ars, acs, w, 0, n, c, cOff, ldc, acc, 0, n, s);
    }
}
