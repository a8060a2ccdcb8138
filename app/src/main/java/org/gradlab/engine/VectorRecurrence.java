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
        int np = VectorGemm.padded(hid), blk = batch * hid;
        float[] tail = new float[MR * L];
        double[] lanes = new double[VectorActivations.narrowLanes()];
        for (int t = 0; t < seq; t++) {
            int at = t * blk;
            for (int i = r0, rows; i < r1; i += rows) {
                rows = tileRows(r1 - i);
                product(in, hid, x, xOff + (t * batch + i) * in, rows, wip, inputTile, false);
                product(hid, hid, h, at + i * hid, rows, wp, tile, false);
                if (!sigmoid) {
                    VectorActivations.tanhOfSums(rows, hid, np, inputTile, tile, bias, bihOff, bhhOff, h, at + blk + i * hid,
                            tail, lanes);
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
        }
    }

    /** Rows [r0, r1) back through all steps: dPre_t = dH_t ⊙ act'(h_{t+1}), dH_{t−1} += dPre_t·W; wp is W_hh padded. */
    static void backward(int r0, int r1, boolean sigmoid, int seq, int batch, int hid, float[] wp, float[] h,
                         float[] dH, int dHOff, float[] dPre, float[] tile) {
        int np = VectorGemm.padded(hid), blk = batch * hid, fused = hid - hid % L;
        for (int t = seq - 1; t >= 0; t--) {
            int at = t * blk;
            if (sigmoid) CpuCells.rnnSigmoidBackward(r0, r1, hid, h, at + blk, dH, dHOff + at, dPre, at);
            else CpuCells.rnnTanhBackward(r0, r1, hid, h, at + blk, dH, dHOff + at, dPre, at);
            if (t == 0) break;
            for (int i = r0, rows; i < r1; i += rows) {
                rows = tileRows(r1 - i);
                int c0 = dHOff + at - blk + i * hid;
                if (rows != 4 && rows != 6 && rows != MR) { // a kernel row past the tile's: through the scratch tile
                    for (int r = 0; r < rows; r++) System.arraycopy(dH, c0 + r * hid, tile, r * np, hid);
                    product(hid, hid, dPre, at + i * hid, rows, wp, tile, true);
                    for (int r = 0; r < rows; r++) System.arraycopy(tile, r * np, dH, c0 + r * hid, hid);
                    continue;
                }
                // the whole vectors in place in dH's rows; the last columns (a vector would reach into the next row)
                // through the tile, a few floats a row (copying whole rows in and out cost 7-10% of the backward)
                product(hid, hid, dPre, at + i * hid, rows, wp, dH, c0, hid, true, 0, fused);
                if (fused == hid) continue;
                int w = hid - fused;
                // element by element: an arraycopy call per row of two floats cost more than the floats
                for (int r = 0; r < rows; r++) for (int q = 0, o = c0 + r * hid + fused; q < w; q++) tile[r * L + q] = dH[o + q];
                product(hid, hid, dPre, at + i * hid, rows, wp, tile, -fused, L, true, fused, np);
                for (int r = 0; r < rows; r++) for (int q = 0, o = c0 + r * hid + fused; q < w; q++) dH[o + q] = tile[r * L + q];
            }
        }
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
     * tile[r·np + j] (+)= Σ_p A(r, p)·B(p, j) for `rows` ≤ MR rows of A (row stride k, from a0) and all n columns;
     * up to four rows take the four-row kernels, up to six the six-row ones; missing rows repeat the last one and
     * land in tile rows nobody reads.
     */
    private static void product(int k, int n, float[] a, int a0, int rows, float[] bp, float[] tile, boolean acc) {
        product(k, n, a, a0, rows, bp, tile, 0, VectorGemm.padded(n), acc, 0, VectorGemm.padded(n));
    }

    /**
     * C(r, j) (+)= Σ_p A(r, p)·B(p, j), C(r, j) = c[c0 + r·ldc + j], for the columns of the vectors starting in
     * [v0, v1): each kernel writes every row it computes, so C must have a row for each (see {@link #product} above).
     */
    private static void product(int k, int n, float[] a, int a0, int rows, float[] bp, float[] c, int c0, int ldc,
                                boolean acc, int v0, int v1) {
        int np = VectorGemm.padded(n), fused = n - n % L, last = rows - 1;
        int o0 = a0, o1 = a0 + Math.min(1, last) * k, o2 = a0 + Math.min(2, last) * k;
        int o3 = a0 + Math.min(3, last) * k, o4 = a0 + Math.min(4, last) * k, o5 = a0 + Math.min(5, last) * k;
        int v = v0, two = Math.min(fused, v1);
        if (rows > 6) {
            int o6 = a0 + Math.min(6, last) * k, o7 = a0 + last * k;
            for (; v + 2 * L <= two; v += 2 * L) kernel8x2(k, a, o0, o1, o2, o3, o4, o5, o6, o7, bp, np, v, c, c0 + v, ldc, acc);
            for (; v < v1; v += L) {
                if (v < fused) kernel8x1Fma(k, a, o0, o1, o2, o3, o4, o5, o6, o7, bp, np, v, c, c0 + v, ldc, acc);
                else kernel8x1Mul(k, a, o0, o1, o2, o3, o4, o5, o6, o7, bp, np, v, c, c0 + v, ldc, acc);
            }
            return;
        }
        if (rows <= 4) {
            for (; v + 2 * L <= two; v += 2 * L) kernel4x2(k, a, o0, o1, o2, o3, bp, np, v, c, c0 + v, ldc, acc);
            for (; v < v1; v += L) {
                if (v < fused) kernel4x1Fma(k, a, o0, o1, o2, o3, bp, np, v, c, c0 + v, ldc, acc);
                else kernel4x1Mul(k, a, o0, o1, o2, o3, bp, np, v, c, c0 + v, ldc, acc);
            }
            return;
        }
        for (; v + 2 * L <= two; v += 2 * L) kernel6x2(k, a, o0, o1, o2, o3, o4, o5, bp, np, v, c, c0 + v, ldc, acc);
        for (; v < v1; v += L) {
            if (v < fused) kernel6x1Fma(k, a, o0, o1, o2, o3, o4, o5, bp, np, v, c, c0 + v, ldc, acc);
            else kernel6x1Mul(k, a, o0, o1, o2, o3, o4, o5, bp, np, v, c, c0 + v, ldc, acc);
        }
    }

    private static void kernel6x2(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, float[] b, int np,
                                  int v, float[] c, int cb, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, cb); c01 = FloatVector.fromArray(S, c, cb + L);
            c10 = FloatVector.fromArray(S, c, cb + ldc); c11 = FloatVector.fromArray(S, c, cb + ldc + L);
            c20 = FloatVector.fromArray(S, c, cb + 2 * ldc); c21 = FloatVector.fromArray(S, c, cb + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, cb + 3 * ldc); c31 = FloatVector.fromArray(S, c, cb + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, cb + 4 * ldc); c41 = FloatVector.fromArray(S, c, cb + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, cb + 5 * ldc); c51 = FloatVector.fromArray(S, c, cb + 5 * ldc + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[o0 + p]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, a[o1 + p]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, a[o2 + p]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, a[o3 + p]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31);
            av = FloatVector.broadcast(S, a[o4 + p]);
            c40 = b0.fma(av, c40); c41 = b1.fma(av, c41);
            av = FloatVector.broadcast(S, a[o5 + p]);
            c50 = b0.fma(av, c50); c51 = b1.fma(av, c51);
        }
        c00.intoArray(c, cb); c01.intoArray(c, cb + L);
        c10.intoArray(c, cb + ldc); c11.intoArray(c, cb + ldc + L);
        c20.intoArray(c, cb + 2 * ldc); c21.intoArray(c, cb + 2 * ldc + L);
        c30.intoArray(c, cb + 3 * ldc); c31.intoArray(c, cb + 3 * ldc + L);
        c40.intoArray(c, cb + 4 * ldc); c41.intoArray(c, cb + 4 * ldc + L);
        c50.intoArray(c, cb + 5 * ldc); c51.intoArray(c, cb + 5 * ldc + L);
    }

    /**
     * kernel6x2 with two more rows, written out again on purpose (as the 8 × 1 kernels are): accumulators must be
     * locals to stay in registers — held in an array, JDK 17 boxes every vector.
     */
    private static void kernel8x2(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
                                  float[] b, int np, int v, float[] c, int cb, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, cb); c01 = FloatVector.fromArray(S, c, cb + L);
            c10 = FloatVector.fromArray(S, c, cb + ldc); c11 = FloatVector.fromArray(S, c, cb + ldc + L);
            c20 = FloatVector.fromArray(S, c, cb + 2 * ldc); c21 = FloatVector.fromArray(S, c, cb + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, cb + 3 * ldc); c31 = FloatVector.fromArray(S, c, cb + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, cb + 4 * ldc); c41 = FloatVector.fromArray(S, c, cb + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, cb + 5 * ldc); c51 = FloatVector.fromArray(S, c, cb + 5 * ldc + L);
            c60 = FloatVector.fromArray(S, c, cb + 6 * ldc); c61 = FloatVector.fromArray(S, c, cb + 6 * ldc + L);
            c70 = FloatVector.fromArray(S, c, cb + 7 * ldc); c71 = FloatVector.fromArray(S, c, cb + 7 * ldc + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z;
            c60 = z; c61 = z; c70 = z; c71 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[o0 + p]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, a[o1 + p]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, a[o2 + p]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, a[o3 + p]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31);
            av = FloatVector.broadcast(S, a[o4 + p]);
            c40 = b0.fma(av, c40); c41 = b1.fma(av, c41);
            av = FloatVector.broadcast(S, a[o5 + p]);
            c50 = b0.fma(av, c50); c51 = b1.fma(av, c51);
            av = FloatVector.broadcast(S, a[o6 + p]);
            c60 = b0.fma(av, c60); c61 = b1.fma(av, c61);
            av = FloatVector.broadcast(S, a[o7 + p]);
            c70 = b0.fma(av, c70); c71 = b1.fma(av, c71);
        }
        c00.intoArray(c, cb); c01.intoArray(c, cb + L);
        c10.intoArray(c, cb + ldc); c11.intoArray(c, cb + ldc + L);
        c20.intoArray(c, cb + 2 * ldc); c21.intoArray(c, cb + 2 * ldc + L);
        c30.intoArray(c, cb + 3 * ldc); c31.intoArray(c, cb + 3 * ldc + L);
        c40.intoArray(c, cb + 4 * ldc); c41.intoArray(c, cb + 4 * ldc + L);
        c50.intoArray(c, cb + 5 * ldc); c51.intoArray(c, cb + 5 * ldc + L);
        c60.intoArray(c, cb + 6 * ldc); c61.intoArray(c, cb + 6 * ldc + L);
        c70.intoArray(c, cb + 7 * ldc); c71.intoArray(c, cb + 7 * ldc + L);
    }

    private static void kernel8x1Fma(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
                                     float[] b, int np, int v, float[] c, int cb, int ldc, boolean acc) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, cb); c1 = FloatVector.fromArray(S, c, cb + ldc);
            c2 = FloatVector.fromArray(S, c, cb + 2 * ldc); c3 = FloatVector.fromArray(S, c, cb + 3 * ldc);
            c4 = FloatVector.fromArray(S, c, cb + 4 * ldc); c5 = FloatVector.fromArray(S, c, cb + 5 * ldc);
            c6 = FloatVector.fromArray(S, c, cb + 6 * ldc); c7 = FloatVector.fromArray(S, c, cb + 7 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z; c6 = z; c7 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = bv.fma(FloatVector.broadcast(S, a[o0 + p]), c0);
            c1 = bv.fma(FloatVector.broadcast(S, a[o1 + p]), c1);
            c2 = bv.fma(FloatVector.broadcast(S, a[o2 + p]), c2);
            c3 = bv.fma(FloatVector.broadcast(S, a[o3 + p]), c3);
            c4 = bv.fma(FloatVector.broadcast(S, a[o4 + p]), c4);
            c5 = bv.fma(FloatVector.broadcast(S, a[o5 + p]), c5);
            c6 = bv.fma(FloatVector.broadcast(S, a[o6 + p]), c6);
            c7 = bv.fma(FloatVector.broadcast(S, a[o7 + p]), c7);
        }
        c0.intoArray(c, cb); c1.intoArray(c, cb + ldc); c2.intoArray(c, cb + 2 * ldc);
        c3.intoArray(c, cb + 3 * ldc); c4.intoArray(c, cb + 4 * ldc); c5.intoArray(c, cb + 5 * ldc);
        c6.intoArray(c, cb + 6 * ldc); c7.intoArray(c, cb + 7 * ldc);
    }

    private static void kernel8x1Mul(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
                                     float[] b, int np, int v, float[] c, int cb, int ldc, boolean acc) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, cb); c1 = FloatVector.fromArray(S, c, cb + ldc);
            c2 = FloatVector.fromArray(S, c, cb + 2 * ldc); c3 = FloatVector.fromArray(S, c, cb + 3 * ldc);
            c4 = FloatVector.fromArray(S, c, cb + 4 * ldc); c5 = FloatVector.fromArray(S, c, cb + 5 * ldc);
            c6 = FloatVector.fromArray(S, c, cb + 6 * ldc); c7 = FloatVector.fromArray(S, c, cb + 7 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z; c6 = z; c7 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = c0.add(bv.mul(a[o0 + p]));
            c1 = c1.add(bv.mul(a[o1 + p]));
            c2 = c2.add(bv.mul(a[o2 + p]));
            c3 = c3.add(bv.mul(a[o3 + p]));
            c4 = c4.add(bv.mul(a[o4 + p]));
            c5 = c5.add(bv.mul(a[o5 + p]));
            c6 = c6.add(bv.mul(a[o6 + p]));
            c7 = c7.add(bv.mul(a[o7 + p]));
        }
        c0.intoArray(c, cb); c1.intoArray(c, cb + ldc); c2.intoArray(c, cb + 2 * ldc);
        c3.intoArray(c, cb + 3 * ldc); c4.intoArray(c, cb + 4 * ldc); c5.intoArray(c, cb + 5 * ldc);
        c6.intoArray(c, cb + 6 * ldc); c7.intoArray(c, cb + 7 * ldc);
    }

    /**
     * One vector of columns: c = fma(a, b, c) in k order (Fma) or c + a·b rounded twice (Mul, VectorGemm's narrow
     * tail). One loop per method: with both, the method grew past C2's inlining budget and boxed its vectors.
     */
    private static void kernel6x1Fma(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, float[] b, int np, int v, float[] c, int cb, int ldc, boolean acc) {
        FloatVector c0, c1, c2, c3, c4, c5;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, cb); c1 = FloatVector.fromArray(S, c, cb + ldc);
            c2 = FloatVector.fromArray(S, c, cb + 2 * ldc); c3 = FloatVector.fromArray(S, c, cb + 3 * ldc);
            c4 = FloatVector.fromArray(S, c, cb + 4 * ldc); c5 = FloatVector.fromArray(S, c, cb + 5 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = bv.fma(FloatVector.broadcast(S, a[o0 + p]), c0);
            c1 = bv.fma(FloatVector.broadcast(S, a[o1 + p]), c1);
            c2 = bv.fma(FloatVector.broadcast(S, a[o2 + p]), c2);
            c3 = bv.fma(FloatVector.broadcast(S, a[o3 + p]), c3);
            c4 = bv.fma(FloatVector.broadcast(S, a[o4 + p]), c4);
            c5 = bv.fma(FloatVector.broadcast(S, a[o5 + p]), c5);
        }
        c0.intoArray(c, cb); c1.intoArray(c, cb + ldc); c2.intoArray(c, cb + 2 * ldc);
        c3.intoArray(c, cb + 3 * ldc); c4.intoArray(c, cb + 4 * ldc); c5.intoArray(c, cb + 5 * ldc);
    }

    private static void kernel6x1Mul(int k, float[] a, int o0, int o1, int o2, int o3, int o4, int o5, float[] b, int np, int v, float[] c, int cb, int ldc, boolean acc) {
        FloatVector c0, c1, c2, c3, c4, c5;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, cb); c1 = FloatVector.fromArray(S, c, cb + ldc);
            c2 = FloatVector.fromArray(S, c, cb + 2 * ldc); c3 = FloatVector.fromArray(S, c, cb + 3 * ldc);
            c4 = FloatVector.fromArray(S, c, cb + 4 * ldc); c5 = FloatVector.fromArray(S, c, cb + 5 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = c0.add(bv.mul(a[o0 + p]));
            c1 = c1.add(bv.mul(a[o1 + p]));
            c2 = c2.add(bv.mul(a[o2 + p]));
            c3 = c3.add(bv.mul(a[o3 + p]));
            c4 = c4.add(bv.mul(a[o4 + p]));
            c5 = c5.add(bv.mul(a[o5 + p]));
        }
        c0.intoArray(c, cb); c1.intoArray(c, cb + ldc); c2.intoArray(c, cb + 2 * ldc);
        c3.intoArray(c, cb + 3 * ldc); c4.intoArray(c, cb + 4 * ldc); c5.intoArray(c, cb + 5 * ldc);
    }

    private static void kernel4x2(int k, float[] a, int o0, int o1, int o2, int o3, float[] b, int np, int v, float[] c, int cb, int ldc,
                                  boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, cb); c01 = FloatVector.fromArray(S, c, cb + L);
            c10 = FloatVector.fromArray(S, c, cb + ldc); c11 = FloatVector.fromArray(S, c, cb + ldc + L);
            c20 = FloatVector.fromArray(S, c, cb + 2 * ldc); c21 = FloatVector.fromArray(S, c, cb + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, cb + 3 * ldc); c31 = FloatVector.fromArray(S, c, cb + 3 * ldc + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[o0 + p]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, a[o1 + p]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, a[o2 + p]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, a[o3 + p]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31);
        }
        c00.intoArray(c, cb); c01.intoArray(c, cb + L);
        c10.intoArray(c, cb + ldc); c11.intoArray(c, cb + ldc + L);
        c20.intoArray(c, cb + 2 * ldc); c21.intoArray(c, cb + 2 * ldc + L);
        c30.intoArray(c, cb + 3 * ldc); c31.intoArray(c, cb + 3 * ldc + L);
    }

    private static void kernel4x1Fma(int k, float[] a, int o0, int o1, int o2, int o3, float[] b, int np, int v, float[] c, int cb, int ldc,
                                     boolean acc) {
        FloatVector c0, c1, c2, c3;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, cb); c1 = FloatVector.fromArray(S, c, cb + ldc);
            c2 = FloatVector.fromArray(S, c, cb + 2 * ldc); c3 = FloatVector.fromArray(S, c, cb + 3 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = bv.fma(FloatVector.broadcast(S, a[o0 + p]), c0);
            c1 = bv.fma(FloatVector.broadcast(S, a[o1 + p]), c1);
            c2 = bv.fma(FloatVector.broadcast(S, a[o2 + p]), c2);
            c3 = bv.fma(FloatVector.broadcast(S, a[o3 + p]), c3);
        }
        c0.intoArray(c, cb); c1.intoArray(c, cb + ldc); c2.intoArray(c, cb + 2 * ldc); c3.intoArray(c, cb + 3 * ldc);
    }

    private static void kernel4x1Mul(int k, float[] a, int o0, int o1, int o2, int o3, float[] b, int np, int v, float[] c, int cb, int ldc,
                                     boolean acc) {
        FloatVector c0, c1, c2, c3;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, cb); c1 = FloatVector.fromArray(S, c, cb + ldc);
            c2 = FloatVector.fromArray(S, c, cb + 2 * ldc); c3 = FloatVector.fromArray(S, c, cb + 3 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z;
        }
        for (int p = 0, bi = v; p < k; p++, bi += np) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = c0.add(bv.mul(a[o0 + p]));
            c1 = c1.add(bv.mul(a[o1 + p]));
            c2 = c2.add(bv.mul(a[o2 + p]));
            c3 = c3.add(bv.mul(a[o3 + p]));
        }
        c0.intoArray(c, cb); c1.intoArray(c, cb + ldc); c2.intoArray(c, cb + 2 * ldc); c3.intoArray(c, cb + 3 * ldc);
    }
}
