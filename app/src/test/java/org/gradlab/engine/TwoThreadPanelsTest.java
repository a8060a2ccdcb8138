package org.gradlab.engine;

import static org.gradlab.engine.HostCopies.down;
import static org.gradlab.engine.HostCopies.up;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Where two threads take row panels or attention pairs as they go (RowClaims), each output keeps the bits one thread
 * gives: LayerNorm forward, GELU both ways (values past the last whole vector included), bias rows, causal attention
 * both ways and the gradient statistics' blocks, at sizes that take the panels; and the column sums, split in halves.
 */
class TwoThreadPanelsTest {
    @Test
    void rowOpsAndAttentionKeepOneThreadsBits() {
        SplittableRandom rng = new SplittableRandom(23);
        for (int trial = 0; trial < 3; trial++) {
            int rows = 700 + rng.nextInt(400), dim = 64 + 16 * rng.nextInt(8), n = 300_000 + rng.nextInt(100);
            float[] x = rand(rng, rows * dim), w = rand(rng, dim), b = rand(rng, dim), g = rand(rng, n), dg = rand(rng, n);
            int batch = 4 + rng.nextInt(4), seq = 24 + rng.nextInt(20), heads = 4, d = 64;
            float[] qkv = rand(rng, batch * seq * 3 * d), dOut = rand(rng, batch * seq * d);
            String what = "trial " + trial + " rows " + rows + " dim " + dim + " n " + n;
            same(run(1, be -> layerNorm(be, rows, dim, x, w, b)), run(2, be -> layerNorm(be, rows, dim, x, w, b)), "LayerNorm " + what);
            same(run(1, be -> gelu(be, n, g, dg)), run(2, be -> gelu(be, n, g, dg)), "GELU " + what);
            same(run(1, be -> bias(be, rows, dim, x, b)), run(2, be -> bias(be, rows, dim, x, b)), "bias " + what);
            same(run(1, be -> attention(be, batch, seq, d, heads, qkv, dOut)), run(2, be -> attention(be, batch, seq, d, heads, qkv, dOut)),
                    "attention " + what);
            int cols = dim * 8, m = n / cols;
            same(run(1, be -> columnSums(be, m, cols, g)), run(2, be -> columnSums(be, m, cols, g)), "column sums " + what);
            int[] offsets = {0, 100_000, 100_000 + 7}, sizes = {100_000, 7, n - 100_007};
            assertEquals(true, (n + SegmentJob.BLOCK - 1) / SegmentJob.BLOCK >= 8, "enough blocks to take as they go");
            same(run(1, be -> statistics(be, g, dg, offsets, sizes)), run(2, be -> statistics(be, g, dg, offsets, sizes)), "statistics " + what);
        }
    }

    private static float[] run(int threads, Function<CpuBackend, float[]> f) {
        try (CpuBackend be = new CpuBackend(threads)) {
            return f.apply(be);
        }
    }

    private static float[] layerNorm(CpuBackend be, int rows, int dim, float[] x, float[] w, float[] b) {
        Buf out = be.alloc(rows * dim), mean = be.alloc(rows), rstd = be.alloc(rows);
        be.layerNormForward(rows, dim, up(be, x), 0, up(be, w), 0, up(be, b), 0, 1e-5f, out, 0, mean, 0, rstd, 0);
        return concat(down(be, out), down(be, mean), down(be, rstd));
    }

    private static float[] gelu(CpuBackend be, int n, float[] g, float[] dg) {
        Buf out = be.alloc(n), dx = be.alloc(n), in = up(be, g);
        be.geluForward(n, in, 0, out, 0, false);
        be.geluBackward(n, in, 0, up(be, dg), 0, dx, 0, false);
        return concat(down(be, out), down(be, dx));
    }

    private static float[] bias(CpuBackend be, int rows, int dim, float[] x, float[] b) {
        Buf c = up(be, x);
        be.addBias(c, 0, rows, dim, dim, up(be, b), 0);
        return down(be, c);
    }

    private static float[] attention(CpuBackend be, int batch, int seq, int d, int heads, float[] qkv, float[] dOut) {
        Buf q = up(be, qkv), att = be.alloc(batch * heads * seq * seq), out = be.alloc(batch * seq * d), dq = be.alloc(qkv.length);
        be.attentionForward(batch, seq, d, heads, q, 0, att, 0, out, 0);
        be.attentionBackward(batch, seq, d, heads, q, 0, att, 0, up(be, dOut), 0, dq, 0);
        return concat(down(be, att), down(be, out), down(be, dq));
    }

    private static float[] columnSums(CpuBackend be, int m, int n, float[] a) {
        Buf dst = up(be, java.util.Arrays.copyOf(a, n));
        be.columnSums(up(be, a), 0, m, n, n, dst, 0);
        return down(be, dst);
    }

    /** segmentStats (scaled first, with histograms) and segmentNormsAndDiff, every figure as floats' bits or halves of doubles' bits. */
    private static float[] statistics(CpuBackend be, float[] x, float[] y, int[] offsets, int[] sizes) {
        int segs = offsets.length;
        double[] sq = new double[segs], abs = new double[segs], max = new double[segs], a2 = new double[segs], d2 = new double[segs];
        long[] bad = new long[segs], hist = new long[2 * HistogramBins.WIDTH];
        Buf bx = up(be, x);
        be.segmentStats(bx, offsets, sizes, new float[] {0.5f, 2f, 0.75f}, sq, abs, max, bad, new int[] {0, 1, 0}, hist);
        be.segmentNormsAndDiff(bx, up(be, y), offsets, sizes, a2, d2);
        be.collect();
        float[] scaled = down(be, bx);
        double[] all = new double[5 * segs + bad.length + hist.length];
        int at = 0;
        for (double[] part : new double[][] {sq, abs, max, a2, d2}) for (double v : part) all[at++] = v;
        for (long v : bad) all[at++] = v;
        for (long v : hist) all[at++] = v;
        float[] out = java.util.Arrays.copyOf(scaled, scaled.length + 2 * all.length);
        for (int i = 0; i < all.length; i++) {
            long bits = Double.doubleToRawLongBits(all[i]);
            out[scaled.length + 2 * i] = Float.intBitsToFloat((int) bits);
            out[scaled.length + 2 * i + 1] = Float.intBitsToFloat((int) (bits >>> 32));
        }
        return out;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static void same(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + " at " + i + ": " + want[i] + " vs " + got[i]);
        }
    }

    private static float[] rand(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }
}
