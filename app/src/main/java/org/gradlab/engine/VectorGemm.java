package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API GEMM, C[M, n0..n1) (+)= A·B (see {@link Backend#gemm}), blocked the Goto way: K in blocks of
 * {@value #KC}. With 8-row tiles, a panel's block of a transposed A is copied k-major ({@link #packBlock}) where
 * enough strips read it ({@link #packsBlock}), so the kernel reads it at constant strides, twelve rows a tile where
 * the block allows. A row-major A's block read by {@value #ROWS_COPIED_FROM_STRIPS_DEFAULT} strips or more is copied row
 * by row (whole rows, System.arraycopy) to the constant stride {@link #KS}, and read at constant offsets, twelve or
 * eight rows a tile ({@link #copiesRows}); otherwise A is read where it lies, mr
 * rows' values at each k whatever its strides, and only a short last panel is copied, zero-padded (copying every
 * block, element by element into 6- or 8-row panels, cost ~1 ns a value, 14% of a GPT step, to save nothing). B is packed into
 * 2-vector-wide strips when there are enough rows to repay the copy, read in place otherwise (a recurrent step
 * multiplies only B=32 rows) — or, for a B that many products read (a recurrent weight), packed once by
 * {@link #pack} and read from there ({@link #gemmPacked}). The micro-kernel ({@link GemmKernels}) is mr × 2 vectors: 6 rows (12 accumulators, 2 B vectors and a
 * broadcast in AVX2's 16 registers; ~2× faster than a 4 × 3 tile on the development machine) or 8 where there
 * are 32 registers.
 */
final class VectorGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /**
     * Rows per micro-tile: 8 where there are 32 vector registers (AVX-512: 16 accumulators, 2 B vectors and a
     * broadcast), else 6 (AVX2's 16 registers). A batch of 32 rows is four whole 8-row panels, where 6-row panels
     * left a short one that cost a full kernel for two rows.
     */
    static final int MR = L >= 16 ? 8 : 6;
    /** The taller of the two tile heights: scratch is sized for it, as tests run both heights on any machine. */
    private static final int MAX_MR = 8;
    static final int NR = 2 * L;
    static final int KC = 384, MC = 96;
    /**
     * Row stride of a row-major A's block copied for {@link CopiedRowKernels#kernel8x2S}: a constant, so each read's row
     * offset is the instruction's own; KC plus 8 floats, so the rows (1,568 bytes apart) do not share cache sets.
     */
    static final int KS = KC + 8;
    /** Row count from which packing B pays for itself. */
    static final int PACK_B_MIN_ROWS = Integer.getInteger("gradlab.packB", 96);

    private VectorGemm() {}

    /** Width of a row of n floats padded to whole vectors. */
    static int padded(int n) {
        return (n + L - 1) / L * L;
    }

    static String describe() {
        return S.vectorBitSize() + "-bit, " + L + " floats";
    }

    /** Per-thread scratch: a short panel of A, packed B strips (grown on first use of a wider shape), tiles. */
    static final class Scratch {
        final float[] ap = new float[MAX_MR * KC];
        /** A's block as {@link #packBlock} lays it out: value (i, p) at p·MC + i. */
        final float[] aBlock = new float[KC * MC];
        /** A row-major A's block, row i at i·KS ({@link #copyRows}). */
        final float[] aRows = new float[MC * KS];
        final float[] tile = new float[MAX_MR * NR];
        /** Four columns of a copied block's rows, column x's from x·MC ({@link ColumnKernels}). */
        final float[] columnTile = new float[4 * MC];
        float[] bp = new float[KC * 8 * NR];
        /**
         * B's columns past its last strip, copied once a K block: for {@link #blockColumns} (a vector at a time
         * k-major), {@link #mixedColumns} (NR floats a k), or the narrow ones alone (padded to a vector, k-major).
         */
        private float[] bt = new float[KC * L];

        float[] bTail(int n) {
            if (bt.length < n) bt = new float[n];
            return bt;
        }

        float[] bPanel(int n) {
            if (bp.length < n) bp = new float[n];
            return bp;
        }
    }

    static void gemm(int m, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean acc, int n0, int n1, Scratch s) {
        gemm(m, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, acc, n0, n1, s, MR);
    }

    /** As above with micro-tiles of `mr` rows (6 or 8): tests run both on any machine. */
    static void gemm(int m, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean acc, int n0, int n1, Scratch s, int mr) {
        gemm(m, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, acc, n0, n1, s, mr, 0, null, 0);
    }

    /**
     * C (+)= A·B with B [k, n] from {@link #pack}: its strips already packed (the whole of a recurrent weight, once
     * for all the time steps that read it), so no product copies or strides through B.
     */
    static void gemmPacked(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] packed,
                           float[] c, int cOff, int ldc, boolean acc, int n0, int n1, Scratch s) {
        gemm(m, k, a, aOff, ars, acs, packed, 0, 0, c, cOff, ldc, acc, n0, n1, s, MR, n, null, 0);
    }

    /**
     * Whether B [k, n] is 4 MB or more, well past a core's 1 MB second-level cache: a recurrence whose threads each
     * take a share of the batch through the whole sequence reads all of its W_hh every step, and from this size each
     * thread fetched every row from afar (at hidden 512 the LSTM model ran 337 ms a step split by batch, 321 split
     * per step; the anchor's 1 MB ran faster split by batch).
     */
    static boolean pastSecondLevelCache(int k, int n) {
        return (long) k * n >= 1 << 20;
    }

    /**
     * B [k, n] (leading dimension ldb) into dst's k·n floats: for each K block, the whole strips of NR columns one
     * after another (k-major within a strip, as {@link #packB} lays them out per product), then B's last
     * n mod NR columns row by row.
     */
    static void pack(int k, int n, float[] b, int bOff, int ldb, float[] dst) {
        pack(k, n, b, bOff, ldb, dst, 0, 1);
    }

    /**
     * Part `chunk` of `chunks` of {@link #pack}: its share of the strips (and, the last part, the columns after them),
     * so that threads pack one B together.
     */
    static void pack(int k, int n, float[] b, int bOff, int ldb, float[] dst, int chunk, int chunks) {
        int nFull = n / NR * NR, nt = n - nFull;
        int j0 = WorkerPool.splitStart(nFull, chunk, chunks, NR), j1 = WorkerPool.splitStart(nFull, chunk + 1, chunks, NR);
        for (int p0 = 0; p0 < k && j0 < j1; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            packB(kc, b, bOff + p0 * ldb + j0, ldb, j1 - j0, dst, p0 * nFull + j0 * kc);
        }
        if (chunk == chunks - 1) {
            for (int p = 0; p < k; p++) System.arraycopy(b, bOff + p * ldb + nFull, dst, k * nFull + p * nt, nt);
        }
    }

    /**
     * {@link #pack} of B = Wᵀ [k, n] straight from W [n, k] (leading dimension k, from wOff), part `chunk` of `chunks`
     * as {@link #pack}'s parts: each row of W read along, written down its strip's column. Transposing W and then
     * packing the copy read and wrote every value twice: an LSTM's 1024 × 256 W_hh 272-317 → 141-160 µs, 1024 × 512
     * 435-546 → 224-295 (one JVM, both ways each round, one thread).
     */
    static void packTransposed(int k, int n, float[] w, int wOff, float[] dst, int chunk, int chunks) {
        int nFull = n / NR * NR, nt = n - nFull;
        int j0 = WorkerPool.splitStart(nFull, chunk, chunks, NR), j1 = WorkerPool.splitStart(nFull, chunk + 1, chunks, NR);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            for (int strip = j0; strip < j1; strip += NR) {
                int d0 = p0 * nFull + strip * kc;
                for (int x = 0; x < NR; x++) {
                    int src = wOff + (strip + x) * k + p0;
                    for (int p = 0, d = d0 + x; p < kc; p++, d += NR) dst[d] = w[src + p];
                }
            }
        }
        if (chunk != chunks - 1) return;
        for (int x = 0; x < nt; x++) {
            int src = wOff + (nFull + x) * k;
            for (int p = 0, d = k * nFull + x; p < k; p++, d += nt) dst[d] = w[src + p];
        }
    }

    /**
     * The general form: packedN &gt; 0 says b is {@link #pack}'s layout of a B with packedN columns (bOff and ldb
     * unused); bias != null adds bias[biasOff + j] to column j as soon as the last K block has stored each strip — the same float
     * addition as a bias pass after the product, without reading C back from memory (a GPT's 4 MB MLP output cost
     * ~0.4 ms a pass).
     */
    static void gemm(int m, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb, float[] c, int cOff,
                     int ldc, boolean acc, int n0, int n1, Scratch s, int mr, int packedN, float[] bias, int biasOff) {
        gemm(m, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, acc, n0, n1, s, mr, packedN, bias, biasOff, null, 0, null, 0, null);
    }

    /**
     * As above; with claims, the calling thread (chunk 0 or 1 of two) computes only the row panels (MC rows each,
     * panel q from row q·MC) it claims in each K block, the other thread the rest. With sums, also sums[sumsOff + i]
     * += Σ_p A(i, p) for its rows, added as each block of A is read, K blocks in order: the chain a column sum of a
     * stored Gᵀ takes ({@link CpuBackend#columnSums}), so the same bits. Only where each block of A is read once (by
     * one thread, for all of C's columns). With an epilogue, each panel's rows [n0, n1) go to it once their last K
     * block (and bias) is in.
     */
    static void gemm(int m, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb, float[] c, int cOff,
                     int ldc, boolean acc, int n0, int n1, Scratch s, int mr, int packedN, float[] bias, int biasOff,
                     RowClaims claims, int chunk, float[] sums, int sumsOff, GemmEpilogue epilogue) {
        if (k == 0) {
            if (!acc) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc + n0, cOff + i * ldc + n1, 0f);
            if (bias != null) CpuBackend.addBiasColumns(0, m, n0, n1, ldc, c, cOff, bias, biasOff);
            if (epilogue != null && m > 0 && n1 > n0) epilogue.finished(c, cOff + n0, m, n1 - n0, ldc);
            return;
        }
        int nFull = n0 + (n1 - n0) / NR * NR;
        boolean prepacked = packedN > 0, packB = !prepacked && nFull > n0 && (m >= PACK_B_MIN_ROWS || packsForBlocks(m, ars, (nFull - n0) / NR));
        // in a prepacked B: whole strips of K block p0 from p0·nAll, the last columns (nAll onwards) row by row
        int nAll = packedN / NR * NR, nt = packedN - nAll;
        float[] ap = s.ap;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            boolean accBlock = acc || p0 > 0;
            float[] bs0 = p0 + kc == k ? bias : null; // the bias with the last K block
            int bBlock = bOff + p0 * ldb;
            float[] bp = null;
            int bpBase = 0; // where strip n0 starts in bp
            int block = p0 / KC, panel = claims == null ? 0 : claims.claim(block, chunk);
            if (panel < 0) continue; // every panel of this block taken: nothing to pack
            if (packB) {
                bp = s.bPanel(kc * (nFull - n0));
                packB(kc, b, bBlock + n0, ldb, nFull - n0, bp, 0);
            } else if (prepacked) {
                bp = b;
                bpBase = p0 * nAll + n0 * kc;
            }
            // the columns after the last strip: in place, or (prepacked) from the rows after the strips
            int tOff = prepacked ? k * nAll + p0 * nt - nAll : bBlock, tld = prepacked ? nt : ldb;
            // copies of those columns, made once a K block for all the panels: where A's blocks are copied k-major, all
            // of them a vector at a time k-major ({@link #blockColumns}); for a row-major A's whole vector and narrow
            // one (a 50-column product's 16 + 2), both NR floats a k, for one pass over A's rows ({@link #mixedColumns});
            // otherwise the narrow ones, padded to a vector (the whole vectors are read in place)
            boolean blockPacked = mr == 8 && (packB || prepacked) && packsBlock(ars, (nFull - n0) / NR);
            boolean mixed = !blockPacked && mr == 8 && acs == 1 && n1 - nFull > L && n1 - nFull < 2 * L;
            int narrow = n1 - (n1 - nFull) % L; // where the narrow columns start
            float[] bTail = null;
            if (blockPacked && nFull < n1) {
                bTail = s.bTail(kc * padded(n1 - nFull));
                for (int j = nFull, v = 0; j < n1; j += L, v++) copyColumns(kc, b, tOff + j, tld, Math.min(L, n1 - j), bTail, v * kc * L, L);
            } else if (mixed) {
                bTail = s.bTail(kc * NR);
                copyColumns(kc, b, tOff + nFull, tld, n1 - nFull, bTail, 0, NR);
            } else if (narrow < n1) {
                bTail = s.bTail(kc * L);
                copyColumns(kc, b, tOff + narrow, tld, n1 - narrow, bTail, 0, L);
            }
            for (; panel >= 0 && panel * MC < m; panel = claims == null ? panel + 1 : claims.claim(block, chunk)) {
                int i0 = panel * MC, mc = Math.min(MC, m - i0);
                if (claims != null) claims.awaitEarlierBlocks(panel, block);
                int aBlock = aOff + i0 * ars + p0 * acs;
                // whole panels are read where A lies (mr rows' values at each k, whatever A's strides) unless the block is
                // copied; a last panel of fewer than mr rows is always read from a zero-padded copy, so the kernels
                // never read past A
                int whole = mc / mr * mr;
                boolean rowsCopied = mr == 8 && (packB || prepacked) && copiesRows(ars, acs, (nFull - n0) / NR);
                if (blockPacked) packBlock(mc, kc, a, aBlock, acs, s.aBlock, sums, sumsOff + i0);
                else {
                    if (rowsCopied) copyRows(whole, kc, a, aBlock, ars, s.aRows);
                    if (sums != null) addRowSums(mc, kc, a, aBlock, ars, acs, sums, sumsOff + i0);
                    if (whole < mc) packA(mr, mc - whole, kc, a, aBlock + whole * ars, ars, acs, ap);
                }
                // the short last panel's values, k-major: in the copied block (stride MC) or in ap (stride mr)
                float[] shortA = blockPacked ? s.aBlock : ap;
                int shortOff = blockPacked ? whole : 0, shortStride = blockPacked ? MC : mr;
                int cBlock = cOff + i0 * ldc;
                for (int j = n0; j < nFull; j += NR) {
                    boolean strips = packB || prepacked;
                    float[] bs = strips ? bp : b;
                    int bStart = strips ? bpBase + (j - n0) * kc : bBlock + j;
                    int bStride = strips ? NR : ldb;
                    if (mr == 8) {
                        // a copied block (or rows): twelve rows a tile, an even number of them so the rest splits into eights
                        int i = 0, end12 = blockPacked || rowsCopied ? whole / 24 * 24 : 0;
                        for (; i < end12; i += 12) {
                            if (blockPacked) GemmKernels.kernel12x2P(kc, s.aBlock, i, bs, bStart, c, cBlock + i * ldc + j, ldc, accBlock);
                            else CopiedRowKernels.kernel12x2S(kc, s.aRows, i * KS, bs, bStart, c, cBlock + i * ldc + j, ldc, accBlock);
                            if (bs0 != null) addBias2(12, c, cBlock + i * ldc + j, ldc, bs0, biasOff + j);
                        }
                        for (; i < whole; i += 8) {
                            if (blockPacked) GemmKernels.kernel8x2P(kc, s.aBlock, i, bs, bStart, c, cBlock + i * ldc + j, ldc, accBlock);
                            else if (ars == 1) GemmKernels.kernel8x2T(kc, a, aBlock + i, acs, bs, bStart, bStride, c, cBlock + i * ldc + j, ldc, accBlock);
                            else if (rowsCopied) CopiedRowKernels.kernel8x2S(kc, s.aRows, i * KS, bs, bStart, c, cBlock + i * ldc + j, ldc, accBlock);
                            else if (acs == 1 && strips) GemmKernels.kernel8x2R(kc, a, aBlock + i * ars, ars, bs, bStart, c, cBlock + i * ldc + j, ldc, accBlock);
                            else GemmKernels.kernel8x2(kc, a, aBlock + i * ars, ars, acs, bs, bStart, bStride, c, cBlock + i * ldc + j, ldc, accBlock);
                            if (bs0 != null) addBias2(8, c, cBlock + i * ldc + j, ldc, bs0, biasOff + j);
                        }
                    } else {
                        for (int i = 0; i < whole; i += 6) {
                            GemmKernels.kernel6x2(kc, a, aBlock + i * ars, ars, acs, bs, bStart, bStride, c, cBlock + i * ldc + j, ldc, accBlock);
                            if (bs0 != null) addBias2(6, c, cBlock + i * ldc + j, ldc, bs0, biasOff + j);
                        }
                    }
                    if (whole < mc) {
                        edgeTile(mr, kc, shortA, shortOff, shortStride, mc - whole, bs, bStart, bStride, c, cBlock + whole * ldc + j,
                                ldc, accBlock, s.tile);
                        if (bs0 != null) addBias2(mc - whole, c, cBlock + whole * ldc + j, ldc, bs0, biasOff + j);
                    }
                }
                int j = nFull;
                // columns past the last full strip, mr rows at a time (mr independent sums in flight, where one row
                // at a time waited on each FMA): whole vectors fused as the strips are; the last few columns padded to
                // a vector and summed with a separate multiply and add, as the scalar loop they replace did
                if (mixed) {
                    mixedColumns(kc, a, aBlock, ars, whole, mc, shortA, shortOff, shortStride, bTail, n1 - nFull - L, c, cBlock + j,
                            ldc, accBlock, s.tile);
                    j = n1;
                } else if (blockPacked) {
                    for (int v = 0; j < n1; j += L, v++) {
                        int w = Math.min(L, n1 - j);
                        blockColumns(kc, s.aBlock, mc, bTail, v * kc * L, w, c, cBlock + j, ldc, accBlock, s.columnTile);
                    }
                }
                for (; j + L <= n1; j += L) {
                    columns(mr, kc, a, aBlock, ars, acs, whole, mc, shortA, shortOff, shortStride, b, tOff + j, tld, L, c, cBlock + j,
                            ldc, accBlock, true, s.tile);
                }
                if (j < n1) {
                    columns(mr, kc, a, aBlock, ars, acs, whole, mc, shortA, shortOff, shortStride, bTail, 0, L, n1 - j, c, cBlock + j,
                            ldc, accBlock, false, s.tile);
                }
                // the columns past the last strip: their bias once the block's rows have them all
                if (bs0 != null && nFull < n1) CpuBackend.addBiasColumns(0, mc, nFull, n1, ldc, c, cBlock, bs0, biasOff);
                if (epilogue != null && p0 + kc == k) epilogue.finished(c, cBlock + n0, mc, n1 - n0, ldc);
                if (claims != null) claims.finished(panel, block);
            }
        }
    }

    /**
     * One vector of columns for every panel of the block: whole panels in place, the short one from its copy (its
     * values k-major from shortA[shortOff], shortStride floats a k).
     */
    private static void columns(int mr, int kc, float[] a, int aBlock, int ars, int acs, int whole, int mc, float[] shortA,
                                int shortOff, int shortStride, float[] b, int b0, int ldb, int w, float[] c, int cBlock, int ldc,
                                boolean acc, boolean fused, float[] tile) {
        for (int i = 0; i < whole; i += mr) {
            column(mr, kc, a, aBlock + i * ars, ars, acs, mr, b, b0, ldb, w, c, cBlock + i * ldc, ldc, acc, fused, tile);
        }
        if (whole < mc) column(mr, kc, shortA, shortOff, 1, shortStride, mc - whole, b, b0, ldb, w, c, cBlock + whole * ldc, ldc, acc,
                fused, tile);
    }

    /** w (at most stride) of B's columns, kc rows of them from b0 (ldb apart), into dst[d0...] k-major, stride floats a k. */
    private static void copyColumns(int kc, float[] b, int b0, int ldb, int w, float[] dst, int d0, int stride) {
        if (w == L) for (int p = 0; p < kc; p++) FloatVector.fromArray(S, b, b0 + p * ldb).intoArray(dst, d0 + p * stride);
        else for (int p = 0; p < kc; p++) System.arraycopy(b, b0 + p * ldb, dst, d0 + p * stride, w);
    }

    /**
     * One vector of columns (the first w C's, from bt[b0...] k-major) for the mc rows of a block copied by
     * {@link #packBlock}, four columns at a time down the rows ({@link ColumnKernels}), through the tile t:
     * the rows past mc up to a whole 2L from the copy's zeros, not stored. The columns' own bits, fused or not, as
     * {@link #columns} gives them. Across the rows (eight of them a vector of columns, a broadcast of A per
     * multiply-add) the 2 unfused columns of a 200 × 50 × 3,200 Aᵀ product cost as much as the 16 fused ones before
     * them; down the rows, one thread, both ways in turn three times: 1,036-1,098 → 793-844 µs (48 columns: 688-717
     * against 707-759, the same).
     */
    private static void blockColumns(int kc, float[] aBlock, int mc, float[] bt, int b0, int w, float[] c, int cBlock, int ldc,
                                     boolean acc, float[] t) {
        boolean fused = w == L;
        int rows = (mc + 2 * L - 1) / (2 * L) * (2 * L);
        for (int x0 = 0; x0 < w; x0 += 4) {
            int cols = Math.min(4, w - x0), c0 = cBlock + x0;
            if (acc) for (int r = 0; r < mc; r++) for (int x = 0; x < cols; x++) t[x * MC + r] = c[c0 + r * ldc + x];
            int i = 0;
            for (; i + 4 * L <= rows; i += 4 * L) ColumnKernels.rows4x4(kc, aBlock, i, bt, b0 + x0, t, acc, fused);
            for (; i < rows; i += 2 * L) ColumnKernels.rows2x4(kc, aBlock, i, bt, b0 + x0, t, acc, fused);
            for (int r = 0; r < mc; r++) for (int x = 0; x < cols; x++) c[c0 + r * ldc + x] = t[x * MC + r];
        }
    }

    /**
     * A whole vector of columns and w narrow ones after it, from bt (NR floats a k), for a row-major A's panel read in
     * place: eight rows at a time in one pass, the vector fused, the narrow ones multiplied then added, through the
     * tile ({@link RecurrenceKernels#kernel8x2FM}); the short panel a pass each from its copy, as {@link #columns}.
     * Passes of their own each read A's rows again, a broadcast per multiply-add: the narrow columns' pass (2 of 16
     * lanes used) cost as much as the vector's.
     */
    private static void mixedColumns(int kc, float[] a, int aBlock, int ars, int whole, int mc, float[] shortA, int shortOff,
                                     int shortStride, float[] bt, int w, float[] c, int cBlock, int ldc, boolean acc, float[] tile) {
        for (int i = 0; i < whole; i += 8) {
            int c0 = cBlock + i * ldc, o = aBlock + i * ars;
            if (acc) for (int r = 0; r < 8; r++) for (int q = 0; q < w; q++) tile[r * L + q] = c[c0 + r * ldc + L + q];
            RecurrenceKernels.kernel8x2FM(kc, a, o, o + ars, o + 2 * ars, o + 3 * ars, o + 4 * ars, o + 5 * ars, o + 6 * ars,
                    o + 7 * ars, bt, NR, 0, c, c0, ldc, tile, 0, L, acc);
            for (int r = 0; r < 8; r++) for (int q = 0; q < w; q++) c[c0 + r * ldc + L + q] = tile[r * L + q];
        }
        if (whole < mc) {
            int c0 = cBlock + whole * ldc;
            column(8, kc, shortA, shortOff, 1, shortStride, mc - whole, bt, 0, NR, L, c, c0, ldc, acc, true, tile);
            column(8, kc, shortA, shortOff, 1, shortStride, mc - whole, bt, L, NR, w, c, c0 + L, ldc, acc, false, tile);
        }
    }

    /**
     * Whether B is packed for fewer rows than {@link #PACK_B_MIN_ROWS} so that a transposed A's blocks are copied too
     * ({@link #packsBlock} needs a packed B): a weight gradient of 64-95 rows a thread (a GPT's 128-unit attention
     * projection on two threads) read both in place with their k steps 512 bytes apart. Four strips of B or more, where
     * the copied block serves enough of them. Both ways in turns (two threads, eight buffer sets, medians of 30):
     * 128 × 128 × 2048 Aᵀ 409-452 → 349-351 µs, 128 × 128 × 3200 687-689 → 518-560, 160 × 128 × 2048 507-514 → 413-428,
     * 64 × 256 × 2048 370-391 → 339-352; one thread 64 × 256 × 2048 716-742 → 601-615; at two strips a thread
     * (65 × 128 × 2048, its columns split) 221 → 238 µs, so not there.
     */
    private static boolean packsForBlocks(int m, int ars, int strips) {
        return ars == 1 && m >= 64 && strips >= 4;
    }

    /**
     * Whether a panel's block of A is copied into {@link #packBlock}'s layout before its strips run: a transposed A
     * (its rows next to each other, a weight gradient's Gᵀ) read by one strip of B or more. Read in place, its k
     * steps lie lda apart, at the weight gradients' 4 KB all in one cache set, and every strip fetches the block's
     * lines again. Both ways in one JVM, each first in every other round (30 rounds, means, GFLOP/s, two JVMs):
     * 1024 × 256 × 2048 Aᵀ 171 → 186 and 168 → 185 on one thread, 330 → 368 and 329 → 359 on two. From four strips
     * only at first; fewer read in place lost more (medians of 20 rounds, two threads, row sums taken): the LSTM's
     * layer-1 dW_ih 1024 × 64 × 2048 1,364 → 847 µs, the GRU's 768 × 64 × 2048 1,066 → 690, 1024 × 32 × 2048 (one
     * strip) 1,062 → 546, 1024 × 96 × 2048 1,827 → 1,265. A row-major A copied the same way (element by element)
     * gained nothing at sixteen strips (32, 512 and 2048 × 1024 × 256: within ±2%) and lost at eight, so it is read
     * in place — on a Zen 5 with the eight-row kernel, and again on a Xeon with the twelve-row one (one JVM, both ways
     * alternating, three JVMs: 2048 × 512 × 128 and 2048 × 1024 × 256 within −4% to +6%, 2048 × 256 × 1024 13-23%
     * slower, 2048 × 128 × 512 39-45% slower at four strips).
     */
    private static boolean packsBlock(int ars, int strips) {
        return ars == 1 && strips >= 1;
    }

    /**
     * Whether a row-major A's block is copied, row by row, to the constant stride {@link #KS} before its strips run
     * (see {@link CopiedRowKernels#kernel8x2S}). The copy is made once a block, for all the strips that read it: at one
     * strip it lost (2048 × 32 × 128, two threads: 80-82 -> 92 µs), at two it was even, from three it gained
     * (2048 × 96 × 128 208-235 -> 203-208; 2048 × 384 × 128 881-982 -> 766-810).
     */
    private static boolean copiesRows(int ars, int acs, int strips) {
        return acs == 1 && ars > 1 && strips >= ROWS_COPIED_FROM_STRIPS;
    }

    /** Strips from which a row-major A's block is copied (read in place below). */
    static final int ROWS_COPIED_FROM_STRIPS_DEFAULT = 3,
            ROWS_COPIED_FROM_STRIPS = Integer.getInteger("gradlab.copyRows", ROWS_COPIED_FROM_STRIPS_DEFAULT);

    /** Rows [0, rows) of kc values of a row-major A's block at a0 into dst, row i at i·KS. */
    private static void copyRows(int rows, int kc, float[] a, int a0, int ars, float[] dst) {
        for (int i = 0; i < rows; i++) System.arraycopy(a, a0 + i * ars, dst, i * KS, kc);
    }

    /**
     * A transposed A's block of mc rows and kc columns at a0 (A(i, p) at a0 + i + p·acs) into dst with (i, p) at
     * p·MC + i, rows mc up to the next multiple of 8 and of 2L zero (what the kernels read past mc: eight-row tiles,
     * {@link #blockColumns}' pairs of vectors): every kernel step's eight values in one line, every k a constant MC
     * floats on.
     */
    private static void packBlock(int mc, int kc, float[] a, int a0, int acs, float[] dst, float[] sums, int so) {
        int rows = Math.max((mc + 7) / 8 * 8, (mc + 2 * L - 1) / (2 * L) * (2 * L));
        if (sums == null) {
            for (int p = 0; p < kc; p++) System.arraycopy(a, a0 + p * acs, dst, p * MC, mc);
        } else if (mc == 6 * L) {
            // a whole panel: its sums held in six vectors through the block, each lane one add per k, in k order
            FloatVector s0 = FloatVector.fromArray(S, sums, so), s1 = FloatVector.fromArray(S, sums, so + L);
            FloatVector s2 = FloatVector.fromArray(S, sums, so + 2 * L), s3 = FloatVector.fromArray(S, sums, so + 3 * L);
            FloatVector s4 = FloatVector.fromArray(S, sums, so + 4 * L), s5 = FloatVector.fromArray(S, sums, so + 5 * L);
            for (int p = 0; p < kc; p++) {
                int src = a0 + p * acs, d = p * MC;
                FloatVector v0 = FloatVector.fromArray(S, a, src), v1 = FloatVector.fromArray(S, a, src + L);
                FloatVector v2 = FloatVector.fromArray(S, a, src + 2 * L), v3 = FloatVector.fromArray(S, a, src + 3 * L);
                FloatVector v4 = FloatVector.fromArray(S, a, src + 4 * L), v5 = FloatVector.fromArray(S, a, src + 5 * L);
                v0.intoArray(dst, d); v1.intoArray(dst, d + L); v2.intoArray(dst, d + 2 * L);
                v3.intoArray(dst, d + 3 * L); v4.intoArray(dst, d + 4 * L); v5.intoArray(dst, d + 5 * L);
                s0 = s0.add(v0); s1 = s1.add(v1); s2 = s2.add(v2); s3 = s3.add(v3); s4 = s4.add(v4); s5 = s5.add(v5);
            }
            s0.intoArray(sums, so); s1.intoArray(sums, so + L); s2.intoArray(sums, so + 2 * L);
            s3.intoArray(sums, so + 3 * L); s4.intoArray(sums, so + 4 * L); s5.intoArray(sums, so + 5 * L);
        } else {
            // the copy and the sums from the same loads: each sum one add per k, in k order
            int whole = mc / L * L;
            for (int p = 0; p < kc; p++) {
                int src = a0 + p * acs, d = p * MC, i = 0;
                for (; i < whole; i += L) {
                    FloatVector v = FloatVector.fromArray(S, a, src + i);
                    v.intoArray(dst, d + i);
                    FloatVector.fromArray(S, sums, so + i).add(v).intoArray(sums, so + i);
                }
                for (; i < mc; i++) {
                    float v = a[src + i];
                    dst[d + i] = v;
                    sums[so + i] += v;
                }
            }
        }
        if (rows > mc) for (int p = 0; p < kc; p++) java.util.Arrays.fill(dst, p * MC + mc, p * MC + rows, 0f);
    }

    /** sums[so + i] += A(i, p) for a block's mc rows and its kc values of k, in k order (a block read in place). */
    private static void addRowSums(int mc, int kc, float[] a, int a0, int ars, int acs, float[] sums, int so) {
        for (int p = 0; p < kc; p++) for (int i = 0, src = a0 + p * acs; i < mc; i++, src += ars) sums[so + i] += a[src];
    }

    /** ap[p*mr + r] = A(r, p) for the rows (fewer than mr) of a short last panel, the missing rows zero. */
    private static void packA(int mr, int rows, int kc, float[] a, int a0, int ars, int acs, float[] ap) {
        java.util.Arrays.fill(ap, 0, mr * kc, 0f);
        for (int r = 0; r < rows; r++) {
            for (int p = 0, src = a0 + r * ars; p < kc; p++, src += acs) ap[r + p * mr] = a[src];
        }
    }

    /** bp[d0 + strip*kc*NR + p*NR + x] = B(p, strip*NR + x) for `width` (a multiple of NR) columns. */
    private static void packB(int kc, float[] b, int b0, int ldb, int width, float[] bp, int d0) {
        for (int strip = 0; strip < width; strip += NR) {
            int dst = d0 + strip * kc;
            for (int p = 0; p < kc; p++, dst += NR) System.arraycopy(b, b0 + p * ldb + strip, bp, dst, NR);
        }
    }

    /**
     * c[r, x] += bias[bi + x] for `rows` rows of a strip just stored (still in the first-level cache): the same float
     * addition as a bias pass after the product. Kept out of the kernels: adding it inside them made C2 compile the
     * kernels worse (the LSTM anchor 94–112 → 136–148 ms a step, the GPT's 52–78 → 73–94, in turn).
     */
    private static void addBias2(int rows, float[] c, int c0, int ldc, float[] bias, int bi) {
        FloatVector v0 = FloatVector.fromArray(S, bias, bi), v1 = FloatVector.fromArray(S, bias, bi + L);
        for (int r = 0, o = c0; r < rows; r++, o += ldc) {
            FloatVector.fromArray(S, c, o).add(v0).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(v1).intoArray(c, o + L);
        }
    }

    /**
     * Fewer than mr rows: run the full kernel on a scratch tile and copy back. A's short panel is k-major and
     * zero-padded to mr rows: from ap[a0], acs floats a k (ap's copy, or the copied block's last rows).
     */
    private static void edgeTile(int mr, int kc, float[] ap, int a0, int acs, int rows, float[] b, int b0, int ldb, float[] c,
                                 int c0, int ldc, boolean acc, float[] tile) {
        for (int r = 0; r < rows; r++) System.arraycopy(c, c0 + r * ldc, tile, r * NR, NR);
        if (mr == 8) GemmKernels.kernel8x2T(kc, ap, a0, acs, b, b0, ldb, tile, 0, NR, acc);
        else GemmKernels.kernel6x2(kc, ap, a0, 1, acs, b, b0, ldb, tile, 0, NR, acc);
        for (int r = 0; r < rows; r++) System.arraycopy(tile, r * NR, c, c0 + r * ldc, NR);
    }

    /**
     * `rows` (at most mr) rows of a panel times one vector of B's columns, of which the first w are C's:
     * straight into C when the block is whole, else through a scratch tile (no masked vector ops: slow on JDK 17).
     * fused: c = fma(a, b, c) in k order, as the strips; else c + a·b rounded twice, as a plain Java loop — so
     * every element keeps the bits it had when these columns ran one row at a time.
     */
    private static void column(int mr, int kc, float[] a, int a0, int ars, int acs, int rows, float[] b, int b0, int ldb, int w,
                               float[] c, int c0, int ldc, boolean acc, boolean fused, float[] tile) {
        boolean direct = rows == mr && w == L;
        float[] out = direct ? c : tile;
        int o = direct ? c0 : 0, ldo = direct ? ldc : L;
        if (!direct && acc) for (int r = 0; r < rows; r++) System.arraycopy(c, c0 + r * ldc, tile, r * L, w);
        if (mr == 8) GemmKernels.kernel8x1(kc, a, a0, ars, acs, b, b0, ldb, out, o, ldo, acc, fused);
        else GemmKernels.kernel6x1(kc, a, a0, ars, acs, b, b0, ldb, out, o, ldo, acc, fused);
        if (!direct) for (int r = 0; r < rows; r++) System.arraycopy(tile, r * L, c, c0 + r * ldc, w);
    }

}
