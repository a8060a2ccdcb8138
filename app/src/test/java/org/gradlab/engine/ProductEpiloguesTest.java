package org.gradlab.engine;

import static org.gradlab.engine.HostCopies.down;
import static org.gradlab.engine.HostCopies.up;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * GELU and the residual add taken of C's regions as a product finishes them ({@link CpuBackend#gemmBiasPackedGelu},
 * {@link CpuBackend#gemmGeluBackward}, {@link CpuBackend#gemmBiasPackedResidual}) against the product and the pass
 * after it as two calls (Backend's defaults), bit for bit, on every path a product takes: one thread; row panels
 * claimed as two threads go; halves of the rows on three; C's columns split across threads (a region per row); the
 * tall kernel; several K blocks; a short last panel; a value count that is not a whole number of vectors (the last
 * values by the scalar formula, the few before them through a padded vector); the tanh approximation (all scalar).
 */
class ProductEpiloguesTest {
    private static final int[][] SHAPES = { // m, n, k
        {2048, 512, 128}, // a GPT's MLP: claims on two threads, copied blocks
        {300, 96, 500},   // two K blocks, a short last panel
        {97, 61, 130},    // n and m·n not whole vectors: padded runs before the scalar tail
        {40, 520, 64},    // more columns than rows: C's columns split
        {3, 5, 7}         // small: one thread whatever the pool
    };

    @Test
    void geluForwardOnTheWayGivesTheSeparatePassBits() {
        each((be, rng, m, n, k) -> {
            for (boolean tanh : new boolean[] {false, true}) {
                float[] a = rand(rng, m * k), w = rand(rng, n * k), bias = rand(rng, n + 2);
                Buf ab = up(be, a), wb = up(be, w), packed = be.alloc(k * n), bb = up(be, bias);
                be.packTransposedForProducts(k, n, wb, 0, packed);
                Buf c1 = be.alloc(m * n + 5), g1 = be.alloc(m * n + 3), c2 = be.alloc(m * n + 5), g2 = be.alloc(m * n + 3);
                be.gemmBiasPacked(m, n, k, ab, 0, k, 1, packed, c1, 5, n, bb, 2);
                be.geluForward(m * n, c1, 5, g1, 3, tanh);
                be.gemmBiasPackedGelu(m, n, k, ab, 0, k, 1, packed, c2, 5, bb, 2, g2, 3, tanh);
                String what = where(be, m, n, k) + (tanh ? " tanh" : " erf");
                assertSameBits(down(be, c1), down(be, c2), what + " pre-activation");
                assertSameBits(down(be, g1), down(be, g2), what + " gelu");
            }
        });
    }

    @Test
    void geluBackwardOnTheWayGivesTheSeparatePassBits() {
        int[][] shapes = java.util.Arrays.copyOf(SHAPES, SHAPES.length + 1);
        shapes[SHAPES.length] = new int[] {50, 50, 2000}; // A read transposed: the tall kernel
        each(shapes, (be, rng, m, n, k) -> {
            for (boolean transposedA : new boolean[] {false, true}) {
                if (!transposedA && k == 2000) continue;
                int ars = transposedA ? 1 : k, acs = transposedA ? m : 1;
                float[] a = rand(rng, m * k), b = rand(rng, k * n), x = rand(rng, m * n + 4), d0 = rand(rng, m * n + 6);
                Buf ab = up(be, a), bb = up(be, b), xb = up(be, x);
                Buf dy = be.alloc(m * n + 6), dx1 = up(be, d0), dx2 = up(be, d0);
                be.gemm(m, n, k, ab, 0, ars, acs, bb, 0, n, dy, 6, n, false);
                be.geluBackward(m * n, xb, 4, dy, 6, dx1, 6, false);
                be.gemmGeluBackward(m, n, k, ab, 0, ars, acs, bb, 0, n, xb, 4, dx2, 6, false);
                assertSameBits(down(be, dx1), down(be, dx2), where(be, m, n, k) + (transposedA ? " Aᵀ" : ""));
            }
        });
    }

    /**
     * The pair that keeps GELU's slope in C ({@link CpuBackend#gemmBiasPackedGeluSaved}, then
     * {@link CpuBackend#gemmGeluBackwardSaved} from it) against the pair that keeps the pre-activation, bit for bit:
     * GELU's output, and the backward's dx on every path (the backward's product splits C into other regions than
     * the forward's; the last values take the scalar formula from the pre-activation, left there; tanh: all of them).
     */
    @Test
    void geluSlopeKeptForTheBackwardGivesItsBits() {
        each((be, rng, m, n, k) -> {
            for (boolean tanh : new boolean[] {false, true}) {
                float[] a = rand(rng, m * k), w = rand(rng, n * k), bias = rand(rng, n), a2 = rand(rng, m * 37), b2 = rand(rng, 37 * n);
                Buf ab = up(be, a), wb = up(be, w), packed = be.alloc(k * n), bb = up(be, bias), a2b = up(be, a2), b2b = up(be, b2);
                be.packTransposedForProducts(k, n, wb, 0, packed);
                Buf pre = be.alloc(m * n + 2), g1 = be.alloc(m * n), kept = be.alloc(m * n + 2), g2 = be.alloc(m * n);
                be.gemmBiasPackedGelu(m, n, k, ab, 0, k, 1, packed, pre, 2, bb, 0, g1, 0, tanh);
                be.gemmBiasPackedGeluSaved(m, n, k, ab, 0, k, 1, packed, kept, 2, bb, 0, g2, 0, tanh);
                String what = where(be, m, n, k) + (tanh ? " tanh" : " erf");
                assertSameBits(down(be, g1), down(be, g2), what + " gelu");
                int changed = 0;
                float[] p = down(be, pre), q = down(be, kept);
                for (int i = 0; i < p.length; i++) if (Float.floatToRawIntBits(p[i]) != Float.floatToRawIntBits(q[i])) changed++;
                // the slope only where the vector formula takes the value: none for tanh, or fewer values than a vector
                boolean slopes = VectorSupport.ENABLED && !tanh && m * n >= VectorGemm.L;
                assertEquals(slopes, changed > 0, what + ": " + changed + " values of C differ from the pre-activation");
                Buf dx1 = be.alloc(m * n + 3), dx2 = be.alloc(m * n + 3);
                be.gemmGeluBackward(m, n, 37, a2b, 0, 37, 1, b2b, 0, n, pre, 2, dx1, 3, tanh);
                be.gemmGeluBackwardSaved(m, n, 37, a2b, 0, 37, 1, b2b, 0, n, kept, 2, dx2, 3, tanh);
                assertSameBits(down(be, dx1), down(be, dx2), what + " dx");
            }
        });
    }

    @Test
    void residualOnTheWayGivesTheSeparateAddsBits() {
        each((be, rng, m, n, k) -> {
            float[] a = rand(rng, m * k), w = rand(rng, n * k), bias = rand(rng, n), r = rand(rng, m * n + 1);
            Buf ab = up(be, a), wb = up(be, w), packed = be.alloc(k * n), bb = up(be, bias), rb = up(be, r);
            be.packTransposedForProducts(k, n, wb, 0, packed);
            Buf c1 = be.alloc(m * n), c2 = be.alloc(m * n);
            be.gemmBiasPacked(m, n, k, ab, 0, k, 1, packed, c1, 0, n, bb, 0);
            be.addInPlace(rb, 1, c1, 0, m * n);
            be.gemmBiasPackedResidual(m, n, k, ab, 0, k, 1, packed, c2, 0, bb, 0, rb, 1);
            assertSameBits(down(be, c1), down(be, c2), where(be, m, n, k));
        });
    }

    /**
     * The pass the epilogue matches gives the same bits on any number of threads: only the values past the last whole
     * vector of all take the scalar formula (a share of the values that ended mid-vector once took it for the rest).
     */
    @Test
    void geluPassesGiveTheSameBitsOnAnyThreadCount() {
        int n = 97 * 61; // one panel of values, split in shares; not a whole number of vectors
        float[] x = rand(new SplittableRandom(5), n), d = rand(new SplittableRandom(6), n);
        float[][] forward = new float[4][], backward = new float[4][];
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuBackend be = new CpuBackend(threads)) {
                Buf xb = up(be, x), db = up(be, d), out = be.alloc(n);
                be.geluForward(n, xb, 0, out, 0, false);
                forward[threads] = down(be, out);
                be.geluBackward(n, xb, 0, db, 0, out, 0, false);
                backward[threads] = down(be, out);
            }
        }
        for (int threads = 2; threads <= 3; threads++) {
            assertSameBits(forward[1], forward[threads], "forward, threads=" + threads);
            assertSameBits(backward[1], backward[threads], "backward, threads=" + threads);
        }
    }

    private interface Check {
        void run(CpuBackend be, SplittableRandom rng, int m, int n, int k);
    }

    private static void each(Check check) {
        each(SHAPES, check);
    }

    private static void each(int[][] shapes, Check check) {
        SplittableRandom rng = new SplittableRandom(47);
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int[] sh : shapes) check.run(be, rng, sh[0], sh[1], sh[2]);
            }
        }
    }

    private static String where(CpuBackend be, int m, int n, int k) {
        return "threads=" + be.threads() + " " + m + "×" + n + "×" + k;
    }

    /** Values around GELU's interesting range, with a few far out (exp's clamp) and exact zeros. */
    private static float[] rand(SplittableRandom rng, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            int pick = rng.nextInt(50);
            out[i] = pick == 0 ? 0f : pick == 1 ? (float) (rng.nextDouble() * 40 - 20) : (float) (rng.nextDouble() * 2 - 1);
        }
        return out;
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + " at " + i + ": " + want[i] + " vs " + got[i]);
        }
    }
}
