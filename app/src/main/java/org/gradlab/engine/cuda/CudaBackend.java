package org.gradlab.engine.cuda;


import java.util.ArrayList;
import java.util.List;
import org.gradlab.engine.Backend;
import org.gradlab.engine.Buf;
import org.gradlab.engine.DeviceFailure;
import org.gradlab.engine.IntBuf;

/**
 * The GPU backend: every {@link Backend} kernel is one or two launches of our own PTX (kernels/), on the
 * legacy default stream, so launches and copies are ordered and a download waits for the work before it
 * (repeated runs of launches go out as CUDA graphs, see {@link GraphingDevice}).
 * The host sees results through one readback area: losses and statistics are written into its slots and
 * come back together at {@link #collect()}: a training run makes one per step, before the clip decision,
 * which also brings back the previous step's post-clip statistics and weight norms ({@link #whenCollected}).
 * Device errors become {@link DeviceFailure}s with a
 * sentence for the user. Create it only after {@link CudaProbe#status()} said the GPU is available.
 */
public final class CudaBackend implements Backend {
    private static final int THREADS = 256;
    private static final DeviceApi.Ptr NULL = DeviceApi.Ptr.NULL;

    private final DeviceApi device;
    private final List<CudaBuf> owned = new ArrayList<>();
    private final SegmentTables segments;
    private final DeviceScratch attScratch, lossScratch, partials, histAcc, counter, factors, splitK;
    private final ReadbackArena readback;
    private boolean closed;

    /**
     * On the GPU the probe found, replaying the repeated launch runs of a training step as CUDA graphs
     * (off with -Dgradlab.cudaGraphs=false).
     */
    public CudaBackend() {
        this(gpu(), !"false".equals(System.getProperty("gradlab.cudaGraphs")));
    }

    private static DeviceApi gpu() {
        CudaProbe.Status s = CudaProbe.status();
        if (!s.available()) throw new IllegalStateException("no usable GPU: " + s.reason());
        return JCudaDevice.open();
    }

    /** On any implementation of the device operations (the tests also use an emulator), with graphs where it has them. */
    public CudaBackend(DeviceApi device) {
        this(device, true);
    }

    public CudaBackend(DeviceApi device, boolean graphs) {
        // everything below goes through the graph layer too: a free or an upload must first issue held launches
        DeviceApi d = graphs && device.supportsGraphs() ? new GraphingDevice(device) : device;
        this.device = d;
        this.segments = new SegmentTables(d);
        this.attScratch = new DeviceScratch(d);
        this.lossScratch = new DeviceScratch(d);
        this.partials = new DeviceScratch(d);
        this.splitK = new DeviceScratch(d);
        this.readback = new ReadbackArena(d);
        this.histAcc = new DeviceScratch(d);
        this.counter = new DeviceScratch(d);
        this.factors = new DeviceScratch(d);
    }

    @Override
    public String name() {
        return "cuda (" + device.description() + (device instanceof GraphingDevice ? ", graphs" : "") + ")";
    }

    @Override
    public String counters() {
        GraphingDevice g = graphs();
        if (g == null) return "graphs off";
        return g.graphLaunches() + " graph replays, " + g.plainLaunches() + " plain launches"
                + (g.brokenReason() == null ? "" : "; graphs turned off: " + g.brokenReason());
    }

    /** The graph layer when graphs are on (for tests and diagnostics), else null. */
    GraphingDevice graphs() {
        return device instanceof GraphingDevice g ? g : null;
    }

    // ------------------------------------------------------------------ plumbing
    private static DeviceApi.Ptr at(Buf b, int off) {
        return b == null ? NULL : ((CudaBuf) b).at(off);
    }

    private static DeviceApi.Ptr at(IntBuf b, int off) {
        return ((CudaBuf) b).at(off);
    }

    /** Columns per block of the column reductions (GL_COLS in common.cuh). */
    private static final int COLUMNS_PER_BLOCK = 32;

    private static int blocksFor(long n) {
        return (int) Math.max(1, Math.min((n + THREADS - 1) / THREADS, 1 << 16));
    }

    /** Launches a kernel; args are device pointers, Integers, Floats or Booleans (passed as int 0/1). */
    private void launch(String kernel, int gridX, int gridY, int sharedBytes, Object... args) {
        onDevice("running kernel " + kernel, () -> device.launch(kernel, gridX, gridY, THREADS, sharedBytes, args));
    }

    private void elementwise(String kernel, long n, Object... args) {
        if (n > 0) launch(kernel, blocksFor(n), 1, 0, args);
    }

    /** Runs a device operation, turning its failure into the user-facing DeviceFailure. */
    private <T> T onDevice(String during, java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (DeviceError e) {
            throw failure(e, during);
        }
    }

    private void onDevice(String during, Runnable op) {
        onDevice(during, () -> {
            op.run();
            return null;
        });
    }

    private DeviceFailure failure(DeviceError e, String during) {
        if (CudaErrors.outOfMemory(e.getMessage())) salvageResults();
        else readback.discard();
        String msg = CudaErrors.describe(e.getMessage(), during);
        if (CudaErrors.sticky(e.getMessage())) CudaProbe.markLost(CudaProbe.firstLine(e.getMessage()));
        if (CudaErrors.outOfMemory(e.getMessage())) {
            msg += " (" + device.memoryInfo() + "); use a smaller model or batch, or --device cpu";
        }
        return new DeviceFailure(msg, e);
    }

    /** After an out-of-memory error the device still works: the results of kernels that ran are read back. */
    private void salvageResults() {
        try {
            readback.salvage();
        } catch (RuntimeException ignored) {
            readback.discard(); // the failure being reported is the one that matters
        }
    }

    // ------------------------------------------------------------------ memory
    private CudaBuf allocate(int n) {
        CudaBuf b = new CudaBuf(onDevice("allocating " + (4L * n >> 10) + " KiB", () -> device.alloc(4L * Math.max(1, n))), n);
        owned.add(b);
        return b;
    }

    @Override public Buf alloc(int n) { return allocate(n); }
    @Override public IntBuf allocInt(int n) { return allocate(n); }

    @Override
    public void upload(float[] src, int srcOff, Buf dst, int dstOff, int n) {
        if (n == 0) return;
        onDevice("copying to the GPU", () -> device.upload(at(dst, dstOff), src, srcOff, n));
        readback.seal();
    }

    @Override
    public void download(Buf src, int srcOff, float[] dst, int dstOff, int n) {
        if (n == 0) return;
        onDevice("copying from the GPU", () -> device.download(at(src, srcOff), dst, dstOff, n));
    }

    @Override
    public void uploadInt(int[] src, int srcOff, IntBuf dst, int dstOff, int n) {
        if (n == 0) return;
        onDevice("copying to the GPU", () -> device.upload(at(dst, dstOff), src, srcOff, n));
        readback.seal();
    }

    /** A slot of `count` doubles that the kernel about to be launched fills; `reader` gets them at collect(). */
    private DeviceApi.Ptr result(int count, ReadbackArena.Reader reader) {
        return onDevice("copying results from the GPU", () -> readback.reserve(count, reader));
    }

    @Override
    public void collect() {
        onDevice("copying results from the GPU", readback::collect);
    }

    @Override
    public void whenCollected(Runnable r) {
        readback.whenCollected(r);
    }

    private DeviceApi.Ptr uploadFloats(DeviceScratch area, float[] src, int off, int n) {
        return onDevice("copying to the GPU", () -> {
            DeviceApi.Ptr d = area.get(4L * Math.max(1, n));
            if (n > 0) device.upload(d, src, off, n);
            return d;
        });
    }

    private DeviceApi.Ptr scratch(DeviceScratch area, long bytes) {
        return onDevice("allocating work space", () -> area.get(bytes));
    }

    @Override
    public void fill(Buf dst, int off, int n, float value) {
        elementwise("fill", n, at(dst, off), n, value);
    }

    @Override
    public void copy(Buf src, int srcOff, Buf dst, int dstOff, int n) {
        if (n == 0) return;
        onDevice("copying on the GPU", () -> device.copy(at(dst, dstOff), at(src, srcOff), 4L * n));
    }

    @Override
    public void addInPlace(Buf src, int srcOff, Buf dst, int dstOff, int n) {
        elementwise("add_inplace", n, at(src, srcOff), at(dst, dstOff), n);
    }

    // ------------------------------------------------------------------ dense
    @Override
    public void gemm(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb, Buf c,
                     int cOff, int ldc, boolean accumulate) {
        gemm(m, n, k, at(a, aOff), ars, acs, at(b, bOff), ldb, at(c, cOff), ldc, accumulate, NULL);
    }

    @Override
    public void gemmBias(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb, Buf c,
                         int cOff, int ldc, Buf bias, int biasOff) {
        gemm(m, n, k, at(a, aOff), ars, acs, at(b, bOff), ldb, at(c, cOff), ldc, false, at(bias, biasOff));
    }

    /** C = (accumulate ? C : 0) + (A·B + bias), bias (per column) optional. */
    private void gemm(int m, int n, int k, DeviceApi.Ptr a, int ars, int acs, DeviceApi.Ptr b, int ldb, DeviceApi.Ptr c,
                      int ldc, boolean accumulate, DeviceApi.Ptr bias) {
        if (m == 0 || n == 0) return;
        int nTiles = (n + 63) / 64, mTiles = (m + 63) / 64;
        int slices = splitK(mTiles * nTiles, k);
        if (slices == 1) {
            launch("gemm_strided", nTiles, mTiles, 0, m, n, k, a, ars, acs, b, ldb, c, ldc, accumulate, bias);
            return;
        }
        int kTiles = (k + 15) / 16, kSlice = 16 * ((kTiles + slices - 1) / slices);
        int used = (k + kSlice - 1) / kSlice; // every slice gets at least one k tile
        DeviceApi.Ptr partial = scratch(splitK, 4L * used * m * n);
        launch("gemm_splitk_partial", nTiles, mTiles * used, 0, m, n, k, kSlice, mTiles, a, ars, acs, b, ldb, partial);
        elementwise("gemm_splitk_reduce", (long) m * n, m, n, used, partial, c, ldc, accumulate, bias);
    }

    /** Blocks a sliced GEMM aims for: about two per SM of a large GPU (132 on an H100). */
    private static final int GEMM_BLOCKS = 256;

    /**
     * How many K slices a GEMM of `tiles` 64×64 output tiles is cut into: 1 when the tiles alone fill the GPU
     * (half of {@link #GEMM_BLOCKS}) or K is under 256 (a second launch would cost about what the slices save);
     * otherwise enough slices to reach about GEMM_BLOCKS blocks, each walking at least four 16-wide k tiles —
     * the recurrent GEMMs (M = batch, K up to 4·hidden) and the weight gradients (K = batch × time).
     */
    static int splitK(int tiles, int k) {
        int kTiles = (k + 15) / 16;
        if (tiles >= GEMM_BLOCKS / 2 || kTiles < 16) return 1;
        return Math.max(1, Math.min(kTiles / 4, (GEMM_BLOCKS + tiles - 1) / tiles));
    }

    @Override
    public void transpose(Buf src, int srcOff, int rows, int cols, Buf dst, int dstOff) {
        if (rows == 0 || cols == 0) return;
        launch("transpose", (cols + 31) / 32, (rows + 31) / 32, 0, at(src, srcOff), rows, cols, at(dst, dstOff));
    }

    @Override
    public void addBias(Buf c, int cOff, int m, int n, int ldc, Buf bias, int biasOff) {
        elementwise("add_bias", (long) m * n, at(c, cOff), m, n, ldc, at(bias, biasOff));
    }

    @Override
    public void columnSums(Buf a, int aOff, int m, int n, int lda, Buf dst, int dstOff) {
        if (n > 0) launch("column_sums", (n + COLUMNS_PER_BLOCK - 1) / COLUMNS_PER_BLOCK, 1, 0, at(a, aOff), m, n, lda,
                at(dst, dstOff));
    }

    // ------------------------------------------------------------------ embeddings
    @Override
    public void embeddingForward(IntBuf ids, int idsOff, int rows, Buf table, int tableOff, int dim, Buf out,
                                 int outOff, boolean accumulate) {
        elementwise("embedding_forward", (long) rows * dim, at(ids, idsOff), rows, at(table, tableOff), dim,
                at(out, outOff), accumulate);
    }

    @Override
    public void embeddingBackward(IntBuf ids, int idsOff, int rows, Buf dOut, int dOutOff, int dim, int vocab,
                                  Buf dTable, int dTableOff) {
        if (vocab <= EMBEDDING_ENTRY_THREADS_UP_TO) {
            elementwise("embedding_backward", (long) vocab * dim, at(ids, idsOff), rows, at(dOut, dOutOff), dim, vocab,
                    at(dTable, dTableOff));
        } else {
            elementwise("embedding_backward_columns", dim, at(ids, idsOff), rows, at(dOut, dOutOff), dim,
                    at(dTable, dTableOff));
        }
    }

    /**
     * Tables of up to this many rows get a thread per entry, each scanning all ids (a few cycles per row);
     * larger ones a thread per column, which waits an L2 round trip per row but does vocab times less work.
     */
    static final int EMBEDDING_ENTRY_THREADS_UP_TO = 4096;

    // ------------------------------------------------------------------ recurrent cells
    @Override
    public void rnnTanhForward(int batch, int hidden, Buf xg, int xgOff, Buf hg, int hgOff, Buf h, int hOff) {
        elementwise("rnn_tanh_forward", (long) batch * hidden, batch, hidden, at(xg, xgOff), at(hg, hgOff), at(h, hOff));
    }

    @Override
    public void rnnTanhBackward(int batch, int hidden, Buf h, int hOff, Buf dh, int dhOff, Buf dPre, int dPreOff) {
        elementwise("rnn_tanh_backward", (long) batch * hidden, batch, hidden, at(h, hOff), at(dh, dhOff),
                at(dPre, dPreOff));
    }

    @Override
    public void rnnSigmoidForward(int batch, int hidden, Buf xg, int xgOff, Buf hg, int hgOff, Buf h, int hOff) {
        elementwise("rnn_sigmoid_forward", (long) batch * hidden, batch, hidden, at(xg, xgOff), at(hg, hgOff), at(h, hOff));
    }

    @Override
    public void rnnSigmoidBackward(int batch, int hidden, Buf h, int hOff, Buf dh, int dhOff, Buf dPre, int dPreOff) {
        elementwise("rnn_sigmoid_backward", (long) batch * hidden, batch, hidden, at(h, hOff), at(dh, dhOff),
                at(dPre, dPreOff));
    }

    @Override
    public void lstmForward(int batch, int hidden, Buf xg, int xgOff, Buf hg, int hgOff, Buf cPrev, int cPrevOff,
                            Buf gates, int gatesOff, Buf c, int cOff, Buf h, int hOff) {
        elementwise("lstm_forward", (long) batch * hidden, batch, hidden, at(xg, xgOff), at(hg, hgOff),
                at(cPrev, cPrevOff), at(gates, gatesOff), at(c, cOff), at(h, hOff));
    }

    @Override
    public void lstmBackward(int batch, int hidden, Buf gates, int gatesOff, Buf c, int cOff, Buf cPrev,
                             int cPrevOff, Buf dh, int dhOff, Buf dcCarry, int dcOff, Buf dPre, int dPreOff) {
        elementwise("lstm_backward", (long) batch * hidden, batch, hidden, at(gates, gatesOff), at(c, cOff),
                at(cPrev, cPrevOff), at(dh, dhOff), at(dcCarry, dcOff), at(dPre, dPreOff));
    }

    @Override
    public void gruForward(int batch, int hidden, Buf xg, int xgOff, Buf hg, int hgOff, Buf hPrev, int hPrevOff,
                           Buf gates, int gatesOff, Buf h, int hOff) {
        elementwise("gru_forward", (long) batch * hidden, batch, hidden, at(xg, xgOff), at(hg, hgOff),
                at(hPrev, hPrevOff), at(gates, gatesOff), at(h, hOff));
    }

    @Override
    public void gruBackward(int batch, int hidden, Buf gates, int gatesOff, Buf hg, int hgOff, Buf hPrev,
                            int hPrevOff, Buf dh, int dhOff, Buf dPreX, int dPreXOff, Buf dPreH, int dPreHOff,
                            Buf dhPrev, int dhPrevOff) {
        elementwise("gru_backward", (long) batch * hidden, batch, hidden, at(gates, gatesOff), at(hg, hgOff),
                at(hPrev, hPrevOff), at(dh, dhOff), at(dPreX, dPreXOff), at(dPreH, dPreHOff), at(dhPrev, dhPrevOff));
    }

    // ------------------------------------------------------------------ transformer pieces
    @Override
    public void layerNormForward(int rows, int dim, Buf x, int xOff, Buf w, int wOff, Buf b, int bOff, float eps,
                                 Buf out, int outOff, Buf mean, int meanOff, Buf rstd, int rstdOff) {
        if (rows == 0) return;
        launch("layernorm_forward", rows, 1, 0, rows, dim, at(x, xOff), at(w, wOff), at(b, bOff), eps,
                at(out, outOff), at(mean, meanOff), at(rstd, rstdOff));
    }

    @Override
    public void layerNormBackward(int rows, int dim, Buf x, int xOff, Buf w, int wOff, Buf mean, int meanOff,
                                  Buf rstd, int rstdOff, Buf dOut, int dOutOff, Buf dx, int dxOff, Buf dw,
                                  int dwOff, Buf db, int dbOff) {
        if (rows == 0) return;
        launch("layernorm_backward_dx", rows, 1, 0, rows, dim, at(x, xOff), at(w, wOff), at(mean, meanOff),
                at(rstd, rstdOff), at(dOut, dOutOff), at(dx, dxOff));
        launch("layernorm_backward_dwdb", (dim + COLUMNS_PER_BLOCK - 1) / COLUMNS_PER_BLOCK, 1, 0, rows, dim,
                at(x, xOff), at(mean, meanOff), at(rstd, rstdOff), at(dOut, dOutOff), at(dw, dwOff), at(db, dbOff));
    }

    @Override
    public void geluForward(int n, Buf x, int xOff, Buf out, int outOff, boolean tanhApprox) {
        elementwise("gelu_forward", n, n, at(x, xOff), at(out, outOff), tanhApprox);
    }

    @Override
    public void geluBackward(int n, Buf x, int xOff, Buf dOut, int dOutOff, Buf dx, int dxOff, boolean tanhApprox) {
        elementwise("gelu_backward", n, n, at(x, xOff), at(dOut, dOutOff), at(dx, dxOff), tanhApprox);
    }

    @Override
    public void attentionForward(int batch, int seq, int dim, int heads, Buf qkv, int qkvOff, Buf att, int attOff,
                                 Buf out, int outOff) {
        if (batch == 0 || seq == 0) return;
        int shared = 4 * (seq + dim / heads);
        launch("attention_forward", seq, batch * heads, shared, seq, dim, heads, at(qkv, qkvOff), at(att, attOff),
                at(out, outOff));
    }

    @Override
    public void attentionBackward(int batch, int seq, int dim, int heads, Buf qkv, int qkvOff, Buf att, int attOff,
                                  Buf dOut, int dOutOff, Buf dqkv, int dqkvOff) {
        if (batch == 0 || seq == 0) return;
        DeviceApi.Ptr dS = scratch(attScratch, 4L * batch * heads * seq * seq);
        int shared = 4 * (seq + dim / heads);
        launch("attention_backward_q", seq, batch * heads, shared, seq, dim, heads, at(qkv, qkvOff), at(att, attOff),
                at(dOut, dOutOff), dS, at(dqkv, dqkvOff));
        launch("attention_backward_kv", seq, batch * heads, 0, seq, dim, heads, at(qkv, qkvOff), at(att, attOff),
                at(dOut, dOutOff), dS, at(dqkv, dqkvOff));
    }

    // ------------------------------------------------------------------ losses
    @Override
    public void queueSoftmaxCrossEntropy(int rows, int classes, Buf logits, int logitsOff, IntBuf targets, int tOff,
                                         Buf dLogits, int dOff, float[] loss) {
        DeviceApi.Ptr perRow = scratch(lossScratch, 16L * rows);
        launch("cross_entropy_rows", rows, 1, 0, rows, classes, at(logits, logitsOff), at(targets, tOff),
                at(dLogits, dOff), perRow);
        DeviceApi.Ptr out = result(2, (r, at) -> {
            if (r[at + 1] > 0) {
                throw new IllegalArgumentException((long) r[at + 1] + " target(s) outside [0, " + classes + ")");
            }
            loss[0] = (float) (r[at] / rows);
        });
        launch("reduce_rows", 1, 1, 0, rows, 2, perRow, out);
    }

    @Override
    public void queueMeanSquaredError(int n, Buf pred, int predOff, Buf target, int tOff, Buf dPred, int dOff,
                                      float[] loss) {
        DeviceApi.Ptr sq = scratch(lossScratch, 8L * n);
        elementwise("mse_elements", n, n, at(pred, predOff), at(target, tOff), at(dPred, dOff), sq);
        DeviceApi.Ptr out = result(1, (r, at) -> loss[0] = (float) (r[at] / n));
        launch("reduce_rows", 1, 1, 0, n, 1, sq, out);
    }

    // ------------------------------------------------------------------ optimizers
    @Override
    public void sgdStep(int n, Buf p, Buf g, Buf momentumBuf, float lr, float momentum, float dampening,
                        float weightDecay, boolean nesterov, boolean firstStep) {
        elementwise("sgd_step", n, n, at(p, 0), at(g, 0), at(momentumBuf, 0), lr, momentum, dampening, weightDecay,
                nesterov, firstStep);
    }

    @Override
    public void adamStep(int n, Buf p, Buf g, Buf m, Buf v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, boolean decoupled, int step) {
        // the same host-side scalars as ParamUpdate.adam, so both backends round alike
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float sqrtBc2 = (float) Math.sqrt(bc2);
        float decay = decoupled ? 1f - lr * weightDecay : 1f;
        elementwise("adam_step", n, n, at(p, 0), at(g, 0), at(m, 0), at(v, 0), beta1, beta2, eps, weightDecay,
                decoupled, decay, stepSize, sqrtBc2);
    }

    // ------------------------------------------------------------------ gradient statistics
    @Override
    public void segmentStats(Buf x, int[] offsets, int[] sizes, float[] scaleFirst, double[] sumSq, double[] sumAbs,
                             double[] maxAbs, long[] nonFinite, int[] rowOf, long[] histogram) {
        int s = offsets.length;
        if (s == 0) {
            if (histogram != null) java.util.Arrays.fill(histogram, 0);
            return;
        }
        SegmentTables.Table t = table(offsets, sizes);
        int histLen = histogram == null ? 0 : histogram.length;
        DeviceApi.Ptr rows = histogram == null ? NULL : rowMap(rowOf);
        DeviceApi.Ptr scale = scaleFirst == null ? NULL : uploadFloats(factors, scaleFirst, 0, s);
        DeviceApi.Ptr pPartials = scratch(partials, 32L * t.blocks), pHist = scratch(histAcc, 4L * Math.max(1, histLen));
        DeviceApi.Ptr pCounter = scratch(counter, 8);
        DeviceApi.Ptr out = result(4 * s + histLen, (r, at) -> {
            for (int i = 0; i < s; i++) {
                sumSq[i] = r[at + i];
                sumAbs[i] = r[at + s + i];
                maxAbs[i] = r[at + 2 * s + i];
                nonFinite[i] = (long) r[at + 3 * s + i];
            }
            for (int i = 0; i < histLen; i++) histogram[i] = (long) r[at + 4 * s + i];
        });
        launch("segment_stats", t.blocks, 1, 0, at(x, 0), t.blocks, s, t.ptr(), scale, rows, histLen, pPartials,
                pHist, out, pCounter);
    }

    @Override
    public void segmentNormsAndDiff(Buf a, Buf b, int[] offsets, int[] sizes, double[] sumSqA, double[] sumSqDiff) {
        int s = offsets.length;
        if (s == 0) return;
        SegmentTables.Table t = table(offsets, sizes);
        DeviceApi.Ptr pPartials = scratch(partials, 16L * t.blocks), pCounter = scratch(counter, 8);
        DeviceApi.Ptr out = result(2 * s, (r, at) -> {
            System.arraycopy(r, at, sumSqA, 0, s);
            if (sumSqDiff != null) System.arraycopy(r, at + s, sumSqDiff, 0, s);
        });
        launch("segment_norms_diff", t.blocks, 1, 0, at(a, 0), sumSqDiff == null ? NULL : at(b, 0), t.blocks, s,
                t.ptr(), pPartials, out, pCounter);
    }

    @Override
    public void scaleSegments(Buf x, int[] offsets, int[] sizes, float[] factorsHost) {
        if (offsets.length == 0) return;
        SegmentTables.Table t = table(offsets, sizes);
        DeviceApi.Ptr f = uploadFloats(factors, factorsHost, 0, offsets.length);
        launch("scale_segments", t.blocks, 1, 0, at(x, 0), t.blocks, t.ptr(), f);
    }

    @Override
    public void clampValues(Buf x, int off, int n, float limit) {
        elementwise("clamp_values", n, at(x, off), n, limit);
    }

    @Override
    public void rowSumSquares(Buf a, Buf b, int[] rowStart, int[] rowLen, double[] sumSqA, double[] sumSqB) {
        int rows = rowStart.length;
        if (rows == 0) return;
        DeviceApi.Ptr t = rowTable(rowStart, rowLen);
        DeviceApi.Ptr out = result(b == null ? rows : 2 * rows, (r, at) -> {
            System.arraycopy(r, at, sumSqA, 0, rows);
            if (b != null) System.arraycopy(r, at + rows, sumSqB, 0, rows);
        });
        launch("row_table_sum_squares", Math.min(rows, 1 << 16), 1, 0, at(a, 0), at(b, 0), rows, t, out);
    }

    @Override
    public void scaleRows(Buf x, int[] rowStart, int[] rowLen, float[] factorsHost) {
        int rows = rowStart.length;
        if (rows == 0) return;
        DeviceApi.Ptr t = rowTable(rowStart, rowLen);
        DeviceApi.Ptr f = uploadFloats(factors, factorsHost, 0, rows);
        launch("row_table_scale", Math.min(rows, 1 << 16), 1, 0, at(x, 0), rows, t, f);
    }

    /** start | len as one device table, uploaded again only when its content changed. */
    private DeviceApi.Ptr rowTable(int[] rowStart, int[] rowLen) {
        int[] host = java.util.Arrays.copyOf(rowStart, 2 * rowStart.length);
        System.arraycopy(rowLen, 0, host, rowStart.length, rowLen.length);
        return onDevice("uploading the row table", () -> segments.ints(host));
    }

    private SegmentTables.Table table(int[] offsets, int[] sizes) {
        return onDevice("uploading the segment table", () -> segments.table(offsets, sizes));
    }

    private DeviceApi.Ptr rowMap(int[] rowOf) {
        return onDevice("uploading the histogram rows", () -> segments.ints(rowOf));
    }

    @Override
    public void synchronize() {
        onDevice("finishing queued GPU work", device::synchronize);
    }

    /** Frees this backend's device memory (the shared context and kernels stay loaded for the process). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            device.synchronize();
        } catch (DeviceError ignored) {
            // a failed device still gets its memory released below as far as the driver allows
        }
        try {
            for (CudaBuf b : owned) device.free(b.mem);
            for (DeviceScratch d : List.of(attScratch, lossScratch, partials, histAcc, counter, factors, splitK)) d.free();
            readback.free();
            segments.free();
        } catch (DeviceError ignored) {
            // the context is gone (device lost): nothing left to free
        }
        owned.clear();
    }
}
