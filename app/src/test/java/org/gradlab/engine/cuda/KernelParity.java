package org.gradlab.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.gradlab.engine.Backend;
import org.gradlab.engine.Buf;
import org.gradlab.engine.CpuBackend;
import org.gradlab.engine.HistogramBins;
import org.gradlab.engine.IntBuf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;

/**
 * Every CUDA kernel against its CPU twin on the same inputs: odd sizes (not multiples of a tile), non-zero
 * offsets, accumulate flags, NaN and ±inf where the contract says how they behave. Run on a real GPU
 * ({@link CudaKernelParityTest}) and on the CPU emulation of the kernels ({@link EmulatedKernelParityTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KernelParity {
    CpuBackend cpu;
    CudaBackend gpu;
    final Random rnd = new Random(7);

    /** The device the CUDA backend runs on (skips the class when there is none). */
    abstract DeviceApi openDevice() throws Exception;

    /** Whether the backend replays repeated launch runs as CUDA graphs. */
    boolean graphs() {
        return true;
    }

    private DeviceApi device;

    @BeforeAll
    void open() throws Exception {
        device = openDevice();
        cpu = new CpuBackend(2);
        gpu = new CudaBackend(device, graphs());
    }

    @AfterAll
    void close() throws Exception {
        if (gpu != null) gpu.close();
        if (cpu != null) cpu.close();
        if (device instanceof AutoCloseable c) c.close(); // the emulator's server process
    }

    /** The same floats on both backends. */
    final class Pair {
        final Buf c, g;
        final int n;

        Pair(float[] host) {
            n = host.length;
            c = cpu.alloc(n);
            g = gpu.alloc(n);
            cpu.upload(host, 0, c, 0, n);
            gpu.upload(host, 0, g, 0, n);
        }

        float[] cpuValues() {
            float[] out = new float[n];
            cpu.download(c, 0, out, 0, n);
            return out;
        }

        float[] gpuValues() {
            float[] out = new float[n];
            gpu.download(g, 0, out, 0, n);
            return out;
        }

        void assertSame(String what, double rel, double abs) {
            float[] a = cpuValues(), b = gpuValues();
            for (int i = 0; i < n; i++) {
                if (Float.isNaN(a[i]) || Float.isNaN(b[i])) {
                    assertEquals(Float.isNaN(a[i]), Float.isNaN(b[i]), what + "[" + i + "] NaN on one side only");
                    continue;
                }
                double tol = abs + rel * Math.abs(a[i]);
                if (!(Math.abs(a[i] - b[i]) <= tol) && a[i] != b[i]) {
                    throw new AssertionError(what + "[" + i + "]: cpu " + a[i] + " gpu " + b[i]);
                }
            }
        }

        Buf on(Backend be) {
            return be == cpu ? c : g;
        }
    }

    Pair rand(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * scale);
        return new Pair(v);
    }

    Pair positive(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 0.1f + rnd.nextFloat();
        return new Pair(v);
    }

    IntBuf[] ints(int[] v) {
        IntBuf a = cpu.allocInt(v.length), b = gpu.allocInt(v.length);
        cpu.uploadInt(v, 0, a, 0, v.length);
        gpu.uploadInt(v, 0, b, 0, v.length);
        return new IntBuf[] {a, b};
    }

    interface Op {
        void run(Backend be);
    }

    void both(Op op) {
        op.run(cpu);
        op.run(gpu);
    }

    @Test
    void bufferHelpers() {
        Pair a = rand(1001, 1), b = rand(1001, 1);
        both(be -> be.fill(a.on(be), 3, 500, 2.5f));
        both(be -> be.addInPlace(b.on(be), 7, a.on(be), 1, 900));
        both(be -> be.copy(b.on(be), 0, a.on(be), 950, 51));
        a.assertSame("fill/add/copy", 0, 0);
    }

    @Test
    void gemmEveryLayoutAndAccumulate() {
        // the last three are cut into K slices (few tiles, long K): the recurrent GEMMs' shapes, an uneven K
        int[][] shapes = {{1, 1, 1}, {37, 53, 29}, {64, 64, 64}, {5, 300, 3}, {130, 70, 257}, {32, 256, 1024},
            {3, 20, 700}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            Pair a = rand(m * k + 3, 1), b = rand(k * n + 5, 1), c = rand(m * n + 2, 1);
            both(be -> be.gemm(m, n, k, a.on(be), 3, k, 1, b.on(be), 5, n, c.on(be), 2, n, false));
            c.assertSame("C=A·B " + m + "x" + n + "x" + k, 1e-4, 1e-4);
            both(be -> be.gemm(m, n, k, a.on(be), 3, 1, m, b.on(be), 5, n, c.on(be), 2, n, true));
            c.assertSame("C+=Aᵀ·B " + m + "x" + n + "x" + k, 1e-4, 1e-4);
            Pair bias = rand(n + 1, 1);
            both(be -> be.gemmBias(m, n, k, a.on(be), 3, k, 1, b.on(be), 5, n, c.on(be), 2, n, bias.on(be), 1));
            c.assertSame("C=A·B+bias " + m + "x" + n + "x" + k, 1e-4, 1e-4);
        }
        assertEquals(1, CudaBackend.splitK(128, 4096), "enough tiles: one pass");
        assertEquals(4, CudaBackend.splitK(64, 2048), "the LSTM's weight gradient (1024×256, K=2048) runs as 256 blocks");
        assertEquals(1, CudaBackend.splitK(1, 128), "short K (the tanh-RNN's 128): one pass");
        assertEquals(4, CudaBackend.splitK(16, 256), "the LSTM's recurrent GEMM (32×1024, K=256)");
        assertEquals(16, CudaBackend.splitK(4, 1024), "the LSTM's dH GEMM (32×256, K=1024) runs as 64 blocks");
        assertEquals(4, CudaBackend.splitK(6, 257));
    }

    @Test
    void transposeBiasColumnSums() {
        Pair src = rand(45 * 77, 1), dst = rand(45 * 77, 1);
        both(be -> be.transpose(src.on(be), 0, 45, 77, dst.on(be), 0));
        dst.assertSame("transpose", 0, 0);
        Pair c = rand(33 * 40, 1), bias = rand(40, 1), sums = rand(40, 1);
        both(be -> be.addBias(c.on(be), 0, 33, 31, 40, bias.on(be), 0));
        c.assertSame("addBias", 1e-6, 1e-6);
        both(be -> be.columnSums(c.on(be), 0, 33, 31, 40, sums.on(be), 2));
        sums.assertSame("columnSums", 1e-5, 1e-5);
        // several blocks of columns, more rows than row groups, a ragged last block
        Pair tall = rand(301 * 75, 1), tallSums = rand(70, 1);
        both(be -> be.columnSums(tall.on(be), 3, 300, 70, 75, tallSums.on(be), 0));
        tallSums.assertSame("columnSums 300×70", 1e-5, 1e-5);
    }

    @Test
    void embeddingsWithRepeatedIds() {
        int rows = 97, dim = 19, vocab = 11;
        int[] ids = new int[rows];
        for (int i = 0; i < rows; i++) ids[i] = rnd.nextInt(vocab);
        IntBuf[] id = ints(ids);
        Pair table = rand(vocab * dim, 1), out = rand(rows * dim, 1), dTable = rand(vocab * dim, 1);
        for (boolean acc : new boolean[] {false, true}) {
            both(be -> be.embeddingForward(be == cpu ? id[0] : id[1], 0, rows, table.on(be), 0, dim, out.on(be), 0, acc));
            out.assertSame("embedding forward acc=" + acc, 1e-6, 1e-6);
        }
        both(be -> be.embeddingBackward(be == cpu ? id[0] : id[1], 0, rows, out.on(be), 0, dim, vocab, dTable.on(be), 0));
        dTable.assertSame("embedding backward", 1e-5, 1e-5);
        // a table too large for a thread per entry takes the per-column kernel
        int big = CudaBackend.EMBEDDING_ENTRY_THREADS_UP_TO + 3;
        int[] bigIds = ids.clone();
        bigIds[0] = big - 1;
        IntBuf[] bid = ints(bigIds);
        Pair bigTable = rand(big * dim, 1);
        both(be -> be.embeddingBackward(be == cpu ? bid[0] : bid[1], 0, rows, out.on(be), 0, dim, big, bigTable.on(be), 0));
        bigTable.assertSame("embedding backward, large table", 1e-5, 1e-5);
    }

    @Test
    void recurrentCells() {
        int b = 7, h = 45;
        Pair xg = rand(b * 4 * h, 2), hg = rand(b * 4 * h, 2), prev = rand(b * h, 1), gates = rand(b * 4 * h, 1);
        Pair c = rand(b * h, 1), hOut = rand(b * h, 1), dh = rand(b * h, 1), dc = rand(b * h, 1), dPre = rand(b * 4 * h, 1);
        both(be -> be.rnnTanhForward(b, h, xg.on(be), 0, hg.on(be), 0, hOut.on(be), 0));
        hOut.assertSame("rnn forward", 1e-5, 1e-6);
        both(be -> be.rnnTanhBackward(b, h, hOut.on(be), 0, dh.on(be), 0, dPre.on(be), 0));
        dPre.assertSame("rnn backward", 1e-5, 1e-6);
        both(be -> be.rnnSigmoidForward(b, h, xg.on(be), 0, hg.on(be), 0, hOut.on(be), 0));
        hOut.assertSame("sigmoid rnn forward", 1e-5, 1e-6);
        both(be -> be.rnnSigmoidBackward(b, h, hOut.on(be), 0, dh.on(be), 0, dPre.on(be), 0));
        dPre.assertSame("sigmoid rnn backward", 1e-5, 1e-6);
        both(be -> be.lstmForward(b, h, xg.on(be), 0, hg.on(be), 0, prev.on(be), 0, gates.on(be), 0, c.on(be), 0, hOut.on(be), 0));
        gates.assertSame("lstm gates", 1e-5, 1e-6);
        c.assertSame("lstm c", 1e-5, 1e-6);
        hOut.assertSame("lstm h", 1e-5, 1e-6);
        both(be -> be.lstmBackward(b, h, gates.on(be), 0, c.on(be), 0, prev.on(be), 0, dh.on(be), 0, dc.on(be), 0, dPre.on(be), 0));
        dPre.assertSame("lstm dPre", 1e-5, 1e-6);
        dc.assertSame("lstm dc carry", 1e-5, 1e-6);
        Pair g3 = rand(b * 3 * h, 1), dx = rand(b * 3 * h, 1), dhh = rand(b * 3 * h, 1), dPrev = rand(b * h, 1);
        both(be -> be.gruForward(b, h, xg.on(be), 0, hg.on(be), 0, prev.on(be), 0, g3.on(be), 0, hOut.on(be), 0));
        g3.assertSame("gru gates", 1e-5, 1e-6);
        hOut.assertSame("gru h", 1e-5, 1e-6);
        both(be -> be.gruBackward(b, h, g3.on(be), 0, hg.on(be), 0, prev.on(be), 0, dh.on(be), 0, dx.on(be), 0,
                dhh.on(be), 0, dPrev.on(be), 0));
        dx.assertSame("gru dPreX", 1e-5, 1e-6);
        dhh.assertSame("gru dPreH", 1e-5, 1e-6);
        dPrev.assertSame("gru dhPrev", 1e-5, 1e-6);
    }

    @Test
    void layerNormAndGelu() {
        int rows = 29, dim = 301;
        Pair x = rand(rows * dim, 3), w = rand(dim, 1), bias = rand(dim, 1), out = rand(rows * dim, 1);
        Pair mean = rand(rows, 1), rstd = rand(rows, 1), dOut = rand(rows * dim, 1), dx = rand(rows * dim, 1);
        Pair dw = rand(dim, 1), db = rand(dim, 1);
        both(be -> be.layerNormForward(rows, dim, x.on(be), 0, w.on(be), 0, bias.on(be), 0, 1e-5f, out.on(be), 0,
                mean.on(be), 0, rstd.on(be), 0));
        out.assertSame("layernorm out", 1e-5, 1e-5);
        mean.assertSame("layernorm mean", 1e-6, 1e-6);
        rstd.assertSame("layernorm rstd", 1e-6, 1e-6);
        both(be -> be.layerNormBackward(rows, dim, x.on(be), 0, w.on(be), 0, mean.on(be), 0, rstd.on(be), 0,
                dOut.on(be), 0, dx.on(be), 0, dw.on(be), 0, db.on(be), 0));
        dx.assertSame("layernorm dx", 1e-4, 1e-5);
        dw.assertSame("layernorm dw", 1e-4, 1e-4);
        db.assertSame("layernorm db", 1e-4, 1e-4);
        for (boolean approx : new boolean[] {false, true}) {
            both(be -> be.geluForward(rows * dim, x.on(be), 0, out.on(be), 0, approx));
            out.assertSame("gelu forward tanh=" + approx, 1e-5, 1e-6);
            both(be -> be.geluBackward(rows * dim, x.on(be), 0, dOut.on(be), 0, dx.on(be), 0, approx));
            dx.assertSame("gelu backward tanh=" + approx, 1e-5, 1e-6);
        }
    }

    @Test
    void causalAttention() {
        int b = 3, t = 37, d = 48, heads = 4;
        Pair qkv = rand(b * t * 3 * d, 1), att = rand(b * heads * t * t, 1), out = rand(b * t * d, 1);
        Pair dOut = rand(b * t * d, 1), dqkv = rand(b * t * 3 * d, 1);
        both(be -> be.attentionForward(b, t, d, heads, qkv.on(be), 0, att.on(be), 0, out.on(be), 0));
        att.assertSame("attention probabilities", 1e-4, 1e-6);
        out.assertSame("attention out", 1e-4, 1e-5);
        both(be -> be.attentionBackward(b, t, d, heads, qkv.on(be), 0, att.on(be), 0, dOut.on(be), 0, dqkv.on(be), 0));
        dqkv.assertSame("attention dqkv", 1e-3, 1e-5);
    }

    @Test
    void lossesAndTheirGradients() {
        int rows = 53, classes = 67;
        int[] t = new int[rows];
        for (int i = 0; i < rows; i++) t[i] = rnd.nextInt(classes);
        IntBuf[] tg = ints(t);
        Pair logits = rand(rows * classes, 3), d = rand(rows * classes, 1);
        float lc = cpu.softmaxCrossEntropy(rows, classes, logits.c, 0, tg[0], 0, d.c, 0);
        float lg = gpu.softmaxCrossEntropy(rows, classes, logits.g, 0, tg[1], 0, d.g, 0);
        assertEquals(lc, lg, 1e-5 * Math.abs(lc));
        d.assertSame("cross-entropy gradient", 1e-5, 1e-7);
        assertEquals(lc, gpu.softmaxCrossEntropy(rows, classes, logits.g, 0, tg[1], 0, null, 0), 1e-5 * Math.abs(lc));
        t[5] = classes;
        IntBuf[] bad = ints(t);
        assertThrows(IllegalArgumentException.class, () -> gpu.softmaxCrossEntropy(rows, classes, logits.g, 0, bad[1], 0, d.g, 0));
        Pair pred = rand(999, 1), target = rand(999, 1), dPred = rand(999, 1);
        float mc = cpu.meanSquaredError(999, pred.c, 0, target.c, 0, dPred.c, 0);
        float mg = gpu.meanSquaredError(999, pred.g, 0, target.g, 0, dPred.g, 0);
        assertEquals(mc, mg, 1e-6 * mc);
        dPred.assertSame("mse gradient", 1e-6, 1e-9);
    }

    @Test
    void optimizers() {
        int n = 5000;
        Pair p = rand(n, 1), g = rand(n, 1), m = rand(n, 0.1f), v = positive(n), buf = rand(n, 1);
        both(be -> be.sgdStep(n, p.on(be), g.on(be), buf.on(be), 0.1f, 0.9f, 0.1f, 0.01f, true, false));
        p.assertSame("sgd nesterov p", 1e-6, 1e-7);
        buf.assertSame("sgd momentum buffer", 1e-6, 1e-7);
        both(be -> be.sgdStep(n, p.on(be), g.on(be), null, 0.1f, 0f, 0f, 0f, false, true));
        p.assertSame("plain sgd", 1e-6, 1e-7);
        for (boolean decoupled : new boolean[] {false, true}) {
            both(be -> be.adamStep(n, p.on(be), g.on(be), m.on(be), v.on(be), 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 3));
            p.assertSame("adam p decoupled=" + decoupled, 1e-6, 1e-7);
            m.assertSame("adam m", 1e-6, 1e-9);
            v.assertSame("adam v", 1e-6, 1e-9);
        }
    }

    @Test
    void fusedStatisticsClipAndHistogramsAcrossManySegments() {
        int[] sizes = {0, 1, 8191, 8192, 8193, 40000, 3, 70001};
        int[] offsets = new int[sizes.length];
        int sum = 0;
        for (int i = 0; i < sizes.length; i++) {
            offsets[i] = sum;
            sum += sizes[i];
        }
        final int total = sum;
        float[] host = new float[total];
        for (int i = 0; i < total; i++) host[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 6));
        host[offsets[2] + 17] = Float.NaN;
        host[offsets[3] + 5] = Float.POSITIVE_INFINITY;
        host[offsets[5] + 9] = Float.NEGATIVE_INFINITY;
        host[offsets[7] + 3] = 0f;
        host[offsets[7] + 4] = 1e-30f;
        host[offsets[7] + 5] = -3e5f;
        Pair x = new Pair(host);
        int[] rowOf = {0, 1, 1, 2, 2, 0, 1, 2};
        float[] scale = {1f, 0.5f, 1f, 2f, 0.25f, 1f, 3f, 0.1f};
        for (float[] sc : new float[][] {null, scale}) {
            int s = sizes.length;
            double[][] sq = new double[2][s], ab = new double[2][s], mx = new double[2][s];
            long[][] bad = new long[2][s], hist = new long[2][3 * HistogramBins.WIDTH];
            cpu.segmentStats(x.c, offsets, sizes, sc, sq[0], ab[0], mx[0], bad[0], rowOf, hist[0]);
            gpu.segmentStats(x.g, offsets, sizes, sc, sq[1], ab[1], mx[1], bad[1], rowOf, hist[1]);
            gpu.collect();
            for (int i = 0; i < s; i++) {
                assertClose(sq[0][i], sq[1][i], "sumSq " + i);
                assertClose(ab[0][i], ab[1][i], "sumAbs " + i);
                assertEquals(mx[0][i], mx[1][i], "maxAbs " + i);
            }
            assertArrayEquals(bad[0], bad[1], "non-finite counts");
            assertArrayEquals(hist[0], hist[1], "histogram counts");
            x.assertSame("scaled in the same pass", 0, 0);
        }
        // the same call again: the device histogram accumulators were reset by the last block
        long[] again = new long[3 * HistogramBins.WIDTH];
        double[] d = new double[sizes.length];
        long[] b = new long[sizes.length];
        gpu.segmentStats(x.g, offsets, sizes, null, d, d.clone(), d.clone(), b, rowOf, again);
        long[] ref = new long[again.length];
        cpu.segmentStats(x.c, offsets, sizes, null, d.clone(), d.clone(), d.clone(), b.clone(), rowOf, ref);

        // queued behind the statistics above: one collect brings both back, each into its own arrays
        double[][] nA = new double[2][sizes.length], nD = new double[2][sizes.length];
        Pair other = rand(total, 1);
        cpu.segmentNormsAndDiff(x.c, other.c, offsets, sizes, nA[0], nD[0]);
        gpu.segmentNormsAndDiff(x.g, other.g, offsets, sizes, nA[1], nD[1]);
        gpu.collect();
        assertArrayEquals(ref, again);
        for (int i = 0; i < sizes.length; i++) {
            assertClose(nA[0][i], nA[1][i], "norm " + i);
            assertClose(nD[0][i], nD[1][i], "diff " + i);
        }
        Pair y = rand(total, 1);
        both(be -> be.scaleSegments(y.on(be), offsets, sizes, scale));
        y.assertSame("scaleSegments", 0, 0);
        both(be -> be.clampValues(y.on(be), 10, total - 20, 0.3f));
        y.assertSame("clampValues", 0, 0);
    }

    @Test
    void rowNormsAndRowScaling() {
        // AGC's units: the rows of a 77×131 matrix, one 1000-long vector (longer than a block), an empty row
        // and three 1-wide rows, as one table
        int rows = 77, cols = 131, n = rows + 1 + 1 + 3;
        int[] start = new int[n], len = new int[n];
        for (int r = 0; r < rows; r++) {
            start[r] = 4 + r * cols;
            len[r] = cols;
        }
        int tail = 4 + rows * cols;
        start[rows] = tail;
        len[rows] = 1000;
        start[rows + 1] = tail + 1000;
        for (int r = rows + 2; r < n; r++) {
            start[r] = tail + 1000 + (r - rows - 2);
            len[r] = 1;
        }
        Pair x = rand(tail + 1003, 1), w = rand(tail + 1003, 2);
        double[][] gA = new double[2][n], gB = new double[2][n], only = new double[2][n];
        cpu.rowSumSquares(x.c, w.c, start, len, gA[0], gB[0]);
        cpu.rowSumSquares(w.c, null, start, len, only[0], null);
        gpu.rowSumSquares(x.g, w.g, start, len, gA[1], gB[1]);
        gpu.rowSumSquares(w.g, null, start, len, only[1], null);
        gpu.collect();
        for (int r = 0; r < n; r++) {
            assertClose(gA[0][r], gA[1][r], "row " + r + " of a");
            assertClose(gB[0][r], gB[1][r], "row " + r + " of b");
            assertClose(only[0][r], only[1][r], "row " + r + " of b alone");
        }
        assertEquals(0.0, gA[1][rows + 1], "the empty row");
        float[] f = new float[n];
        for (int i = 0; i < f.length; i++) f[i] = rnd.nextFloat();
        both(be -> be.scaleRows(x.on(be), start, len, f));
        x.assertSame("scaleRows", 0, 0);
    }

    @Test
    void deterministicReruns() {
        Pair x = rand(100_000, 1);
        int[] off = {0, 50_000}, size = {50_000, 50_000};
        double[] s1 = new double[2], s2 = new double[2], t = new double[2];
        long[] nf = new long[2];
        gpu.segmentStats(x.g, off, size, null, s1, t, t.clone(), nf, null, null);
        gpu.segmentStats(x.g, off, size, null, s2, t, t.clone(), nf, null, null);
        gpu.collect();
        assertArrayEquals(s1, s2, "bit-identical sums");
        assertTrue(gpu.name().startsWith("cuda"));
    }

    static void assertClose(double expected, double actual, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        assertEquals(expected, actual, 1e-9 * Math.abs(expected) + 1e-30, what);
    }
}
