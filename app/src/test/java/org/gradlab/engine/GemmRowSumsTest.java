package org.gradlab.engine;

import static org.gradlab.engine.HostCopies.down;
import static org.gradlab.engine.HostCopies.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A weight gradient with its bias's sums taken on the way ({@link Backend#gemmRowSums}) against the product and the
 * column sums as two calls, bit for bit: recorded runs are forked by recomputing them, so the fused path must land on
 * the separate one's bits on every path a product takes — one thread; row panels claimed as two threads go; halves
 * of the rows on three; C's columns split (each thread reading all of A: a pass after); the tall kernel; blocks of A
 * copied for the kernel or read in place; several K blocks; a short last panel.
 */
class GemmRowSumsTest {
    @Test
    void takingTheSumsOnTheWayGivesTheSeparatePassesBits() {
        SplittableRandom rng = new SplittableRandom(31);
        int[][] shapes = { // m (G's columns), n (X's columns), k (rows of both)
            {1024, 256, 2048}, // claims on two threads, blocks copied (8 strips), six K blocks
            {768, 64, 2048},   // two strips: blocks copied too (the GRU's layer-1 dW_ih)
            {80, 64, 500},     // too few rows to pack B: blocks read in place
            {101, 130, 400},   // a short panel, two K blocks, one strip plus columns past it
            {40, 512, 300},    // more columns than rows: C's columns split across threads
            {50, 50, 2000},    // the tall kernel
            {128, 2, 3200},    // the tall kernel, its rows split over threads (the adding task's dW_ih)
            {3, 5, 7}          // small: one thread whatever the pool
        };
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int[] sh : shapes) check(be, rng, sh[0], sh[1], sh[2]);
            }
        }
    }

    /**
     * A tall product with too few columns to give each thread a block of them splits G's rows instead, and takes each
     * share's sums there: the product and the sums must be one thread's, bit for bit, on two and three.
     */
    @Test
    void aTallProductSplitByRowsGivesOneThreadsBits() {
        SplittableRandom rng = new SplittableRandom(41);
        int[][] shapes = {{128, 2, 3200}, {64, 3, 500}, {50, 6, 2000}, {33, 1, 400}};
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], k = sh[2];
            float[] g = rand(rng, k * m), x = rand(rng, k * n), c0 = rand(rng, m * n), s0 = rand(rng, m);
            float[][] want = null;
            for (int threads : new int[] {1, 2, 3}) {
                try (CpuBackend be = new CpuBackend(threads)) {
                    Buf c = up(be, c0), s = up(be, s0);
                    be.gemmRowSums(m, n, k, up(be, g), 0, 1, m, up(be, x), 0, n, c, 0, n, true, s, 0);
                    float[][] got = {down(be, c), down(be, s)};
                    if (want == null) want = got;
                    String what = "threads=" + threads + " " + m + "×" + n + "×" + k;
                    assertSameBits(want[0], got[0], what + " product");
                    assertSameBits(want[1], got[1], what + " sums");
                }
            }
        }
    }

    @Test
    void onlyATransposedAIsTaken() {
        try (CpuBackend be = new CpuBackend(1)) {
            Buf x = be.alloc(64);
            assertThrows(IllegalArgumentException.class, () -> be.gemmRowSums(4, 4, 4, x, 0, 4, 1, x, 0, 4, x, 0, 4, false, x, 0));
        }
    }

    private static void check(CpuBackend be, SplittableRandom rng, int m, int n, int k) {
        float[] g = rand(rng, k * m), x = rand(rng, k * n), c0 = rand(rng, m * n + 3), s0 = rand(rng, m + 5);
        Buf gb = up(be, g), xb = up(be, x);
        Buf c1 = up(be, c0), s1 = up(be, s0), c2 = up(be, c0), s2 = up(be, s0);
        be.gemm(m, n, k, gb, 0, 1, m, xb, 0, n, c1, 3, n, true);
        be.columnSums(gb, 0, k, m, m, s1, 5);
        be.gemmRowSums(m, n, k, gb, 0, 1, m, xb, 0, n, c2, 3, n, true, s2, 5);
        String what = "threads=" + be.threads() + " " + m + "×" + n + "×" + k;
        assertSameBits(down(be, c1), down(be, c2), what + " product");
        assertSameBits(down(be, s1), down(be, s2), what + " sums");
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + " at " + i + ": " + want[i] + " vs " + got[i]);
        }
    }

    private static float[] rand(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((rng.nextDouble() * 2 - 1) * (rng.nextInt(8) == 0 ? 100 : 1));
        return a;
    }
}
