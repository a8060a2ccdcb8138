package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A single-gate RNN's whole time loop in one call, for the small recurrent models where per-step costs dominate.
 * A thread takes a share of the batch rows through every step (rows never meet in the recurrence, so there is no
 * synchronisation per step); W_ih and W_hh are padded to whole vectors once per call and stay in cache; the input
 * and the hidden state are read in place, in row tiles of six or four, with no packing per step.
 * <p>
 * Every element is computed as {@link VectorGemm} computes it: one chain in k order, fused multiply-adds in the
 * columns that fill whole vectors, multiply then add in the narrower tail; the bias adds, the sum and the
 * activation are the per-step path's operations in its order (tanh's lanes as {@link VectorActivations}, its tail
 * and the sigmoid as {@link CpuCells}). A run is therefore bit-identical to the per-step calls
 * ({@code RecurrenceParityTest}), which recorded runs rely on when they are forked or resumed.
 */
final class VectorRecurrence {
    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = VectorGemm.L;
    /** Rows of the tallest tile: the GEMM's micro-tile, 8 with 32 vector registers (AVX-512), else 6. */
    static final int MR = VectorGemm.MR;

    private VectorRecurrence() {}

    /** out[p·np + j] = B(p, j) for j < n and 0 beyond, for k rows of B, np = {@link VectorGemm#padded}(n). */
    static void pad(int k, int n, float[] b, int bOff, int ldb, float[] out) {
        int np = VectorGemm.padded(n);
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, bOff + p * ldb, out, p * np, n);
            java.util.Arrays.fill(out, p * np + n, (p + 1) * np, 0f);
        }
    }

    /**
     * Rows [r0, r1) through all steps: xg_t = x_t·W_ih + b_ih and hg_t = h_t·W_hh + b_hh, each row tile's input
     * projection computed where it is used, then h_{t+1} = act(xg_t + hg_t); wip and wp are W_ihᵀ and W_hhᵀ padded.
     */
    static void forward(int r0, int r1, boolean sigmoid, int seq, int batch, int in, int hid, float[] x, int xOff,
                        float[] wip, float[] wp, float[] bias, int bihOff, int bhhOff, float[] xg, float[] hg, float[] h,
                        float[] inputTile, float[] tile) {
        int np = VectorGemm.padded(hid), blk = batch * hid, w = hid % L, full = hid - w;
        // the narrow columns' sums of every row of a step, taken by tanhNarrow at once at the step's end: a call a
        // tile left each call's few values waiting on their own exp (an 8-row tile's 16 values took 85-90 ns, its
        // 384 in whole vectors ~230)
        float[] narrow = new float[(r1 - r0) * w + L];
        double[] lanes = new double[VectorActivations.narrowLanes()];
        float[] bih = new float[np], bhh = new float[np]; // the biases padded to whole vectors, for the narrow sums
        pad(1, hid, bias, bihOff, hid, bih);
        pad(1, hid, bias, bhhOff, hid, bhh);
        boolean five = fiveRowTiles(hid, r1 - r0);
        for (int t = 0; t < seq; t++) {
            int at = t * blk, pending = r0; // rows from pending on hold their sums, not yet their tanh
            for (int i = r0, rows; i < r1; i += rows) {
                rows = five ? 5 : tileRows(r1 - i);
                product(in, hid, x, xOff + (t * batch + i) * in, rows, wip, inputTile, false);
                product(hid, hid, h, at + i * hid, rows, wp, tile, false);
                if (!sigmoid) {
                    VectorActivations.sumsForTanh(rows, hid, np, inputTile, tile, bih, bhh, h, at + blk + i * hid,
                            narrow, (i - r0) * w);
                    if ((i + rows - pending) % 4 == 0 || i + rows == r1) {
                        VectorActivations.tanhRows(i + rows - pending, hid, h, at + blk + pending * hid);
                        pending = i + rows;
                    }
                    continue;
                }
                for (int r = 0; r < rows; r++) {
                    int dst = at + (i + r) * hid, src = r * np;
                    for (int j = 0; j < hid; j++) {
                        xg[dst + j] = inputTile[src + j] + bias[bihOff + j];
                        hg[dst + j] = tile[src + j] + bias[bhhOff + j];
                    }
                }
                CpuCells.rnnSigmoidForward(i, i + rows, hid, xg, at, hg, at, h, at + blk);
            }
            if (sigmoid || w == 0) continue;
            VectorActivations.tanhNarrow(narrow, (r1 - r0) * w, lanes);
            for (int r = r0, n = 0; r < r1; r++) {
                for (int j = full, dst = at + blk + r * hid; j < hid; j++) h[dst + j] = narrow[n++];
            }
        }
    }

    /**
     * Rows [r0, r1) back through all steps: dPre_t = dH_t ⊙ act'(h_{t+1}), dH_{t−1} += dPre_t·W; wp is W_hh padded.
     * With groupSums, each group of {@link SegmentJob#gradientRows} rows' Σ dH_t² into groupSums[t·groups + g] as the
     * step's gradient is final (r0 and r1 on group boundaries, or r1 the batch's end). With
     * fromLast, dH's steps before the last are taken as zero: each product is written there, not added (a chain from
     * zero either way, so the same bits as zeroing them first).
     */
    static void backward(int r0, int r1, boolean sigmoid, int seq, int batch, int hid, float[] wp, float[] h,
                         float[] dH, int dHOff, boolean fromLast, float[] dPre, float[] tile, double[] groupSums,
                         double[] lanes) {
        int np = VectorGemm.padded(hid), blk = batch * hid, fused = hid - hid % L;
        boolean acc = !fromLast, five = fiveRowTiles(hid, r1 - r0);
        for (int t = seq - 1; t >= 0; t--) {
            int at = t * blk;
            // dH_t is final here, and the step's product has just written it
            if (groupSums != null) SegmentJob.sumStepGroups(r0, r1, batch, hid, dH, dHOff + at, groupSums, t, lanes);
            if (sigmoid) CpuCells.rnnSigmoidBackward(r0, r1, hid, h, at + blk, dH, dHOff + at, dPre, at);
            else CpuCells.rnnTanhBackward(r0, r1, hid, h, at + blk, dH, dHOff + at, dPre, at);
            if (t == 0) break;
            for (int i = r0, rows; i < r1; i += rows) {
                rows = five ? 5 : tileRows(r1 - i);
                int c0 = dHOff + at - blk + i * hid;
                if (rows != 4 && rows != 6 && rows != MR && !five) { // a kernel row past the tile's: through the scratch tile
                    if (acc) for (int r = 0; r < rows; r++) System.arraycopy(dH, c0 + r * hid, tile, r * np, hid);
                    product(hid, hid, dPre, at + i * hid, rows, wp, tile, 0, np, tile, 0, np, acc);
                    for (int r = 0; r < rows; r++) System.arraycopy(tile, r * np, dH, c0 + r * hid, hid);
                    continue;
                }
                // the whole vectors in place in dH's rows; the last columns (a vector would reach into the next row)
                // through the tile, a few floats a row (copying whole rows in and out cost 7-10% of the backward;
                // element by element: an arraycopy call per row of two floats cost more than the floats)
                int w = hid - fused;
                if (acc) for (int r = 0; r < rows; r++) for (int q = 0, o = c0 + r * hid + fused; q < w; q++) tile[r * L + q] = dH[o + q];
                product(hid, hid, dPre, at + i * hid, rows, wp, dH, c0, hid, tile, -fused, L, acc);
                for (int r = 0; r < rows; r++) for (int q = 0, o = c0 + r * hid + fused; q < w; q++) dH[o + q] = tile[r * L + q];
            }
        }
    }

    /**
     * Whether a thread's rows run in tiles of five, each a whole padded row of four vectors in one call
     * ({@link RecurrenceKernels#kernel5x4FM}): a 49- to 63-unit layer (three whole vectors and a narrow one) where there
     * are 32 vector registers, and rows that come out in whole fives. Pascanu's 20 rows ran as 4 + 8 + 8, two calls a
     * tile (pairs of vectors); in fives, one JVM alternating, the 50-unit forward 169-173 -> 159-168 µs, the backward
     * 130-142 -> 123-128.
     */
    static boolean fiveRowTiles(int hid, int rows) {
        return fitsFiveRowKernel(hid) && rows % 5 == 0;
    }

    /** Whether n columns are three whole vectors and a narrow one, and there are the registers for the five-row kernel. */
    private static boolean fitsFiveRowKernel(int n) {
        return MR == 8 && n > 3 * L && n < 4 * L;
    }

    /**
     * Rows for the next tile of the `left` still to do: MR, or four or six where that makes the rest come out in
     * whole tiles (with sixes, 20 rows run as 4 + 4 + 6 + 6, where sixes alone would compute 24; with eights, 20 run
     * as 4 + 8 + 8 and 10 as 6 + 4).
     */
    static int tileRows(int left) {
        if (left <= 4) return left;
        int r = left % MR;
        if (MR == 6) return r == 4 || r == 2 || r == 1 ? 4 : Math.min(6, left);
        return r == 4 ? 4 : r == 6 || r == 2 ? 6 : Math.min(8, left);
    }

    /**
     * tile[r·np + j] (+)= Σ_p A(r, p)·B(p, j) for `rows` ≤ MR rows of A (row stride k, from a0) and all n columns.
     */
    private static void product(int k, int n, float[] a, int a0, int rows, float[] bp, float[] tile, boolean acc) {
        int np = VectorGemm.padded(n);
        product(k, n, a, a0, rows, bp, tile, 0, np, tile, 0, np, acc);
    }

    /**
     * C(r, j) (+)= Σ_p A(r, p)·B(p, j) for all n columns: the whole vectors' columns at c[c0 + r·ldc + j], the narrow
     * last vector's (j past n − n mod L, up to the padded width) at d[d0 + r·ldd + j]. Five rows of three whole vectors
     * and a narrow one take the five-row kernel; otherwise up to four rows take the four-row kernels, up to six the
     * six-row ones, else the MR-row ones; missing rows repeat the last one, so each kernel writes every row of its
     * height: C and D must have a row for each.
     */
    private static void product(int k, int n, float[] a, int a0, int rows, float[] bp, float[] c, int c0, int ldc,
                                float[] d, int d0, int ldd, boolean acc) {
        int np = VectorGemm.padded(n), fused = n - n % L, last = rows - 1;
        int o0 = a0, o1 = a0 + Math.min(1, last) * k, o2 = a0 + Math.min(2, last) * k;
        int o3 = a0 + Math.min(3, last) * k, o4 = a0 + Math.min(4, last) * k, o5 = a0 + Math.min(5, last) * k;
        int v = 0;
        if (rows == 5 && fitsFiveRowKernel(n)) {
            RecurrenceKernels.kernel5x4FM(k, a, o0, o1, o2, o3, o4, bp, np, c, c0, ldc, d, d0 + fused, ldd, acc);
            return;
        }
        // pairs of whole vectors, then what is left: one whole and the narrow one together, or either alone
        if (rows > 6) {
            int o6 = a0 + Math.min(6, last) * k, o7 = a0 + last * k;
            for (; v + 2 * L <= fused; v += 2 * L) RecurrenceKernels.kernel8x2(k, a, o0, o1, o2, o3, o4, o5, o6, o7, bp, np, v, c, c0 + v, ldc, acc);
            if (v < fused && fused < np) {
                RecurrenceKernels.kernel8x2FM(k, a, o0, o1, o2, o3, o4, o5, o6, o7, bp, np, v, c, c0 + v, ldc, d, d0 + fused, ldd, acc);
            } else if (v < fused) {
                RecurrenceKernels.kernel8x1Fma(k, a, o0, o1, o2, o3, o4, o5, o6, o7, bp, np, v, c, c0 + v, ldc, acc);
            } else if (fused < np) {
                RecurrenceKernels.kernel8x1Mul(k, a, o0, o1, o2, o3, o4, o5, o6, o7, bp, np, v, d, d0 + v, ldd, acc);
            }
            return;
        }
        if (rows <= 4) {
            for (; v + 2 * L <= fused; v += 2 * L) RecurrenceKernels.kernel4x2(k, a, o0, o1, o2, o3, bp, np, v, c, c0 + v, ldc, acc);
            if (v < fused && fused < np) {
                RecurrenceKernels.kernel4x2FM(k, a, o0, o1, o2, o3, bp, np, v, c, c0 + v, ldc, d, d0 + fused, ldd, acc);
            } else if (v < fused) {
                RecurrenceKernels.kernel4x1Fma(k, a, o0, o1, o2, o3, bp, np, v, c, c0 + v, ldc, acc);
            } else if (fused < np) {
                RecurrenceKernels.kernel4x1Mul(k, a, o0, o1, o2, o3, bp, np, v, d, d0 + v, ldd, acc);
            }
            return;
        }
        for (; v + 2 * L <= fused; v += 2 * L) RecurrenceKernels.kernel6x2(k, a, o0, o1, o2, o3, o4, o5, bp, np, v, c, c0 + v, ldc, acc);
        if (v < fused && fused < np) {
            RecurrenceKernels.kernel6x2FM(k, a, o0, o1, o2, o3, o4, o5, bp, np, v, c, c0 + v, ldc, d, d0 + fused, ldd, acc);
        } else if (v < fused) {
            RecurrenceKernels.kernel6x1Fma(k, a, o0, o1, o2, o3, o4, o5, bp, np, v, c, c0 + v, ldc, acc);
        } else if (fused < np) {
            RecurrenceKernels.kernel6x1Mul(k, a, o0, o1, o2, o3, o4, o5, bp, np, v, d, d0 + v, ldd, acc);
        }
    }
}
