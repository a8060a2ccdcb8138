package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU backend's GEMM (vector, blocked, threaded) against a plain double-precision triple loop. */
class GemmTest {
    @Test
    void vectorGemmIsOnInTests() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Boolean.getBoolean("gradlab.scalar"), "scalar path forced");
        assertTrue(VectorSupport.ENABLED, "tests must run with --add-modules jdk.incubator.vector");
    }

    @Test
    void matchesReferenceOnEdgeShapesStridesAndThreads() {
        SplittableRandom rng = new SplittableRandom(7);
        int[] sizes = {1, 2, 5, 6, 7, 15, 16, 17, 31, 33, 65, 97, 130, 250};
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int trial = 0; trial < 60; trial++) {
                    int m = sizes[rng.nextInt(sizes.length)], n = sizes[rng.nextInt(sizes.length)];
                    int k = trial % 10 == 0 ? 900 : sizes[rng.nextInt(sizes.length)];
                    boolean transA = rng.nextBoolean(), acc = rng.nextBoolean();
                    int pad = rng.nextInt(3);
                    check(be, rng, m, n, k, transA, acc, pad);
                }
            }
        }
    }

    /**
     * Every element of the vector GEMM is one chain in k order: fused multiply-adds in the column strips and the
     * whole vectors after them, a multiply then an add in the last columns narrower than a vector (as the scalar
     * loop that first computed them). Pinned bit for bit, so a faster kernel cannot change a recorded run's
     * numbers (forks and resumes check the rebuilt state against the recording).
     */
    @Test
    void everyElementIsOneChainInKOrderBitForBit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(11);
        int strip = VectorGemm.NR;
        for (int trial = 0; trial < 300; trial++) {
            // now and then more rows than one block of A (MC) and than packing B waits for, with a short last panel
            int m = trial % 7 == 0 ? 90 + rng.nextInt(120) : 1 + rng.nextInt(40);
            int n = 1 + rng.nextInt(3 * strip + 7), k = 1 + rng.nextInt(trial % 5 == 0 ? 1000 : 60);
            boolean transA = rng.nextBoolean(), acc = rng.nextBoolean();
            int lda = transA ? m : k, ldb = n + rng.nextInt(3), ldc = n + rng.nextInt(3);
            int ars = transA ? 1 : lda, acs = transA ? lda : 1;
            float[] a = rand(rng, (transA ? k : m) * lda), b = rand(rng, k * ldb), c = rand(rng, m * ldc);
            float[] want = chains(m, n, k, a, ars, acs, b, ldb, c, ldc, acc);
            for (int mr : new int[] {6, 8}) { // both micro-tiles, whichever this machine's vectors pick
                float[] got = c.clone();
                VectorGemm.gemm(m, k, a, 0, ars, acs, b, 0, ldb, got, 0, ldc, acc, 0, n, new VectorGemm.Scratch(), mr);
                for (int i = 0; i < c.length; i++) {
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "mr=" + mr + " m=" + m + " n=" + n
                            + " k=" + k + " transA=" + transA + " acc=" + acc + " at " + i + ": " + want[i] + " vs " + got[i]);
                }
            }
        }
    }

    /**
     * Blocks of a transposed A copied k-major before the kernels read them (from one strip of B on; a row-major A at
     * eight and sixteen strips, read in place, alongside): every element still the chain, with panels of 96 rows and a
     * short one, twelve-row tiles and the eight-row ones after them, a last tile of fewer than eight rows, one and two
     * K blocks, B packed per product and prepacked, and past the last strip a whole vector of columns (fused) or
     * none, then up to four (not).
     */
    @Test
    void blocksOfACopiedForTheKernelKeepTheChainBitForBit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(12);
        int strip = VectorGemm.NR;
        for (int trial = 0; trial < 24; trial++) {
            boolean transA = trial % 2 == 0, acc = trial % 4 < 2, prepacked = trial % 8 < 4;
            int m = new int[] {101, 200, 96, 13, 40, 24}[trial / 4], k = trial % 3 == 0 ? 400 : 37;
            // a transposed A's blocks are copied from one strip of B on: one, two and four
            int n = (transA ? new int[] {1, 2, 4}[trial / 2 % 3] : 8 << trial / 2 % 2) * strip + trial % 5
                    + (trial % 3 == 1 ? VectorGemm.L : 0);
            int lda = transA ? m : k, ldc = n + 1, ars = transA ? 1 : lda, acs = transA ? lda : 1;
            float[] a = rand(rng, (transA ? k : m) * lda), b = rand(rng, k * n), c = rand(rng, m * ldc);
            float[] want = chains(m, n, k, a, ars, acs, b, n, c, ldc, acc), got = c.clone();
            if (prepacked) {
                float[] packed = new float[k * n];
                VectorGemm.pack(k, n, b, 0, n, packed);
                VectorGemm.gemm(m, k, a, 0, ars, acs, packed, 0, 0, got, 0, ldc, acc, 0, n, new VectorGemm.Scratch(), 8, n, null, 0);
            } else {
                VectorGemm.gemm(m, k, a, 0, ars, acs, b, 0, n, got, 0, ldc, acc, 0, n, new VectorGemm.Scratch(), 8);
            }
            for (int i = 0; i < c.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "m=" + m + " n=" + n + " k=" + k
                        + " transA=" + transA + " acc=" + acc + " prepacked=" + prepacked + " at " + i + ": " + want[i] + " vs " + got[i]);
            }
        }
    }

    /** C(i, j) as the GEMM must give it: one chain in k order, fused in the columns of whole vectors, else c + a·b. */
    private static float[] chains(int m, int n, int k, float[] a, int ars, int acs, float[] b, int ldb, float[] c, int ldc,
                                  boolean acc) {
        float[] want = c.clone();
        int nFull = n / VectorGemm.NR * VectorGemm.NR, vecEnd = nFull + (n - nFull) / VectorGemm.L * VectorGemm.L;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = acc ? c[i * ldc + j] : 0f;
                for (int p = 0; p < k; p++) {
                    float x = a[i * ars + p * acs], y = b[p * ldb + j];
                    s = j < vecEnd ? Math.fma(x, y, s) : s + x * y;
                }
                want[i * ldc + j] = s;
            }
        }
        return want;
    }

    /**
     * The bias is added as C is stored (the last K block, in the kernels, the tiles and the columns past the strips):
     * the very addition a bias pass after the product made, so each element is the chain, then + bias, rounded once.
     */
    @Test
    void aBiasIsAddedAfterTheWholeChainBitForBit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(23);
        int strip = VectorGemm.NR;
        for (int trial = 0; trial < 200; trial++) {
            int m = trial % 7 == 0 ? 90 + rng.nextInt(120) : 1 + rng.nextInt(40);
            // now and then eight strips or more: a transposed A's twelve-row tiles across many strips
            int n = trial % 13 == 0 ? 8 * strip + rng.nextInt(40) : 1 + rng.nextInt(3 * strip + 7);
            int k = trial % 11 == 0 ? 0 : 1 + rng.nextInt(trial % 5 == 0 ? 1000 : 60);
            boolean transA = rng.nextBoolean(), acc = rng.nextBoolean(), packed = trial % 3 == 0 && k > 0;
            int lda = transA ? m : k, ldc = n + rng.nextInt(3), biasOff = rng.nextInt(4);
            int ars = transA ? 1 : lda, acs = transA ? lda : 1;
            // the bias array ends at the last column, so a vector read past it would fail
            float[] a = rand(rng, Math.max(1, (transA ? k : m) * lda)), b = rand(rng, k * n), c = rand(rng, m * ldc);
            float[] bias = rand(rng, biasOff + n), pb = new float[k * n];
            if (packed) VectorGemm.pack(k, n, b, 0, n, pb);
            for (int mr : new int[] {6, 8}) {
                float[] want = c.clone(), got = c.clone();
                VectorGemm.gemm(m, k, a, 0, ars, acs, b, 0, n, want, 0, ldc, acc, 0, n, new VectorGemm.Scratch(), mr);
                CpuBackend.addBiasColumns(0, m, 0, n, ldc, want, 0, bias, biasOff);
                // two column ranges, as two threads split them (whole strips, then the rest)
                int cut = Math.min(n, rng.nextInt(n / strip + 1) * strip);
                VectorGemm.gemm(m, k, a, 0, ars, acs, packed ? pb : b, 0, n, got, 0, ldc, acc, 0, cut, new VectorGemm.Scratch(),
                        mr, packed ? n : 0, bias, biasOff);
                VectorGemm.gemm(m, k, a, 0, ars, acs, packed ? pb : b, 0, n, got, 0, ldc, acc, cut, n, new VectorGemm.Scratch(),
                        mr, packed ? n : 0, bias, biasOff);
                for (int i = 0; i < c.length; i++) {
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "mr=" + mr + " m=" + m + " n=" + n
                            + " k=" + k + " transA=" + transA + " acc=" + acc + " packed=" + packed + " at " + i);
                }
            }
        }
    }

    /** The backend's gemmBias on any path (blocked, tall, rows or columns split over 1-3 threads) is gemm then addBias. */
    @Test
    void gemmBiasIsTheProductThenTheBiasPassBitForBit() {
        SplittableRandom rng = new SplittableRandom(29);
        int[] sizes = {1, 5, 8, 17, 33, 64, 65, 130, 300};
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int trial = 0; trial < 40; trial++) {
                    int m = sizes[rng.nextInt(sizes.length)], n = sizes[rng.nextInt(sizes.length)];
                    int k = trial % 4 == 0 ? 400 + rng.nextInt(500) : sizes[rng.nextInt(sizes.length)];
                    boolean transA = rng.nextBoolean();
                    if (trial % 8 == 1) { // a tall weight-gradient shape (VectorTallGemm)
                        m = 1 + rng.nextInt(60);
                        n = 1 + rng.nextInt(60);
                        k = 400 + rng.nextInt(400);
                        transA = true;
                    }
                    int lda = transA ? m : k, ldc = n + rng.nextInt(3), ars = transA ? 1 : lda, acs = transA ? lda : 1;
                    float[] a = rand(rng, (transA ? k : m) * lda), b = rand(rng, k * n), bias = rand(rng, n + 2);
                    Buf ab = be.alloc(a.length), bb = be.alloc(b.length), biasB = be.alloc(n + 2);
                    Buf plain = be.alloc(m * ldc), got = be.alloc(m * ldc);
                    be.upload(a, 0, ab, 0, a.length);
                    be.upload(b, 0, bb, 0, b.length);
                    be.upload(bias, 0, biasB, 0, n + 2);
                    be.gemm(m, n, k, ab, 0, ars, acs, bb, 0, n, plain, 0, ldc, false);
                    be.addBias(plain, 0, m, n, ldc, biasB, 2);
                    be.gemmBias(m, n, k, ab, 0, ars, acs, bb, 0, n, got, 0, ldc, biasB, 2);
                    assertSameBits(be, plain, got, m, n, ldc, "threads=" + threads + " k=" + k + " transA=" + transA);
                }
            }
        }
    }

    /** The tall kernel takes its fused columns eight at a time: a range that cuts such a block is refused, not guessed at. */
    @Test
    void theTallKernelRefusesAColumnRangeThatCutsABlockOfEight() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        int m = 50, n = 50, k = 400;
        float[] a = new float[k * m], b = new float[k * n], g = new float[m * n], scratch = new float[VectorTallGemm.scratchSize(m, n)];
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> VectorTallGemm.gemm(m, n, k, a, 0, m, b, 0, n, g, 0, n, false, 3, 50, scratch));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> VectorTallGemm.gemm(m, n, k, a, 0, m, b, 0, n, g, 0, n, false, 0, 20, scratch));
        VectorTallGemm.gemm(m, n, k, a, 0, m, b, 0, n, g, 0, n, false, 16, 49, scratch); // ends past the fused columns
        VectorTallGemm.gemm(m, n, k, a, 0, m, b, 0, n, g, 0, n, false, 48, 50, scratch); // the unfused ones alone
    }

    /** The packed layout itself, at any size and over any split of the columns into whole strips: the same bits. */
    @Test
    void theVectorGemmOverAPackedBGivesTheSameBitsOverAnyColumnSplit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(17);
        int strip = VectorGemm.NR;
        for (int trial = 0; trial < 120; trial++) {
            int m = trial % 5 == 0 ? 90 + rng.nextInt(150) : 1 + rng.nextInt(40);
            int n = 1 + rng.nextInt(4 * strip + 9), k = 1 + rng.nextInt(trial % 4 == 0 ? 900 : 70);
            int lda = k + rng.nextInt(3), ldc = n + rng.nextInt(3);
            float[] a = rand(rng, m * lda), b = rand(rng, k * n), c = rand(rng, m * ldc), packed = new float[k * n];
            boolean acc = rng.nextBoolean();
            VectorGemm.pack(k, n, b, 0, n, packed);
            float[] want = c.clone(), got = c.clone();
            VectorGemm.gemm(m, k, a, 0, lda, 1, b, 0, n, want, 0, ldc, acc, 0, n, new VectorGemm.Scratch());
            // a split as the threads make it: whole strips, the last part taking the columns after them
            int cut = Math.min(n, rng.nextInt(n / strip + 1) * strip);
            VectorGemm.gemmPacked(m, n, k, a, 0, lda, 1, packed, got, 0, ldc, acc, 0, cut, new VectorGemm.Scratch());
            VectorGemm.gemmPacked(m, n, k, a, 0, lda, 1, packed, got, 0, ldc, acc, cut, n, new VectorGemm.Scratch());
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                        "m=" + m + " n=" + n + " k=" + k + " cut=" + cut + " acc=" + acc + " at " + i);
            }
        }
    }

    /**
     * A B packed once for many products gives every product (with a bias, or accumulating) the same bits as B read in
     * place; packed from its transpose (a layer's W, {@link Backend#packTransposedForProducts}), the same floats.
     */
    @Test
    void productsWithAPackedBMatchThePlainOnesBitForBit() {
        SplittableRandom rng = new SplittableRandom(13);
        int strip = VectorSupport.ENABLED ? VectorGemm.NR : 16;
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int trial = 0; trial < 40; trial++) {
                    // rows as a recurrent step's batch (and now and then many, so the threads split rows); columns with
                    // and without a tail past the last strip; k past one K block now and then
                    int m = trial % 5 == 0 ? 90 + rng.nextInt(150) : 1 + rng.nextInt(40);
                    int n = 1 + rng.nextInt(4 * strip + 9), k = 1 + rng.nextInt(trial % 4 == 0 ? 900 : 70);
                    if (trial % 10 == 3) { // a B past VectorGemm.pastSecondLevelCache's size, as a large recurrent weight
                        n = 1024 + 1 + rng.nextInt(2 * strip);
                        k = 1024 + rng.nextInt(40);
                        m = 1 + rng.nextInt(20);
                    }
                    if (trial % 10 == 7) { // as a large recurrent weight in the backward: k the gates, n the hidden size
                        n = 256 + 1 + rng.nextInt(2 * strip);
                        k = 4096 + rng.nextInt(40);
                        m = 1 + rng.nextInt(20);
                    }
                    int lda = k + rng.nextInt(3), ldc = n + rng.nextInt(3);
                    float[] a = rand(rng, m * lda), b = rand(rng, k * n), bias = rand(rng, n);
                    Buf ab = be.alloc(a.length), bb = be.alloc(b.length), packed = be.alloc(k * n), biasB = be.alloc(n);
                    Buf plain = be.alloc(m * ldc), got = be.alloc(m * ldc);
                    float[] c0 = rand(rng, m * ldc);
                    Buf accPlain = be.alloc(m * ldc), accGot = be.alloc(m * ldc);
                    be.upload(c0, 0, accPlain, 0, c0.length);
                    be.upload(c0, 0, accGot, 0, c0.length);
                    be.upload(a, 0, ab, 0, a.length);
                    be.upload(b, 0, bb, 0, b.length);
                    be.upload(bias, 0, biasB, 0, n);
                    be.packForProducts(k, n, bb, 0, packed);
                    // a layer's weight W = Bᵀ [n, k] packed as its forward reads it: the very floats packed from B
                    float[] w = new float[n * k];
                    for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) w[j * k + p] = b[p * n + j];
                    int wOff = trial % 3;
                    Buf wb = be.alloc(wOff + w.length), packedT = be.alloc(k * n);
                    be.upload(w, 0, wb, wOff, w.length);
                    be.packTransposedForProducts(k, n, wb, wOff, packedT);
                    assertSameBits(be, packed, packedT, k, n, n, "packed from Wᵀ, threads=" + threads + " k=" + k + " n=" + n);
                    be.gemmBias(m, n, k, ab, 0, lda, 1, bb, 0, n, plain, 0, ldc, biasB, 0);
                    be.gemmBiasPacked(m, n, k, ab, 0, lda, 1, packed, got, 0, ldc, biasB, 0);
                    // and accumulating into a C already there, as the backward's dH += dPre·W_hh
                    be.gemm(m, n, k, ab, 0, lda, 1, bb, 0, n, accPlain, 0, ldc, true);
                    be.gemmPacked(m, n, k, ab, 0, lda, 1, packed, accGot, 0, ldc, true);
                    String where = " threads=" + threads + " k=" + k;
                    assertSameBits(be, plain, got, m, n, ldc, "gemmBias" + where);
                    assertSameBits(be, accPlain, accGot, m, n, ldc, "gemm accumulating" + where);
                }
            }
        }
    }

    private static void assertSameBits(CpuBackend be, Buf plain, Buf got, int m, int n, int ldc, String what) {
        float[] want = new float[m * ldc], have = new float[m * ldc];
        be.download(plain, 0, want, 0, want.length);
        be.download(got, 0, have, 0, have.length);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = i * ldc + j;
                assertEquals(Float.floatToRawIntBits(want[at]), Float.floatToRawIntBits(have[at]),
                        what + " m=" + m + " n=" + n + " at (" + i + ", " + j + "): " + want[at] + " vs " + have[at]);
            }
        }
    }

    private static void check(CpuBackend be, SplittableRandom rng, int m, int n, int k, boolean transA, boolean acc, int pad) {
        int lda = (transA ? m : k) + pad, ldb = n + pad, ldc = n + pad;
        int aRows = transA ? k : m;
        float[] a = rand(rng, aRows * lda + 3), b = rand(rng, k * ldb + 3), c = rand(rng, m * ldc + 3);
        double[] want = new double[c.length];
        for (int i = 0; i < c.length; i++) want[i] = c[i];
        int aOff = 1, bOff = 2, cOff = 3 % c.length;
        int ars = transA ? 1 : lda, acs = transA ? lda : 1;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = acc ? c[cOff + i * ldc + j] : 0;
                for (int p = 0; p < k; p++) s += (double) a[aOff + i * ars + p * acs] * b[bOff + p * ldb + j];
                want[cOff + i * ldc + j] = s;
            }
        }
        Buf ab = be.alloc(a.length), bb = be.alloc(b.length), cb = be.alloc(c.length);
        be.upload(a, 0, ab, 0, a.length);
        be.upload(b, 0, bb, 0, b.length);
        be.upload(c, 0, cb, 0, c.length);
        be.gemm(m, n, k, ab, aOff, ars, acs, bb, bOff, ldb, cb, cOff, ldc, acc);
        float[] got = new float[c.length];
        be.download(cb, 0, got, 0, got.length);
        String what = "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " acc=" + acc + " pad=" + pad;
        for (int i = 0; i < got.length; i++) {
            assertEquals(want[i], got[i], 1e-4 * (1 + Math.abs(want[i])) * Math.sqrt(k + 1), what + " at " + i);
        }
    }

    /**
     * Weight gradients over many rows (Aᵀ·B, k long, G small) take the tall kernel, which runs its vectors down G's
     * rows instead of across its columns; every element must still be GemmTest's chain, bit for bit — with G's
     * columns split across threads, A's last row ending the array, and accumulation on or off.
     */
    @Test
    void tallTransposedProductsKeepTheChainBitForBit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(13);
        int lanes = VectorGemm.L, trials = 0;
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int trial = 0; trial < 25; trial++, trials++) {
                    int m = 1 + rng.nextInt(64), n = 1 + rng.nextInt(Math.min(64, 4096 / m)), k = 384 + rng.nextInt(2200);
                    // a 50-unit RNN's dW_hh, a two-input and a six-input dW_ih (Pascanu's), three vectors of rows
                    // with none apart, five with ten apart
                    int[][] named = {{50, 50}, {50, 2}, {50, 6}, {48, 48}, {90, 40}};
                    if (trial < named.length) { m = named[trial][0]; n = named[trial][1]; }
                    assertTrue(VectorTallGemm.suits(m, n, k, 1));
                    boolean acc = rng.nextBoolean();
                    int lda = m + rng.nextInt(3), ldb = n + rng.nextInt(3), ldc = n + rng.nextInt(3), aOff = rng.nextInt(4);
                    float[] a = rand(rng, aOff + (k - 1) * lda + m), b = rand(rng, k * ldb), c = rand(rng, m * ldc);
                    float[] want = c.clone();
                    int vecEnd = n - n % lanes;
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float s = acc ? c[i * ldc + j] : 0f;
                            for (int p = 0; p < k; p++) {
                                float x = a[aOff + p * lda + i], y = b[p * ldb + j];
                                s = j < vecEnd ? Math.fma(x, y, s) : s + x * y;
                            }
                            want[i * ldc + j] = s;
                        }
                    }
                    Buf ab = be.alloc(a.length), bb = be.alloc(b.length), cb = be.alloc(c.length);
                    be.upload(a, 0, ab, 0, a.length);
                    be.upload(b, 0, bb, 0, b.length);
                    be.upload(c, 0, cb, 0, c.length);
                    be.gemm(m, n, k, ab, aOff, 1, lda, bb, 0, ldb, cb, 0, ldc, acc);
                    float[] got = new float[c.length];
                    be.download(cb, 0, got, 0, c.length);
                    for (int i = 0; i < c.length; i++) {
                        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                                "m=" + m + " n=" + n + " k=" + k + " acc=" + acc + " threads=" + threads + " at " + i);
                    }
                }
            }
        }
        assertEquals(75, trials);
    }

    /**
     * Products tall enough that two threads take row panels as they go (RowClaims; three take fixed shares), over one
     * and several K blocks, with a bias, accumulating, A transposed or not, B packed or read in place: every bit as
     * one thread computes it.
     */
    @Test
    void rowPanelsClaimedAsTheThreadsGoKeepEveryBit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(31);
        try (CpuBackend one = new CpuBackend(1); CpuBackend two = new CpuBackend(2); CpuBackend three = new CpuBackend(3)) {
            for (int trial = 0; trial < 12; trial++) {
                CpuBackend many = trial % 3 == 2 ? three : two;
                int m = 4 * many.threads() * VectorGemm.MC + rng.nextInt(300), n = 1 + rng.nextInt(100);
                int k = trial % 2 == 0 ? 1 + rng.nextInt(VectorGemm.KC) : VectorGemm.KC + 1 + rng.nextInt(800);
                boolean transA = rng.nextBoolean(), acc = trial % 4 == 1, bias = trial % 4 == 3, packed = trial % 3 == 0;
                int ars = transA ? 1 : k, acs = transA ? m : 1;
                float[] a = rand(rng, m * k), b = rand(rng, k * n), c = rand(rng, m * n), bs = rand(rng, n);
                float[][] out = new float[2][];
                for (int q = 0; q < 2; q++) {
                    CpuBackend be = q == 0 ? one : many;
                    Buf ab = be.alloc(a.length), bb = be.alloc(b.length), cb = be.alloc(c.length), biasB = be.alloc(n), pb = be.alloc(b.length);
                    be.upload(a, 0, ab, 0, a.length);
                    be.upload(b, 0, bb, 0, b.length);
                    be.upload(c, 0, cb, 0, c.length);
                    be.upload(bs, 0, biasB, 0, n);
                    if (packed) {
                        be.packForProducts(k, n, bb, 0, pb);
                        be.gemmPacked(m, n, k, ab, 0, ars, acs, pb, cb, 0, n, acc);
                    } else if (bias) {
                        be.gemmBias(m, n, k, ab, 0, ars, acs, bb, 0, n, cb, 0, n, biasB, 0);
                    } else {
                        be.gemm(m, n, k, ab, 0, ars, acs, bb, 0, n, cb, 0, n, acc);
                    }
                    out[q] = new float[c.length];
                    be.download(cb, 0, out[q], 0, c.length);
                }
                for (int i = 0; i < c.length; i++) {
                    assertEquals(Float.floatToRawIntBits(out[0][i]), Float.floatToRawIntBits(out[1][i]), "m=" + m + " n=" + n + " k=" + k
                            + " transA=" + transA + " acc=" + acc + " bias=" + bias + " packed=" + packed + " threads=" + many.threads() + " at " + i);
                }
            }
        }
    }

    private static float[] rand(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rng.nextDouble() * 2 - 1);
        return v;
    }
}
