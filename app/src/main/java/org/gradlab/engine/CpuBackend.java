package org.gradlab.engine;

/**
 * The pure-Java backend: Vector-API kernels (or their scalar twins) split across a {@link WorkerPool}.
 * Every parallel kernel has one preallocated job object, so a training step allocates nothing.
 */
public final class CpuBackend implements Backend {
    /** Below this many multiply-adds a GEMM runs on the calling thread: a hand-off costs a few µs. */
    private static final long PARALLEL_GEMM_FLOPS = 1L << 16;

    private final WorkerPool pool;
    private final ThreadScratch threadScratch;
    private final GemmJob gemmJob = new GemmJob();
    private final PackJob packJob = new PackJob();
    private final RowClaims rowClaims = new RowClaims();
    private final RecurrenceJob recurrenceJob;
    /** The recurrence's per-step gradient sums by group of rows, before they are added per step. */
    private double[] groupSums = new double[0];
    private final GatedJob gatedJob;
    private final CellJob cellJob;
    private final AttentionJob attentionJob = new AttentionJob();
    private final RowsJob rowsJob;
    private final CrossEntropyJob ceJob;
    private final SegmentJob segmentJob;
    /** The optimizer's update of the step, set by sgdStep or adamStep. */
    private final ParamUpdate update = new ParamUpdate();

    public CpuBackend(int threads) {
        this.pool = new WorkerPool(threads);
        this.threadScratch = new ThreadScratch(threads);
        this.recurrenceJob = new RecurrenceJob(threadScratch);
        this.gatedJob = new GatedJob(threadScratch);
        this.cellJob = new CellJob(threadScratch);
        this.rowsJob = new RowsJob(threadScratch);
        this.ceJob = new CrossEntropyJob(threads);
        this.segmentJob = new SegmentJob(threads);
    }

    /** Uses every available core. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return "cpu (" + pool.threads() + (pool.threads() == 1 ? " thread, " : " threads, ") + VectorSupport.describe() + ")";
    }

    static float[] arr(Buf b) {
        return ((CpuBuf) b).a;
    }

    static int[] arr(IntBuf b) {
        return ((CpuIntBuf) b).a;
    }

    private float[] scratch(int chunk, int n) {
        return threadScratch.floats(chunk, n);
    }

    // ------------------------------------------------------------------ memory
    @Override public Buf alloc(int n) { return new CpuBuf(n); }
    @Override public IntBuf allocInt(int n) { return new CpuIntBuf(n); }

    @Override
    public void upload(float[] src, int srcOff, Buf dst, int dstOff, int n) {
        System.arraycopy(src, srcOff, arr(dst), dstOff, n);
    }

    @Override
    public void download(Buf src, int srcOff, float[] dst, int dstOff, int n) {
        System.arraycopy(arr(src), srcOff, dst, dstOff, n);
    }

    @Override
    public void uploadInt(int[] src, int srcOff, IntBuf dst, int dstOff, int n) {
        System.arraycopy(src, srcOff, arr(dst), dstOff, n);
    }

    @Override
    public void fill(Buf dst, int off, int n, float value) {
        java.util.Arrays.fill(arr(dst), off, off + n, value);
    }

    @Override
    public void copy(Buf src, int srcOff, Buf dst, int dstOff, int n) {
        float[] s = arr(src), d = arr(dst);
        boolean overlaps = s == d && srcOff < dstOff + n && dstOff < srcOff + n;
        if (n < PARALLEL_COPY || pool.threads() == 1 || overlaps) {
            System.arraycopy(s, srcOff, d, dstOff, n);
            return;
        }
        pool.invoke((chunk, chunks) -> {
            int a = WorkerPool.splitStart(n, chunk, chunks, 16), b = WorkerPool.splitStart(n, chunk + 1, chunks, 16);
            System.arraycopy(s, srcOff + a, d, dstOff + a, b - a);
        });
    }

    /**
     * Floats from which a copy is split between the threads: one core's copy streams about half what two do (measured
     * on the LSTM anchor's 877k weights, which telemetry then copied every step; a snapshot's copy is as large).
     */
    private static final int PARALLEL_COPY = 1 << 18;

    @Override
    public void addInPlace(Buf src, int srcOff, Buf dst, int dstOff, int n) {
        float[] s = arr(src), d = arr(dst);
        for (int i = 0; i < n; i++) d[dstOff + i] += s[srcOff + i];
    }

    // ------------------------------------------------------------------ dense
    @Override
    public void gemm(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb,
                     Buf c, int cOff, int ldc, boolean accumulate) {
        product(m, n, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate, 0, null, 0);
    }

    /**
     * The sums taken as the product reads each block of A (see {@link VectorGemm#gemm}), where every block of A is read
     * once, in K order per row panel: one thread, row panels claimed as the threads go or split in halves. Where a
     * product splits C's columns (each thread reads all of A) or takes the tall kernel, a pass of its own after.
     */
    @Override
    public void gemmRowSums(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb, Buf c,
                            int cOff, int ldc, boolean accumulate, Buf sums, int sumsOff) {
        if (ars != 1) throw new IllegalArgumentException("gemmRowSums takes a transposed A (ars 1), not ars " + ars);
        GemmJob j = gemmJob;
        j.sums = arr(sums); j.sumsOff = sumsOff; j.sumsMissed = false;
        try {
            product(m, n, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate, 0, null, 0);
        } finally {
            j.sums = null;
        }
        if (j.sumsMissed) columnSums(a, aOff, k, m, acs, sums, sumsOff);
    }

    /**
     * Every product of the backend: packedN &gt; 0 says B is in {@link VectorGemm#pack}'s layout with packedN
     * columns; a bias (or null) is added to C's columns as each part of C is stored.
     */
    private void product(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb, Buf c,
                         int cOff, int ldc, boolean accumulate, int packedN, Buf bias, int biasOff) {
        GemmJob j = gemmJob;
        j.m = m; j.n = n; j.k = k; j.a = arr(a); j.aOff = aOff; j.ars = ars; j.acs = acs;
        j.b = arr(b); j.bOff = bOff; j.ldb = ldb; j.c = arr(c); j.cOff = cOff; j.ldc = ldc; j.acc = accumulate;
        j.packedN = packedN; j.bias = bias == null ? null : arr(bias); j.biasOff = biasOff;
        if ((long) m * n * k < PARALLEL_GEMM_FLOPS || pool.threads() == 1) {
            j.claims = null;
            j.run(0, 1);
            return;
        }
        j.claims = claimsRows(m, n, k, ars, packedN, pool.threads())
                ? takenAsTheyGo((m + VectorGemm.MC - 1) / VectorGemm.MC, (k + VectorGemm.KC - 1) / VectorGemm.KC, 8) : null;
        pool.invoke(j);
    }

    /**
     * Whether two threads take a product's row panels as they go (RowClaims) rather than a fixed half each: where the
     * rows are split and there are at least four panels a thread, so the last one taken is a small part.
     */
    private static boolean claimsRows(int m, int n, int k, int ars, int packedN, int chunks) {
        return VectorSupport.ENABLED && k > 0 && splitsRows(m, n, chunks) && m >= 4 * chunks * VectorGemm.MC
                && !(packedN == 0 && VectorTallGemm.suits(m, n, k, ars));
    }

    private static boolean splitsRows(int m, int n, int chunks) {
        return m >= n && m >= 2 * ROW_ALIGN * chunks || n < COL_ALIGN * chunks;
    }

    /** Where a product split over threads cuts its rows and columns: whole micro-tiles and strips. */
    private static final int ROW_ALIGN = VectorSupport.ENABLED ? VectorGemm.MR : 4, COL_ALIGN = VectorSupport.ENABLED ? VectorGemm.NR : 16;

    /**
     * The claims for a job of `panels` panels (and `blocks` K blocks) that two threads take as they go (RowClaims),
     * reset; null where the pool has not two threads or there are fewer than minPanels panels (a fixed share each).
     */
    private RowClaims takenAsTheyGo(int panels, int blocks, int minPanels) {
        if (pool.threads() != 2 || panels < minPanels) return null;
        rowClaims.reset(panels, blocks);
        return rowClaims;
    }

    /**
     * C's rows [0, m) and columns [n0, n1), plus the job's bias when it has one; with sums (all columns only), the row
     * sums of A's rows [0, m) into sums from sumsOff.
     */
    private void gemmRange(int chunk, int m, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                           int ldb, float[] c, int cOff, int ldc, boolean acc, int n0, int n1, float[] sums, int sumsOff) {
        float[] bias = gemmJob.bias;
        if (VectorSupport.ENABLED) {
            VectorGemm.gemm(m, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, acc, n0, n1, threadScratch.gemm(chunk), VectorGemm.MR,
                    gemmJob.packedN, bias, gemmJob.biasOff, gemmJob.claims, chunk, sums, sumsOff, gemmJob.epilogue);
        } else {
            if (sums != null) gemmJob.sumsMissed = true;
            ScalarGemm.gemm(m, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, acc, n0, n1);
            if (bias != null) addBiasColumns(0, m, n0, n1, ldc, c, cOff, bias, gemmJob.biasOff);
            if (gemmJob.epilogue != null && m > 0 && n1 > n0) gemmJob.epilogue.finished(c, cOff + n0, m, n1 - n0, ldc);
        }
    }

    /**
     * The vector GEMM's strips, packed once a sequence at any size (the scalar GEMM reads B as it is). A 1 MB
     * W_hhᵀ read in place put its rows 4 KB apart, every K step of a strip on the same few cache sets: the LSTM
     * anchor's layer forward ran 6.1 ms that way and 5.0 packed, its backward 4.6 and 4.0 (two threads, one JVM,
     * the ways taking turns); the GRU's and hidden 128's gained 3–10%.
     */
    @Override
    public void packForProducts(int k, int n, Buf b, int bOff, Buf packed) {
        if (packs()) pack(false, k, n, arr(b), bOff, n, arr(packed));
        else Backend.super.packForProducts(k, n, b, bOff, packed);
    }

    @Override
    public void packTransposedForProducts(int k, int n, Buf w, int wOff, Buf packed) {
        if (packs()) pack(true, k, n, arr(w), wOff, k, arr(packed));
        else Backend.super.packTransposedForProducts(k, n, w, wOff, packed);
    }

    private void pack(boolean transposed, int k, int n, float[] src, int off, int ld, float[] dst) {
        PackJob j = packJob;
        j.transposed = transposed; j.k = k; j.n = n; j.src = src; j.off = off; j.ld = ld; j.dst = dst;
        if ((long) k * n < PackJob.PARALLEL_FLOATS || pool.threads() == 1) j.run(0, 1);
        else pool.invoke(j);
        j.src = null;
        j.dst = null;
    }

    private static boolean packs() {
        return VectorSupport.ENABLED;
    }

    /** gemm itself, told that B is in {@link VectorGemm#pack}'s layout when it was packed. */
    @Override
    public void gemmPacked(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf packed, Buf c, int cOff, int ldc,
                           boolean accumulate) {
        product(m, n, k, a, aOff, ars, acs, packed, 0, n, c, cOff, ldc, accumulate, packs() ? n : 0, null, 0);
    }

    /** As {@link #gemmBias}, over a packed B. */
    @Override
    public void gemmBiasPacked(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf packed, Buf c, int cOff, int ldc,
                               Buf bias, int biasOff) {
        product(m, n, k, a, aOff, ars, acs, packed, 0, n, c, cOff, ldc, false, packs() ? n : 0, bias, biasOff);
    }

    /** As {@link #gemmBiasPacked}, GELU taken of each region of C as it is finished (see GeluEpilogue). */
    @Override
    public void gemmBiasPackedGelu(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf packed, Buf c, int cOff,
                                   Buf bias, int biasOff, Buf out, int outOff, boolean tanhApprox) {
        geluForwardProduct(false, m, n, k, a, aOff, ars, acs, packed, c, cOff, bias, biasOff, out, outOff, tanhApprox);
    }

    /** As {@link #gemm} into dx, GELU's backward taken of each region of it as it is finished (see GeluEpilogue). */
    @Override
    public void gemmGeluBackward(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb,
                                 Buf x, int xOff, Buf dx, int dxOff, boolean tanhApprox) {
        geluBackwardProduct(false, m, n, k, a, aOff, ars, acs, b, bOff, ldb, x, xOff, dx, dxOff, tanhApprox);
    }

    /** As {@link #gemmBiasPackedGelu}, then GELU's slope kept in C where the vector formula takes the value (GeluEpilogue). */
    @Override
    public void gemmBiasPackedGeluSaved(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf packed, Buf c, int cOff,
                                        Buf bias, int biasOff, Buf out, int outOff, boolean tanhApprox) {
        geluForwardProduct(true, m, n, k, a, aOff, ars, acs, packed, c, cOff, bias, biasOff, out, outOff, tanhApprox);
    }

    /** As {@link #gemmGeluBackward}, multiplying by the slope gemmBiasPackedGeluSaved kept where it kept one. */
    @Override
    public void gemmGeluBackwardSaved(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb,
                                      Buf saved, int savedOff, Buf dx, int dxOff, boolean tanhApprox) {
        geluBackwardProduct(true, m, n, k, a, aOff, ars, acs, b, bOff, ldb, saved, savedOff, dx, dxOff, tanhApprox);
    }

    private void geluForwardProduct(boolean slope, int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf packed, Buf c,
                                    int cOff, Buf bias, int biasOff, Buf out, int outOff, boolean tanhApprox) {
        withEpilogue(geluEpilogue.forward(cOff, m * n, arr(out), outOff, tanhApprox, slope),
                () -> gemmBiasPacked(m, n, k, a, aOff, ars, acs, packed, c, cOff, n, bias, biasOff));
        geluEpilogue.clear();
    }

    private void geluBackwardProduct(boolean slope, int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff,
                                     int ldb, Buf x, int xOff, Buf dx, int dxOff, boolean tanhApprox) {
        withEpilogue(geluEpilogue.backward(dxOff, m * n, arr(x), xOff, tanhApprox, slope),
                () -> gemm(m, n, k, a, aOff, ars, acs, b, bOff, ldb, dx, dxOff, n, false));
        geluEpilogue.clear();
    }

    /** As {@link #gemmBiasPacked}, the residual added to each region of C as it is finished (see ResidualEpilogue). */
    @Override
    public void gemmBiasPackedResidual(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf packed, Buf c,
                                       int cOff, Buf bias, int biasOff, Buf residual, int resOff) {
        withEpilogue(residualEpilogue.set(cOff, arr(residual), resOff),
                () -> gemmBiasPacked(m, n, k, a, aOff, ars, acs, packed, c, cOff, n, bias, biasOff));
        residualEpilogue.clear();
    }

    private final GeluEpilogue geluEpilogue = new GeluEpilogue();
    private final ResidualEpilogue residualEpilogue = new ResidualEpilogue();

    private void withEpilogue(GemmEpilogue e, Runnable product) {
        gemmJob.epilogue = e;
        try {
            product.run();
        } finally {
            gemmJob.epilogue = null;
        }
    }

    /** A whole GEMM on the calling thread (for kernels that are already split across threads). */
    static void localGemm(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc, boolean acc, VectorGemm.Scratch s) {
        if (VectorSupport.ENABLED) VectorGemm.gemm(m, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, acc, 0, n, s);
        else ScalarGemm.gemm(m, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, acc, 0, n);
    }

    /**
     * Splits the larger of M and N across threads: each thread packs all of the other operand's panels, so
     * splitting rows duplicates B's packing and splitting columns duplicates A's — keep the duplicate small.
     */
    private final class GemmJob implements WorkerPool.Job {
        int m, n, k, aOff, ars, acs, bOff, ldb, cOff, ldc;
        /** Columns of a B packed by {@link #packForProducts}; 0 for a B read as it lies. */
        int packedN;
        float[] a, b, c;
        boolean acc;
        /** Added to C's columns as they are stored (null: none). */
        float[] bias;
        int biasOff;
        /** The row panels each thread takes as it goes (null: a fixed share each). */
        RowClaims claims;
        /** Row sums of A to take on the way (null: none); sumsMissed: a path that could not, so a pass after must. */
        float[] sums;
        int sumsOff;
        boolean sumsMissed;
        /** What each finished region of C goes through before the product returns (null: nothing). */
        GemmEpilogue epilogue;

        @Override
        public void run(int chunk, int chunks) {
            boolean splitRows = splitsRows(m, n, chunks);
            if (claims != null) {
                gemmRange(chunk, m, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, acc, 0, n, sums, sumsOff);
            } else if (VectorSupport.ENABLED && packedN == 0 && VectorTallGemm.suits(m, n, k, ars)) {
                if (chunks == 1 || tallByRows(m, n, chunks)) {
                    tall(chunk, WorkerPool.splitStart(m, chunk, chunks, VectorGemm.L), WorkerPool.splitStart(m, chunk + 1, chunks, VectorGemm.L),
                            0, n, true);
                    return;
                }
                if (sums != null) sumsMissed = true;
                // whole blocks of fused columns, as VectorTallGemm's eight-column kernel takes them
                int align = VectorTallGemm.FUSED_BLOCK;
                tall(chunk, 0, m, WorkerPool.splitStart(n, chunk, chunks, align), WorkerPool.splitStart(n, chunk + 1, chunks, align), false);
            } else if (chunks == 1) {
                gemmRange(chunk, m, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, acc, 0, n, sums, sumsOff);
            } else if (!splitRows) {
                if (sums != null) sumsMissed = true; // every thread reads all of A
                int n0 = WorkerPool.splitStart(n, chunk, chunks, COL_ALIGN), n1 = WorkerPool.splitStart(n, chunk + 1, chunks, COL_ALIGN);
                if (n1 > n0) gemmRange(chunk, m, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, acc, n0, n1, null, 0);
            } else {
                int m0 = WorkerPool.splitStart(m, chunk, chunks, ROW_ALIGN), m1 = WorkerPool.splitStart(m, chunk + 1, chunks, ROW_ALIGN);
                if (m1 > m0) gemmRange(chunk, m1 - m0, k, a, aOff + m0 * ars, ars, acs, b, bOff, ldb, c, cOff + m0 * ldc, ldc,
                        acc, 0, n, sums, sumsOff + m0);
            }
        }

        /**
         * A tall product's share: G's rows [i0, i1) (A's columns from aOff + i0) and columns [n0, n1), its bias and
         * epilogue (C is small). Every element's chain is its own, so any split gives one thread's bits. With rowSums
         * (a share of whole rows), those rows' sums follow at once, as {@link #columnSums} takes them (each a chain down
         * A's rows): the share of A the product has just read is still in this core's cache, where the pass after it
         * had read half of it from the other core's.
         */
        private void tall(int chunk, int i0, int i1, int n0, int n1, boolean rowSums) {
            if (i1 <= i0 || n1 <= n0) return;
            VectorTallGemm.gemm(i1 - i0, n, k, a, aOff + i0, acs, b, bOff, ldb, c, cOff + i0 * ldc, ldc, acc, n0, n1,
                    scratch(chunk, VectorTallGemm.scratchSize(i1 - i0, n)));
            if (rowSums && sums != null) VectorColumns.sums(i0, i1, k, acs, a, aOff, sums, sumsOff);
            if (bias != null) addBiasColumns(i0, i1, n0, n1, ldc, c, cOff, bias, biasOff);
            if (epilogue != null) epilogue.finished(c, cOff + i0 * ldc + n0, i1 - i0, n1 - n0, ldc);
        }
    }

    /**
     * Whether a tall product's threads split G's rows rather than its columns: where the columns are too few to give
     * every thread a block of them (an input weight's gradient of 2 columns, the adding task's, ran on one thread while
     * the other waited) and the rows are enough for a whole vector of them each.
     */
    static boolean tallByRows(int m, int n, int chunks) {
        return (n + VectorTallGemm.FUSED_BLOCK - 1) / VectorTallGemm.FUSED_BLOCK < chunks && m >= chunks * VectorGemm.L;
    }

    @Override
    public void gemmBias(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb, Buf c,
                         int cOff, int ldc, Buf bias, int biasOff) {
        product(m, n, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, false, 0, bias, biasOff);
    }

    @Override
    public void transpose(Buf src, int srcOff, int rows, int cols, Buf dst, int dstOff) {
        float[] s = arr(src), d = arr(dst);
        // 16 × 16 tiles, each written a destination row at a time: writing down a column of the destination put
        // every store of a tile a whole row apart — 4 KB for an LSTM's 1,024 gate rows, one cache set — and the
        // transpose of its recurrent weights ran at 3.7 ns a value (now 0.8)
        final int t = 16;
        for (int i0 = 0; i0 < rows; i0 += t) {
            int i1 = Math.min(rows, i0 + t);
            for (int j0 = 0; j0 < cols; j0 += t) {
                int j1 = Math.min(cols, j0 + t);
                for (int j = j0; j < j1; j++) {
                    int to = dstOff + j * rows;
                    for (int i = i0, from = srcOff + i0 * cols + j; i < i1; i++, from += cols) d[to + i] = s[from];
                }
            }
        }
    }

    @Override
    public void addBias(Buf c, int cOff, int m, int n, int ldc, Buf bias, int biasOff) {
        RowsJob j = rowsJob;
        j.dim = n; j.ld = ldc; j.p0 = arr(c); j.o0 = cOff; j.p1 = arr(bias); j.o1 = biasOff;
        runRows(RowsJob.ADD_BIAS, m, m * n);
    }

    /** c[i, j] += b[j] for rows [r0, r1) and columns [j0, j1). */
    static void addBiasColumns(int r0, int r1, int j0, int j1, int ldc, float[] c, int cOff, float[] b, int bOff) {
        for (int i = r0; i < r1; i++) {
            int r = cOff + i * ldc;
            for (int j = j0; j < j1; j++) c[r + j] += b[bOff + j];
        }
    }

    /** Split by columns: each column is summed over all rows in row order, so the result is thread-count free. */
    @Override
    public void columnSums(Buf a, int aOff, int m, int n, int lda, Buf dst, int dstOff) {
        RowsJob j = rowsJob;
        j.dim = m; j.ld = lda; j.p0 = arr(a); j.o0 = aOff; j.p1 = arr(dst); j.o1 = dstOff;
        runRows(RowsJob.COL_SUMS, n, m * n);
    }

    static void columnSumsCols(int c0, int c1, int m, int lda, float[] a, int aOff, float[] d, int dOff) {
        for (int i = 0; i < m; i++) {
            int r = aOff + i * lda;
            for (int j = c0; j < c1; j++) d[dOff + j] += a[r + j];
        }
    }

    // ------------------------------------------------------------------ embeddings
    @Override
    public void embeddingForward(IntBuf ids, int idsOff, int rows, Buf table, int tableOff, int dim, Buf out,
                                 int outOff, boolean accumulate) {
        int[] id = arr(ids);
        float[] t = arr(table), o = arr(out);
        for (int r = 0; r < rows; r++) {
            int src = tableOff + id[idsOff + r] * dim, dst = outOff + r * dim;
            if (accumulate) for (int j = 0; j < dim; j++) o[dst + j] += t[src + j];
            else System.arraycopy(t, src, o, dst, dim);
        }
    }

    @Override
    public void embeddingBackward(IntBuf ids, int idsOff, int rows, Buf dOut, int dOutOff, int dim, int vocab,
                                  Buf dTable, int dTableOff) {
        int[] id = arr(ids);
        float[] g = arr(dOut), t = arr(dTable);
        for (int r = 0; r < rows; r++) {
            int dst = dTableOff + id[idsOff + r] * dim, src = dOutOff + r * dim;
            for (int j = 0; j < dim; j++) t[dst + j] += g[src + j];
        }
    }

    // ------------------------------------------------------------------ recurrent cells

    private void runCells(int op, int batch, int hidden) {
        cellJob.op = op;
        cellJob.batch = batch;
        cellJob.hd = hidden;
        if ((long) batch * hidden < 2048) cellJob.run(0, 1);
        else pool.invoke(cellJob);
    }

    private void cellArgs(Buf b0, int o0, Buf b1, int o1, Buf b2, int o2) {
        CellJob j = cellJob;
        j.p0 = arr(b0); j.o0 = o0; j.p1 = arr(b1); j.o1 = o1; j.p2 = arr(b2); j.o2 = o2;
    }

    private void cellArgs(Buf b3, int o3, Buf b4, int o4) {
        CellJob j = cellJob;
        j.p3 = arr(b3); j.o3 = o3; j.p4 = arr(b4); j.o4 = o4;
    }

    @Override
    public void rnnTanhForward(int batch, int hidden, Buf xg, int xgOff, Buf hg, int hgOff, Buf h, int hOff) {
        cellArgs(xg, xgOff, hg, hgOff, h, hOff);
        runCells(CellJob.RNN_F, batch, hidden);
    }

    @Override
    public void rnnTanhBackward(int batch, int hidden, Buf h, int hOff, Buf dh, int dhOff, Buf dPre, int dPreOff) {
        cellArgs(h, hOff, dh, dhOff, dPre, dPreOff);
        runCells(CellJob.RNN_B, batch, hidden);
    }

    @Override
    public void rnnSigmoidForward(int batch, int hidden, Buf xg, int xgOff, Buf hg, int hgOff, Buf h, int hOff) {
        cellArgs(xg, xgOff, hg, hgOff, h, hOff);
        runCells(CellJob.SIG_F, batch, hidden);
    }

    @Override
    public void rnnSigmoidBackward(int batch, int hidden, Buf h, int hOff, Buf dh, int dhOff, Buf dPre, int dPreOff) {
        cellArgs(h, hOff, dh, dhOff, dPre, dPreOff);
        runCells(CellJob.SIG_B, batch, hidden);
    }

    @Override
    public void rnnSequenceForward(boolean sigmoid, int seq, int batch, int in, int hidden, Buf x, int xOff, Buf wihT,
                                   Buf whhT, Buf bias, int bihOff, int bhhOff, Buf xg, Buf hg, Buf h) {
        if (!VectorSupport.ENABLED) {
            RecurrenceSteps.forward(this, sigmoid, seq, batch, in, hidden, x, xOff, wihT, whhT, bias, bihOff, bhhOff, xg, hg, h);
            return;
        }
        RecurrenceJob j = recurrenceJob.prepare(false, sigmoid, seq, batch, hidden, arr(whhT), 0);
        j.padInput(in, arr(wihT));
        j.x = arr(x); j.xOff = xOff; j.bias = arr(bias); j.bihOff = bihOff; j.bhhOff = bhhOff;
        j.xg = arr(xg); j.hg = arr(hg); j.h = arr(h);
        runRecurrence(j);
    }

    @Override
    public void rnnSequenceBackward(boolean sigmoid, int seq, int batch, int hidden, Buf whh, int whhOff, Buf h,
                                    Buf dH, int dHOff, Buf dPre) {
        rnnSequenceBackward(sigmoid, seq, batch, hidden, whh, whhOff, h, dH, dHOff, dPre, null, 0);
    }

    /**
     * Measures each step's gradient in the loop, each thread its own groups of rows while they are in its cache: the
     * separate pass read a step's values after they had left it (~3 µs of a 50-unit layer's ~700 µs step on one thread;
     * on two, ~155 µs of the adding anchor's ~2 ms, reading its 1.6 MB back from both cores).
     */
    @Override
    public boolean rnnSequenceBackward(boolean sigmoid, int seq, int batch, int hidden, Buf whh, int whhOff, Buf h,
                                       Buf dH, int dHOff, Buf dPre, double[] stepSumSq, int stepOff) {
        if (!VectorSupport.ENABLED) {
            RecurrenceSteps.backward(this, sigmoid, seq, batch, hidden, whh, whhOff, h, dH, dHOff, dPre);
            return false;
        }
        return rnnBackward(false, sigmoid, seq, batch, hidden, whh, whhOff, h, dH, dHOff, dPre, stepSumSq, stepOff);
    }

    /**
     * Writes the steps before the last without adding to them, instead of zeroing them first: a Pascanu-size layer's
     * 99 steps are 400 KB a training step (the adding anchor's 1.6 MB), written to be read back at once.
     */
    @Override
    public boolean rnnSequenceBackwardFromLast(boolean sigmoid, int seq, int batch, int hidden, Buf whh, int whhOff, Buf h,
                                               Buf dH, int dHOff, Buf dPre, double[] stepSumSq, int stepOff) {
        if (!VectorSupport.ENABLED) {
            return Backend.super.rnnSequenceBackwardFromLast(sigmoid, seq, batch, hidden, whh, whhOff, h, dH, dHOff, dPre,
                    stepSumSq, stepOff);
        }
        return rnnBackward(true, sigmoid, seq, batch, hidden, whh, whhOff, h, dH, dHOff, dPre, stepSumSq, stepOff);
    }

    private boolean rnnBackward(boolean fromLast, boolean sigmoid, int seq, int batch, int hidden, Buf whh, int whhOff,
                                Buf h, Buf dH, int dHOff, Buf dPre, double[] stepSumSq, int stepOff) {
        RecurrenceJob j = recurrenceJob.prepare(true, sigmoid, seq, batch, hidden, arr(whh), whhOff);
        j.h = arr(h); j.dH = arr(dH); j.dHOff = dHOff; j.dPre = arr(dPre); j.fromLast = fromLast;
        j.groupSums = stepSumSq != null ? groupSums(seq, batch, hidden) : null;
        runRecurrence(j);
        j.groupSums = null;
        if (stepSumSq == null) return false;
        SegmentJob.addStepGroups(seq, batch, hidden, groupSums, stepSumSq, stepOff);
        return true;
    }

    /** The recurrences' per-step gradient-sum groups, grown to a sequence's (kept between calls). */
    private double[] groupSums(int seq, int batch, int hidden) {
        int n = seq * SegmentJob.gradientGroups(batch, hidden);
        if (groupSums.length < n) groupSums = new double[n];
        return groupSums;
    }

    /** One share of the batch rows per thread for the whole sequence: one hand-off per call, none per step. */
    private void runRecurrence(RecurrenceJob j) {
        if (oneThread(j)) j.run(0, 1);
        else pool.invoke(j);
    }

    private boolean oneThread(RecurrenceJob j) {
        return pool.threads() == 1 || j.batch < 2 || (long) j.seq * j.batch * j.hidden * j.hidden < PARALLEL_GEMM_FLOPS;
    }

    @Override
    public void gatedSequenceForward(boolean lstm, int seq, int batch, int hidden, Buf whhTPacked, Buf bias, int bhhOff,
                                     Buf xg, Buf hg, Buf gates, Buf hs, Buf cs) {
        int gh = (lstm ? 4 : 3) * hidden;
        if (!splitsBatch(batch, hidden, gh)) {
            Backend.super.gatedSequenceForward(lstm, seq, batch, hidden, whhTPacked, bias, bhhOff, xg, hg, gates, hs, cs);
            return;
        }
        GatedJob j = gatedJob;
        j.backward = false; j.lstm = lstm; j.seq = seq; j.batch = batch; j.hidden = hidden;
        j.w = arr(whhTPacked); j.packedN = packs() ? gh : 0; j.bias = arr(bias); j.bhhOff = bhhOff;
        j.xg = arr(xg); j.hg = arr(hg); j.gates = arr(gates); j.hs = arr(hs); j.cs = lstm ? arr(cs) : null;
        pool.invoke(j);
    }

    @Override
    public void gatedSequenceBackward(boolean lstm, int seq, int batch, int hidden, Buf whhPacked, Buf gates, Buf hg,
                                      Buf hs, Buf cs, Buf dH, int dHOff, Buf dc, Buf dPreX, Buf dPreH, Buf dSink) {
        gatedSequenceBackward(lstm, seq, batch, hidden, whhPacked, gates, hg, hs, cs, dH, dHOff, dc, dPreX, dPreH, dSink, null, 0);
    }

    /**
     * The shares of the batch take each step's ‖∂L/∂h_t‖² groups as the step's gradient is final, where every thread's
     * rows start on a group's boundary (as the tanh RNN's recurrence does): the pass after it read the layer's whole
     * output gradient again, from memory (the LSTM anchor's two layers, 4 MB, ~230 µs of a ~50 ms step).
     */
    @Override
    public boolean gatedSequenceBackward(boolean lstm, int seq, int batch, int hidden, Buf whhPacked, Buf gates, Buf hg,
                                         Buf hs, Buf cs, Buf dH, int dHOff, Buf dc, Buf dPreX, Buf dPreH, Buf dSink,
                                         double[] stepSumSq, int stepOff) {
        int gh = (lstm ? 4 : 3) * hidden;
        if (!splitsBatch(batch, hidden, gh)) {
            Backend.super.gatedSequenceBackward(lstm, seq, batch, hidden, whhPacked, gates, hg, hs, cs, dH, dHOff, dc, dPreX,
                    dPreH, dSink);
            return false;
        }
        GatedJob j = gatedJob;
        j.backward = true; j.lstm = lstm; j.seq = seq; j.batch = batch; j.hidden = hidden;
        j.w = arr(whhPacked); j.packedN = packs() ? hidden : 0; j.gates = arr(gates); j.hg = arr(hg);
        j.hs = arr(hs); j.cs = lstm ? arr(cs) : null; j.dH = arr(dH); j.dHOff = dHOff; j.dc = arr(dc);
        j.dPreX = arr(dPreX); j.dPreH = arr(dPreH); j.dSink = arr(dSink);
        boolean sums = stepSumSq != null && GatedJob.sharesOnGroups(batch, hidden, pool.threads());
        j.groupSums = sums ? groupSums(seq, batch, hidden) : null;
        pool.invoke(j);
        j.groupSums = null;
        if (!sums) return false;
        SegmentJob.addStepGroups(seq, batch, hidden, groupSums, stepSumSq, stepOff);
        return true;
    }

    /**
     * Whether the threads take shares of the batch through the whole sequence, each reading all of W_hh every step,
     * rather than meeting twice a step to share each product's columns and each cell's rows: where the batch gives
     * every thread two whole micro-tile panels or more (fewer rows would leave threads idle that the columns could
     * use) and W_hh is under 4 MB ({@link VectorGemm#pastSecondLevelCache}). (LSTM anchor, per layer, one JVM, the
     * two ways alternating: backward 15.0 against 17.1 ms, GRU 9.3/9.4 against 10.2/10.2; at hidden 512 each
     * thread's reading the whole 4 MB weight every step made the model slower, 337 against 321 ms.)
     */
    private boolean splitsBatch(int batch, int hidden, int gh) {
        return VectorSupport.ENABLED
                && (pool.threads() == 1 || batch >= 2 * VectorGemm.MR * pool.threads() && !VectorGemm.pastSecondLevelCache(hidden, gh));
    }

    /** The cells read a unit's pre-activations before writing its gates (see {@link CpuCells}). */
    @Override
    public boolean cellGatesOverInput() {
        return true;
    }

    @Override
    public void lstmForward(int batch, int hidden, Buf xg, int xgOff, Buf hg, int hgOff, Buf cPrev, int cPrevOff,
                            Buf gates, int gatesOff, Buf c, int cOff, Buf h, int hOff) {
        cellArgs(xg, xgOff, hg, hgOff, cPrev, cPrevOff);
        cellArgs(gates, gatesOff, c, cOff);
        cellJob.p5 = arr(h); cellJob.o5 = hOff;
        runCells(CellJob.LSTM_F, batch, hidden);
    }

    @Override
    public void lstmBackward(int batch, int hidden, Buf gates, int gatesOff, Buf c, int cOff, Buf cPrev,
                             int cPrevOff, Buf dh, int dhOff, Buf dcCarry, int dcOff, Buf dPre, int dPreOff) {
        cellArgs(gates, gatesOff, c, cOff, cPrev, cPrevOff);
        cellArgs(dh, dhOff, dcCarry, dcOff);
        cellJob.p5 = arr(dPre); cellJob.o5 = dPreOff;
        runCells(CellJob.LSTM_B, batch, hidden);
    }

    @Override
    public void gruForward(int batch, int hidden, Buf xg, int xgOff, Buf hg, int hgOff, Buf hPrev, int hPrevOff,
                           Buf gates, int gatesOff, Buf h, int hOff) {
        cellArgs(xg, xgOff, hg, hgOff, hPrev, hPrevOff);
        cellArgs(gates, gatesOff, h, hOff);
        runCells(CellJob.GRU_F, batch, hidden);
    }

    @Override
    public void gruBackward(int batch, int hidden, Buf gates, int gatesOff, Buf hg, int hgOff, Buf hPrev,
                            int hPrevOff, Buf dh, int dhOff, Buf dPreX, int dPreXOff, Buf dPreH, int dPreHOff,
                            Buf dhPrev, int dhPrevOff) {
        cellArgs(gates, gatesOff, hg, hgOff, hPrev, hPrevOff);
        cellArgs(dh, dhOff, dPreX, dPreXOff);
        cellJob.p5 = arr(dPreH); cellJob.o5 = dPreHOff;
        cellJob.p6 = arr(dhPrev); cellJob.o6 = dhPrevOff;
        runCells(CellJob.GRU_B, batch, hidden);
    }

    // ------------------------------------------------------------------ transformer pieces
    private void runRows(int op, int rows, int work) {
        RowsJob j = rowsJob;
        j.op = op;
        j.rows = rows;
        j.claims = null;
        if (work < 4096) {
            j.run(0, 1);
            return;
        }
        // two threads take panels as they go (see RowClaims): panels of ~16K values, whole vectors for GELU's values
        // (those past the last whole vector take the scalar formula); LayerNorm's backward its fixed row blocks. Not
        // the column sums, split by columns: panels of 64 columns read each row's 256 bytes 4 KB apart, and an LSTM's
        // bias gradient (2,048 × 1,024) ran 2-5% slower than in halves
        if (op == RowsJob.LN_B) {
            j.claims = takenAsTheyGo(RowsJob.LN_BLOCKS, 1, 4);
        } else if (op != RowsJob.COL_SUMS) {
            long per = Math.max(1, (long) rows * PANEL_VALUES / work);
            j.panel = (int) (op == RowsJob.GELU_F || op == RowsJob.GELU_B ? (per + 63) / 64 * 64 : per);
            j.claims = takenAsTheyGo((rows + j.panel - 1) / j.panel, 1, 4);
        }
        pool.invoke(j);
    }

    /** Values per panel of the row ops that two threads take as they go. */
    private static final int PANEL_VALUES = 16 * 1024;

    @Override
    public void layerNormForward(int rows, int dim, Buf x, int xOff, Buf w, int wOff, Buf b, int bOff, float eps,
                                 Buf out, int outOff, Buf mean, int meanOff, Buf rstd, int rstdOff) {
        RowsJob j = rowsJob;
        j.dim = dim; j.eps = eps;
        j.p0 = arr(x); j.o0 = xOff; j.p1 = arr(w); j.o1 = wOff; j.p2 = arr(b); j.o2 = bOff;
        j.p3 = arr(out); j.o3 = outOff; j.p4 = arr(mean); j.o4 = meanOff; j.p5 = arr(rstd); j.o5 = rstdOff;
        runRows(RowsJob.LN_F, rows, rows * dim);
    }

    @Override
    public void layerNormBackward(int rows, int dim, Buf x, int xOff, Buf w, int wOff, Buf mean, int meanOff,
                                  Buf rstd, int rstdOff, Buf dOut, int dOutOff, Buf dx, int dxOff, Buf dw,
                                  int dwOff, Buf db, int dbOff) {
        for (int b = 0; b < RowsJob.LN_BLOCKS; b++) {
            if (rowsJob.lnDw[b].length < dim + 2 * RowsJob.LN_PAD) {
                rowsJob.lnDw[b] = new float[dim + 2 * RowsJob.LN_PAD];
                rowsJob.lnDb[b] = new float[dim + 2 * RowsJob.LN_PAD];
            }
        }
        RowsJob j = rowsJob;
        j.dim = dim;
        j.p0 = arr(x); j.o0 = xOff; j.p1 = arr(w); j.o1 = wOff; j.p2 = arr(mean); j.o2 = meanOff; j.p3 = arr(rstd); j.o3 = rstdOff;
        j.p4 = arr(dOut); j.o4 = dOutOff; j.p5 = arr(dx); j.o5 = dxOff;
        // through runRows, which sets the claims: invoked directly, the job read the last row op's, all taken
        runRows(RowsJob.LN_B, rows, rows * dim);
        float[] dwa = arr(dw), dba = arr(db);
        for (int b = 0; b < RowsJob.LN_BLOCKS; b++) {
            for (int k = 0; k < dim; k++) {
                dwa[dwOff + k] += rowsJob.lnDw[b][RowsJob.LN_PAD + k];
                dba[dbOff + k] += rowsJob.lnDb[b][RowsJob.LN_PAD + k];
            }
        }
    }

    @Override
    public void geluForward(int n, Buf x, int xOff, Buf out, int outOff, boolean tanhApprox) {
        RowsJob j = rowsJob;
        j.p0 = arr(x); j.o0 = xOff; j.p1 = arr(out); j.o1 = outOff; j.flag = tanhApprox;
        runRows(RowsJob.GELU_F, n, n);
    }

    @Override
    public void geluBackward(int n, Buf x, int xOff, Buf dOut, int dOutOff, Buf dx, int dxOff, boolean tanhApprox) {
        RowsJob j = rowsJob;
        j.p0 = arr(x); j.o0 = xOff; j.p1 = arr(dOut); j.o1 = dOutOff; j.p2 = arr(dx); j.o2 = dxOff; j.flag = tanhApprox;
        runRows(RowsJob.GELU_B, n, n);
    }

    /** (batch, head) pairs are independent: each writes its own columns of out/dqkv. */
    private final class AttentionJob implements WorkerPool.Job {
        boolean backward;
        int batch, seq, dim, heads;
        float[] qkv, att, out, dOut, dqkv;
        int qo, ao, oo, doo, dqo;

        /** Two threads take the pairs as they go (see RowClaims); null: a fixed share each. */
        RowClaims claims;

        @Override
        public void run(int chunk, int chunks) {
            int pairs = batch * heads;
            if (claims != null) {
                for (int p = claims.claim(0, chunk); p >= 0; p = claims.claim(0, chunk)) pair(chunk, p);
                return;
            }
            int p0 = WorkerPool.splitStart(pairs, chunk, chunks, 1), p1 = WorkerPool.splitStart(pairs, chunk + 1, chunks, 1);
            for (int p = p0; p < p1; p++) pair(chunk, p);
        }

        private void pair(int chunk, int p) {
            int b = p / heads, h = p % heads;
            float[] tmp = scratch(chunk, CpuAttention.scratchSize(seq, dim / heads));
            if (backward) CpuAttention.backward(b, h, seq, dim, heads, qkv, qo, att, ao, dOut, doo, dqkv, dqo, tmp, threadScratch.gemm(chunk));
            else CpuAttention.forward(b, h, seq, dim, heads, qkv, qo, att, ao, out, oo, tmp, threadScratch.gemm(chunk));
        }
    }

    @Override
    public void attentionForward(int batch, int seq, int dim, int heads, Buf qkv, int qkvOff, Buf att, int attOff,
                                 Buf out, int outOff) {
        AttentionJob j = attentionJob;
        j.backward = false; j.batch = batch; j.seq = seq; j.dim = dim; j.heads = heads;
        j.qkv = arr(qkv); j.qo = qkvOff; j.att = arr(att); j.ao = attOff; j.out = arr(out); j.oo = outOff;
        invokeAttention(j);
    }

    @Override
    public void attentionBackward(int batch, int seq, int dim, int heads, Buf qkv, int qkvOff, Buf att, int attOff,
                                  Buf dOut, int dOutOff, Buf dqkv, int dqkvOff) {
        AttentionJob j = attentionJob;
        j.backward = true; j.batch = batch; j.seq = seq; j.dim = dim; j.heads = heads;
        j.qkv = arr(qkv); j.qo = qkvOff; j.att = arr(att); j.ao = attOff;
        j.dOut = arr(dOut); j.doo = dOutOff; j.dqkv = arr(dqkv); j.dqo = dqkvOff;
        invokeAttention(j);
    }

    /** Two threads take the (batch, head) pairs as they go where there are four or more a thread. */
    private void invokeAttention(AttentionJob j) {
        j.claims = takenAsTheyGo(j.batch * j.heads, 1, 8);
        pool.invoke(j);
    }

    // ------------------------------------------------------------------ losses
    /** Per-chunk partial sums, added in chunk order so the loss does not depend on thread timing. */
    private final class CrossEntropyJob implements WorkerPool.Job {
        final double[] partial;
        int rows, classes, lo, to, dgo;
        float[] logits, dLogits;
        int[] targets;

        CrossEntropyJob(int threads) {
            partial = new double[threads];
        }

        @Override
        public void run(int chunk, int chunks) {
            int r0 = WorkerPool.splitStart(rows, chunk, chunks, 1), r1 = WorkerPool.splitStart(rows, chunk + 1, chunks, 1);
            partial[chunk] = CpuLosses.crossEntropy(r0, r1, rows, classes, logits, lo, targets, to, dLogits, dgo,
                    scratch(chunk, classes));
        }
    }

    @Override
    public void queueSoftmaxCrossEntropy(int rows, int classes, Buf logits, int logitsOff, IntBuf targets, int tOff,
                                         Buf dLogits, int dOff, float[] loss) {
        CrossEntropyJob j = ceJob;
        j.rows = rows; j.classes = classes; j.logits = arr(logits); j.lo = logitsOff;
        j.targets = arr(targets); j.to = tOff; j.dLogits = dLogits == null ? null : arr(dLogits); j.dgo = dOff;
        java.util.Arrays.fill(j.partial, 0);
        pool.invoke(j);
        double s = 0;
        for (double p : j.partial) s += p;
        loss[0] = (float) (s / rows);
    }

    @Override
    public void queueMeanSquaredError(int n, Buf pred, int predOff, Buf target, int tOff, Buf dPred, int dOff,
                                      float[] loss) {
        loss[0] = CpuLosses.meanSquaredError(n, arr(pred), predOff, arr(target), tOff, dPred == null ? null : arr(dPred), dOff);
    }

    // ------------------------------------------------------------------ optimizers
    @Override
    public void sgdStep(int n, Buf p, Buf g, Buf momentumBuf, float lr, float momentum, float dampening,
                        float weightDecay, boolean nesterov, boolean firstStep) {
        sgdStep(n, p, g, momentumBuf, lr, momentum, dampening, weightDecay, nesterov, firstStep, null);
    }

    @Override
    public void sgdStep(int n, Buf p, Buf g, Buf momentumBuf, float lr, float momentum, float dampening,
                        float weightDecay, boolean nesterov, boolean firstStep, UpdateMeasure measure) {
        if (!measuredAsItGoes(measure, n)) { // the interface: a copy, the update below, the norms pass
            Backend.super.sgdStep(n, p, g, momentumBuf, lr, momentum, dampening, weightDecay, nesterov, firstStep, measure);
            return;
        }
        update.sgd(arr(p), arr(g), momentumBuf == null ? null : arr(momentumBuf), lr, momentum, dampening, weightDecay,
                nesterov, firstStep);
        runUpdate(n, measure);
    }

    @Override
    public void adamStep(int n, Buf p, Buf g, Buf m, Buf v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, boolean decoupled, int step) {
        adamStep(n, p, g, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step, null);
    }

    @Override
    public void adamStep(int n, Buf p, Buf g, Buf m, Buf v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, boolean decoupled, int step, UpdateMeasure measure) {
        if (!measuredAsItGoes(measure, n)) {
            Backend.super.adamStep(n, p, g, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step, measure);
            return;
        }
        update.adam(arr(p), arr(g), arr(m), arr(v), lr, beta1, beta2, eps, weightDecay, decoupled, step);
        runUpdate(n, measure);
    }

    /**
     * Whether this backend takes the update itself: unmeasured, or measured as it goes where the segments tile the
     * buffer (otherwise the interface's default copies the weights, updates them, and runs the norms pass after).
     */
    private static boolean measuredAsItGoes(UpdateMeasure measure, int n) {
        return measure == null || tiles(measure.offsets(), measure.sizes(), n);
    }

    /**
     * The update set in {@link #update} over [0, n); with `measure`, measured as it goes: block by block as the norms
     * pass cuts them, each block's weights copied to `before`, updated, then summed while in cache. Apart (a copy of
     * all the weights, the update, a pass reading both copies again) the GRU anchor's telemetry spent ~0.5 ms a step on
     * its 663k weights.
     */
    private void runUpdate(int n, UpdateMeasure measure) {
        if (measure == null) {
            if (pool.threads() == 1 || n < SEGMENTS_ALONE) update.apply(0, n);
            else pool.invoke(updateHalves(n));
            return;
        }
        SegmentJob j = normsJob(update.p, arr(measure.before()), measure.offsets(), measure.sizes(), 0);
        j.update = update;
        // called directly on the calling thread, so that invokeSegments' job.run keeps the two receivers it had (a
        // third makes that call megamorphic, and C2 then compiles the statistics pass apart from it)
        if (segmentsAlone(j)) j.updateBlocks(0, 1);
        else pool.invoke(j.updateAndNorms);
        j.combineDiff(measure.sumSq(), measure.sumSqDiff());
    }

    private int updateLength;
    /** The update over the threads, each an even share of whole vectors: every value's update is its own. */
    private final WorkerPool.Job updateHalves = (chunk, chunks) -> update.apply(
            WorkerPool.splitStart(updateLength, chunk, chunks, VectorGemm.L), WorkerPool.splitStart(updateLength, chunk + 1, chunks, VectorGemm.L));

    private WorkerPool.Job updateHalves(int n) {
        updateLength = n;
        return updateHalves;
    }

    /** Whether the segments, in order, cover [0, n) with no gap or overlap. */
    private static boolean tiles(int[] offsets, int[] sizes, int n) {
        int at = 0;
        for (int s = 0; s < offsets.length; s++) {
            if (offsets[s] != at) return false;
            at += sizes[s];
        }
        return at == n;
    }

    // ------------------------------------------------------------------ gradient statistics
    @Override
    public void segmentStats(Buf x, int[] offsets, int[] sizes, float[] scaleFirst, double[] sumSq, double[] sumAbs,
                             double[] maxAbs, long[] nonFinite, int[] rowOf, long[] histogram) {
        SegmentJob j = segmentJob;
        j.prepare(offsets, sizes);
        j.diff = false;
        j.a = arr(x);
        j.b = null;
        j.scale = scaleFirst;
        j.rowOf = rowOf;
        j.histogram = histogram != null;
        if (histogram != null) j.ensureHistograms(histogram.length);
        invokeSegments(j, j);
        j.combine(sumSq, sumAbs, maxAbs, nonFinite);
        if (histogram != null) j.mergeHistograms(histogram);
    }

    @Override
    public void segmentNormsAndDiff(Buf a, Buf b, int[] offsets, int[] sizes, double[] sumSqA, double[] sumSqDiff) {
        norms(a, b, offsets, sizes, sumSqA, sumSqDiff, 0);
    }

    @Override
    public void timeGradientSums(Buf x, int[] offsets, int[] sizes, int rowLength, double[] sumSq) {
        norms(x, null, offsets, sizes, sumSq, null, SegmentJob.gradientRows(rowLength) * rowLength);
    }

    /** With a block, float sums in blocks of that many values (the time gradients'); without (0), the exact figures'. */
    private void norms(Buf a, Buf b, int[] offsets, int[] sizes, double[] sumSqA, double[] sumSqDiff, int floatBlock) {
        SegmentJob j = normsJob(arr(a), sumSqDiff == null ? null : arr(b), offsets, sizes, floatBlock);
        invokeSegments(j, j.norms);
        j.combineDiff(sumSqA, sumSqDiff);
    }

    /** The segment job set for the norms pass over a (and a − b where b is given), cut as {@link #norms} cuts it. */
    private SegmentJob normsJob(float[] a, float[] b, int[] offsets, int[] sizes, int floatBlock) {
        boolean floatSums = floatBlock > 0;
        SegmentJob j = segmentJob;
        j.prepare(offsets, sizes, floatSums ? floatBlock : SegmentJob.BLOCK);
        j.floatSums = floatSums;
        j.diff = b != null;
        j.a = a;
        j.b = b;
        j.scale = null;
        j.histogram = false;
        return j;
    }

    /**
     * A statistics pass over the segments last prepared: on the calling thread alone where there are fewer than
     * {@link #SEGMENTS_ALONE} values or the blocks average under {@link #SEGMENT_BLOCK_ALONE} (each block handed to a thread
     * cost more than its values), else two threads taking the blocks as they go where there are four or more a thread.
     * The figures are added in block order either way: the same bits.
     */
    private void invokeSegments(SegmentJob j, WorkerPool.Job job) {
        if (segmentsAlone(j)) job.run(0, 1);
        else pool.invoke(job);
    }

    /** Whether the segments last prepared are a pass for the calling thread alone; if not, sets up the two threads' claims. */
    private boolean segmentsAlone(SegmentJob j) {
        long values = j.values();
        if (pool.threads() == 1 || values < SEGMENTS_ALONE || values < (long) SEGMENT_BLOCK_ALONE * j.blocks()) {
            j.claims = null;
            return true;
        }
        j.claims = takenAsTheyGo(j.blocks(), 1, 8);
        return false;
    }

    /**
     * Below these many values (a small RNN's 17k parameters) or values a block (a 50-unit RNN's 1,000-value time steps),
     * one thread: Pascanu's hundred time steps' sums took 6.8 µs on one thread, 12.5-51 on two.
     */
    private static final int SEGMENTS_ALONE = 1 << 16, SEGMENT_BLOCK_ALONE = 2048;

    @Override
    public void scaleSegments(Buf x, int[] offsets, int[] sizes, float[] factors) {
        float[] a = arr(x);
        for (int s = 0; s < offsets.length; s++) {
            float f = factors[s];
            for (int i = offsets[s], end = offsets[s] + sizes[s]; i < end; i++) a[i] *= f;
        }
    }

    @Override
    public void clampValues(Buf x, int off, int n, float limit) {
        float[] a = arr(x);
        for (int i = off; i < off + n; i++) {
            float v = a[i];
            if (v > limit) a[i] = limit;
            else if (v < -limit) a[i] = -limit;
        }
    }

    @Override
    public void rowSumSquares(Buf a, Buf b, int[] rowStart, int[] rowLen, double[] sumSqA, double[] sumSqB) {
        float[] x = arr(a), y = b == null ? null : arr(b);
        for (int r = 0; r < rowStart.length; r++) {
            double sa = 0, sb = 0;
            for (int i = rowStart[r], end = i + rowLen[r]; i < end; i++) {
                sa += (double) x[i] * x[i];
                if (y != null) sb += (double) y[i] * y[i];
            }
            sumSqA[r] = sa;
            if (y != null) sumSqB[r] = sb;
        }
    }

    @Override
    public void scaleRows(Buf x, int[] rowStart, int[] rowLen, float[] factors) {
        float[] a = arr(x);
        for (int r = 0; r < rowStart.length; r++) {
            float f = factors[r];
            for (int i = rowStart[r], end = i + rowLen[r]; i < end; i++) a[i] *= f;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
