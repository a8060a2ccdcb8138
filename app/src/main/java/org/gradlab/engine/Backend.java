package org.gradlab.engine;

/**
 * The kernels a model step is made of, over backend-owned buffers addressed by (buffer, offset).
 * Layers call only these; the CPU backend runs them in Java, a CUDA backend runs each as a kernel
 * (every CUDA kernel has its CPU twin here). All matrices are row-major fp32.
 */
public interface Backend extends AutoCloseable {
    String name();

    Buf alloc(int n);
    IntBuf allocInt(int n);
    void upload(float[] src, int srcOff, Buf dst, int dstOff, int n);
    void download(Buf src, int srcOff, float[] dst, int dstOff, int n);
    void uploadInt(int[] src, int srcOff, IntBuf dst, int dstOff, int n);
    void fill(Buf dst, int off, int n, float value);
    void copy(Buf src, int srcOff, Buf dst, int dstOff, int n);
    /** dst[i] += src[i]. */
    void addInPlace(Buf src, int srcOff, Buf dst, int dstOff, int n);

    /**
     * C[M,N] = (accumulate ? C : 0) + A·B, where A(i,k) = A[aOff + i*ars + k*acs] (so a transposed A is just
     * other strides) and B is row-major [K,N] with leading dimension ldb.
     */
    void gemm(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb,
              Buf c, int cOff, int ldc, boolean accumulate);
    /**
     * C[M,N] = A·B + bias, bias[j] added to every row (a Linear layer's forward in one pass): the same floats
     * as {@link #gemm} without accumulate followed by {@link #addBias}.
     */
    void gemmBias(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb, Buf c, int cOff,
                  int ldc, Buf bias, int biasOff);
    /**
     * B [k, n] (row-major, leading dimension n) into `packed` (k·n floats) laid out for {@link #gemmPacked}: a
     * matrix that many products read in turn — a recurrent layer's W_hhᵀ once per forward, its W_hh once per backward.
     * The default keeps B's own layout; the CPU packs B's strips once, where each step's product read B in place
     * (at hidden 1024 a 16 MB weight, its rows 16 KB apart: 63 against 105–113 GFLOP/s per step, two cores).
     */
    default void packForProducts(int k, int n, Buf b, int bOff, Buf packed) {
        copy(b, bOff, packed, 0, k * n);
    }

    /**
     * {@link #packForProducts} of B = Wᵀ [k, n] for a W [n, k] (row-major, from wOff): a layer's weight as its
     * forward product reads it, laid out without a transposed copy first. The default is the transpose (B's own
     * layout, as packForProducts' default keeps it).
     */
    default void packTransposedForProducts(int k, int n, Buf w, int wOff, Buf packed) {
        transpose(w, wOff, n, k, packed, 0);
    }

    /** {@link #gemm} with B from {@link #packForProducts}: the same floats. */
    default void gemmPacked(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf packed, Buf c, int cOff, int ldc,
                            boolean accumulate) {
        gemm(m, n, k, a, aOff, ars, acs, packed, 0, n, c, cOff, ldc, accumulate);
    }

    /**
     * {@link #gemm} with a transposed A (ars 1: A(i, p) at aOff + i + p·acs), and sums[sumsOff + i] += Σ_p A(i, p) in p
     * order: a weight gradient Gᵀ·X and the bias gradient {@link #columnSums} takes of the same G, the same bits. The
     * CPU adds the sums as it reads each block of A for the product, instead of a pass of its own over G.
     */
    default void gemmRowSums(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb, Buf c,
                             int cOff, int ldc, boolean accumulate, Buf sums, int sumsOff) {
        if (ars != 1) throw new IllegalArgumentException("gemmRowSums takes a transposed A (ars 1), not ars " + ars);
        gemm(m, n, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate);
        columnSums(a, aOff, k, m, acs, sums, sumsOff);
    }

    /** {@link #gemmBias} with B from {@link #packForProducts}: the same floats. */
    default void gemmBiasPacked(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf packed, Buf c, int cOff, int ldc,
                                Buf bias, int biasOff) {
        gemmBias(m, n, k, a, aOff, ars, acs, packed, 0, n, c, cOff, ldc, bias, biasOff);
    }

    /**
     * {@link #gemmBiasPacked} into C (m × n, ldc = n), then out = gelu(C) as {@link #geluForward} over its m·n values:
     * the same bits, in one call where a backend takes GELU of C's tiles as they are finished.
     */
    default void gemmBiasPackedGelu(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf packed, Buf c, int cOff,
                                    Buf bias, int biasOff, Buf out, int outOff, boolean tanhApprox) {
        gemmBiasPacked(m, n, k, a, aOff, ars, acs, packed, c, cOff, n, bias, biasOff);
        geluForward(m * n, c, cOff, out, outOff, tanhApprox);
    }

    /**
     * dx (m × n, ldc = n) = A·B, then dx ⊙= gelu'(x) in place as {@link #geluBackward} over its m·n values: the same
     * bits, in one call where a backend takes GELU's backward of dx's tiles as they are finished.
     */
    default void gemmGeluBackward(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb,
                                  Buf x, int xOff, Buf dx, int dxOff, boolean tanhApprox) {
        gemm(m, n, k, a, aOff, ars, acs, b, bOff, ldb, dx, dxOff, n, false);
        geluBackward(m * n, x, xOff, dx, dxOff, dx, dxOff, tanhApprox);
    }

    /**
     * {@link #gemmBiasPackedGelu} for a GELU whose backward is {@link #gemmGeluBackwardSaved}: out gets the same bits,
     * and C is left as that backward reads it, which a backend may make something other than the pre-activation (the
     * CPU keeps GELU's slope where it takes the vector formula, so the backward multiplies where it would take exp
     * and erf again). The default leaves the pre-activation.
     */
    default void gemmBiasPackedGeluSaved(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf packed, Buf c, int cOff,
                                         Buf bias, int biasOff, Buf out, int outOff, boolean tanhApprox) {
        gemmBiasPackedGelu(m, n, k, a, aOff, ars, acs, packed, c, cOff, bias, biasOff, out, outOff, tanhApprox);
    }

    /** {@link #gemmGeluBackward} with x as {@link #gemmBiasPackedGeluSaved} left it: the same bits. */
    default void gemmGeluBackwardSaved(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf b, int bOff, int ldb,
                                       Buf saved, int savedOff, Buf dx, int dxOff, boolean tanhApprox) {
        gemmGeluBackward(m, n, k, a, aOff, ars, acs, b, bOff, ldb, saved, savedOff, dx, dxOff, tanhApprox);
    }

    /**
     * {@link #gemmBiasPacked} into C (m × n, ldc = n), then C += residual as {@link #addInPlace}: the same bits, in one
     * call where a backend adds the residual to C's tiles as they are finished.
     */
    default void gemmBiasPackedResidual(int m, int n, int k, Buf a, int aOff, int ars, int acs, Buf packed, Buf c,
                                        int cOff, Buf bias, int biasOff, Buf residual, int resOff) {
        gemmBiasPacked(m, n, k, a, aOff, ars, acs, packed, c, cOff, n, bias, biasOff);
        addInPlace(residual, resOff, c, cOff, m * n);
    }

    /** dst[cols,rows] = src[rows,cols]ᵀ. */
    void transpose(Buf src, int srcOff, int rows, int cols, Buf dst, int dstOff);
    /** C[i,j] += bias[j] for M rows of N columns (leading dimension ldc). */
    void addBias(Buf c, int cOff, int m, int n, int ldc, Buf bias, int biasOff);
    /** dst[j] += Σ_i A[i,j] over M rows of N columns: the bias gradient. */
    void columnSums(Buf a, int aOff, int m, int n, int lda, Buf dst, int dstOff);

    // ---- embeddings
    /** out[r,:] = (accumulate ? out[r,:] : 0) + table[ids[r],:]. */
    void embeddingForward(IntBuf ids, int idsOff, int rows, Buf table, int tableOff, int dim, Buf out, int outOff,
                          boolean accumulate);
    /** table grad[ids[r],:] += dOut[r,:] for a table of `vocab` rows (every id in [0, vocab)). */
    void embeddingBackward(IntBuf ids, int idsOff, int rows, Buf dOut, int dOutOff, int dim, int vocab, Buf dTable,
                           int dTableOff);

    // ---- recurrent cells (time-major blocks of `batch` rows; gate pre-activations already include biases)
    void rnnTanhForward(int batch, int hidden, Buf xg, int xgOff, Buf hg, int hgOff, Buf h, int hOff);
    /** dPre = dh ⊙ (1 − h²). */
    void rnnTanhBackward(int batch, int hidden, Buf h, int hOff, Buf dh, int dhOff, Buf dPre, int dPreOff);

    /** Sigmoid RNN step (Pascanu et al.'s "sigmoid" network): h = σ(xg + hg). */
    void rnnSigmoidForward(int batch, int hidden, Buf xg, int xgOff, Buf hg, int hgOff, Buf h, int hOff);

    /** dPre = dh ⊙ h(1 − h). */
    void rnnSigmoidBackward(int batch, int hidden, Buf h, int hOff, Buf dh, int dhOff, Buf dPre, int dPreOff);

    /**
     * A single-gate RNN's whole forward (tanh, or sigmoid when `sigmoid`), h_0 already in h[0, B·H): the input
     * projection xg = x·W_ihᵀ + b_ih of all T·B rows of x ([T·B, in], time-major, from xOff), then for t = 0..T−1
     * hg_t = h_t·W_hhᵀ + b_hh and h_{t+1} = act(xg_t + hg_t). wihT and whhT are the weights transposed ([in, H],
     * [H, H]); the biases are at bihOff and bhhOff in `bias`; xg and hg are scratch of T·B·H. The default is one GEMM
     * and then the per-step calls ({@link RecurrenceSteps}); a backend may run the whole loop in one call, with the
     * same arithmetic per element (recorded runs replay bit for bit either way).
     */
    default void rnnSequenceForward(boolean sigmoid, int seq, int batch, int in, int hidden, Buf x, int xOff, Buf wihT,
                                    Buf whhT, Buf bias, int bihOff, int bhhOff, Buf xg, Buf hg, Buf h) {
        RecurrenceSteps.forward(this, sigmoid, seq, batch, in, hidden, x, xOff, wihT, whhT, bias, bihOff, bhhOff, xg, hg, h);
    }

    /**
     * The matching backward through time: for t = T−1..0, dPre_t = dH_t ⊙ act'(h_{t+1}), then (t > 0)
     * dH_{t−1} += dPre_t·W_hh. dH (from dHOff, T·B·H) holds the output gradients and is updated in place.
     */
    default void rnnSequenceBackward(boolean sigmoid, int seq, int batch, int hidden, Buf whh, int whhOff, Buf h,
                                     Buf dH, int dHOff, Buf dPre) {
        RecurrenceSteps.backward(this, sigmoid, seq, batch, hidden, whh, whhOff, h, dH, dHOff, dPre);
    }

    /**
     * As {@link #rnnSequenceBackward(boolean, int, int, int, Buf, int, Buf, Buf, int, Buf)}, and where this backend
     * can take them in the loop, Σ dH_t² over the batch and units of each step's final output gradient into
     * stepSumSq[stepOff + t] (by the next collect), with the bits {@link #timeGradientSums} gives that step's
     * segment. Returns whether it did; if not (the default, and always when stepSumSq is null), the caller measures dH
     * after.
     */
    default boolean rnnSequenceBackward(boolean sigmoid, int seq, int batch, int hidden, Buf whh, int whhOff, Buf h,
                                        Buf dH, int dHOff, Buf dPre, double[] stepSumSq, int stepOff) {
        rnnSequenceBackward(sigmoid, seq, batch, hidden, whh, whhOff, h, dH, dHOff, dPre);
        return false;
    }

    /**
     * As {@link #rnnSequenceBackward(boolean, int, int, int, Buf, int, Buf, Buf, int, Buf, double[], int)} for a loss
     * on the sequence's last step only: dH holds that step's output gradient, and every step before it is taken as
     * zero whatever dH holds there (and overwritten). The default zeroes them first; a backend may instead write
     * those steps' products without adding to them, the same bits.
     */
    default boolean rnnSequenceBackwardFromLast(boolean sigmoid, int seq, int batch, int hidden, Buf whh, int whhOff,
                                                Buf h, Buf dH, int dHOff, Buf dPre, double[] stepSumSq, int stepOff) {
        fill(dH, dHOff, (seq - 1) * batch * hidden, 0f);
        return rnnSequenceBackward(sigmoid, seq, batch, hidden, whh, whhOff, h, dH, dHOff, dPre, stepSumSq, stepOff);
    }

    /**
     * Whether {@link #lstmForward} and {@link #gruForward} may be given their gates at the same place as xg, the
     * input projection they read (a recurrent layer then keeps one buffer for both, as xg is not needed after the
     * step): each unit's pre-activations are read before its gates are written. The CPU's cells allow it — and a
     * step's gates then land on cache lines the step has just read instead of fetching a second buffer's (an LSTM
     * anchor step 2–8% faster, medians of alternating steps in one JVM); the CUDA kernels read xg through a
     * restrict pointer, so there the two stay apart.
     */
    default boolean cellGatesOverInput() {
        return false;
    }

    /**
     * An LSTM's (or, when !lstm, a GRU's) recurrence after its input projection xg: for t = 0..T−1, hg_t = h_t·W_hhᵀ
     * + b_hh (W_hhᵀ [H, G] from {@link #packForProducts}, b_hh at bhhOff in `bias`), then the step's cell into gates,
     * c (LSTM) and h_{t+1}; h_0 (and c_0) already in hs (cs). The default is the per-step calls ({@link GatedSteps});
     * a backend may run the whole loop in one call with the same arithmetic per element. A GRU's hg holds every hg_t
     * afterwards (its backward reads them); an LSTM's is scratch that a backend may leave unwritten.
     */
    default void gatedSequenceForward(boolean lstm, int seq, int batch, int hidden, Buf whhTPacked, Buf bias, int bhhOff,
                                      Buf xg, Buf hg, Buf gates, Buf hs, Buf cs) {
        GatedSteps.forward(this, lstm, seq, batch, hidden, whhTPacked, bias, bhhOff, xg, hg, gates, hs, cs);
    }

    /**
     * The matching backward through time: for t = T−1..0 the cell's backward (dc carried in dc, zero at the start),
     * then (t > 0) dH_{t−1} += dPreH_t·W_hh (W_hh [G, H] from {@link #packForProducts}). An LSTM's dPreH is its dPreX;
     * a GRU's step 0 adds its dh_prev into dSink. dH (from dHOff) holds the output gradients, updated in place.
     */
    default void gatedSequenceBackward(boolean lstm, int seq, int batch, int hidden, Buf whhPacked, Buf gates, Buf hg,
                                       Buf hs, Buf cs, Buf dH, int dHOff, Buf dc, Buf dPreX, Buf dPreH, Buf dSink) {
        GatedSteps.backward(this, lstm, seq, batch, hidden, whhPacked, gates, hg, hs, cs, dH, dHOff, dc, dPreX, dPreH, dSink);
    }

    /**
     * As the call above, and where this backend can take them in the loop, Σ dH_t² over the batch and units of each
     * step's final output gradient into stepSumSq[stepOff + t], with the bits {@link #timeGradientSums} gives that
     * step's segment (as {@link #rnnSequenceBackward(boolean, int, int, int, Buf, int, Buf, Buf, int, Buf, double[], int)}).
     * Returns whether it did; if not (the default, and always when stepSumSq is null), the caller measures dH after.
     */
    default boolean gatedSequenceBackward(boolean lstm, int seq, int batch, int hidden, Buf whhPacked, Buf gates, Buf hg,
                                          Buf hs, Buf cs, Buf dH, int dHOff, Buf dc, Buf dPreX, Buf dPreH, Buf dSink,
                                          double[] stepSumSq, int stepOff) {
        gatedSequenceBackward(lstm, seq, batch, hidden, whhPacked, gates, hg, hs, cs, dH, dHOff, dc, dPreX, dPreH, dSink);
        return false;
    }

    /** gates (activated i,f,g,o) and c, h of one step; PyTorch gate order i,f,g,o. */
    void lstmForward(int batch, int hidden, Buf xg, int xgOff, Buf hg, int hgOff, Buf cPrev, int cPrevOff,
                     Buf gates, int gatesOff, Buf c, int cOff, Buf h, int hOff);
    /** Uses and updates dcCarry (dc flowing to step t−1); writes gate pre-activation grads. */
    void lstmBackward(int batch, int hidden, Buf gates, int gatesOff, Buf c, int cOff, Buf cPrev, int cPrevOff,
                      Buf dh, int dhOff, Buf dcCarry, int dcOff, Buf dPre, int dPreOff);
    /** GRU step (gate order r,z,n): n = tanh(xn + r ⊙ hn); h = (1−z) ⊙ n + z ⊙ hPrev. */
    void gruForward(int batch, int hidden, Buf xg, int xgOff, Buf hg, int hgOff, Buf hPrev, int hPrevOff,
                    Buf gates, int gatesOff, Buf h, int hOff);
    /** Writes pre-activation grads for the input part and the hidden part; adds z ⊙ dh into dhPrev. */
    void gruBackward(int batch, int hidden, Buf gates, int gatesOff, Buf hg, int hgOff, Buf hPrev, int hPrevOff,
                     Buf dh, int dhOff, Buf dPreX, int dPreXOff, Buf dPreH, int dPreHOff, Buf dhPrev, int dhPrevOff);

    // ---- transformer pieces
    /** LayerNorm over rows of width dim; saves mean and rstd per row for the backward. */
    void layerNormForward(int rows, int dim, Buf x, int xOff, Buf w, int wOff, Buf b, int bOff, float eps,
                          Buf out, int outOff, Buf mean, int meanOff, Buf rstd, int rstdOff);
    /** dx += …, dw += …, db += … */
    void layerNormBackward(int rows, int dim, Buf x, int xOff, Buf w, int wOff, Buf mean, int meanOff,
                           Buf rstd, int rstdOff, Buf dOut, int dOutOff, Buf dx, int dxOff, Buf dw, int dwOff,
                           Buf db, int dbOff);
    /** out = gelu(x); exact (erf) or tanh approximation. */
    void geluForward(int n, Buf x, int xOff, Buf out, int outOff, boolean tanhApprox);
    /** dx = dOut ⊙ gelu'(x). */
    void geluBackward(int n, Buf x, int xOff, Buf dOut, int dOutOff, Buf dx, int dxOff, boolean tanhApprox);
    /**
     * Causal multi-head attention over qkv rows [B*T, 3d] (q | k | v, head h in columns h*dh..): writes
     * out [B*T, d] and the softmax probabilities att [B, heads, T, T].
     */
    void attentionForward(int batch, int seq, int dim, int heads, Buf qkv, int qkvOff, Buf att, int attOff,
                          Buf out, int outOff);
    /** dqkv = gradient of the above given dOut (dqkv is overwritten). */
    void attentionBackward(int batch, int seq, int dim, int heads, Buf qkv, int qkvOff, Buf att, int attOff,
                           Buf dOut, int dOutOff, Buf dqkv, int dqkvOff);

    // ---- losses (mean over rows); write the gradient wrt the input scaled by 1/rows
    /**
     * Softmax cross-entropy of `rows` rows against class ids; the mean loss lands in loss[0] by the next
     * {@link #collect()} (a target outside [0, classes) is an IllegalArgumentException, at the latest there).
     */
    void queueSoftmaxCrossEntropy(int rows, int classes, Buf logits, int logitsOff, IntBuf targets, int tOff,
                                  Buf dLogits, int dOff, float[] loss);
    /** Mean squared error over n values; the loss lands in loss[0] by the next {@link #collect()}. */
    void queueMeanSquaredError(int n, Buf pred, int predOff, Buf target, int tOff, Buf dPred, int dOff, float[] loss);

    /** {@link #queueSoftmaxCrossEntropy} and read the loss now. */
    default float softmaxCrossEntropy(int rows, int classes, Buf logits, int logitsOff, IntBuf targets, int tOff,
                                      Buf dLogits, int dOff) {
        float[] loss = new float[1];
        queueSoftmaxCrossEntropy(rows, classes, logits, logitsOff, targets, tOff, dLogits, dOff, loss);
        collect();
        return loss[0];
    }

    /** {@link #queueMeanSquaredError} and read the loss now. */
    default float meanSquaredError(int n, Buf pred, int predOff, Buf target, int tOff, Buf dPred, int dOff) {
        float[] loss = new float[1];
        queueMeanSquaredError(n, pred, predOff, target, tOff, dPred, dOff, loss);
        collect();
        return loss[0];
    }

    // ---- optimizers over a flat parameter buffer (PyTorch update formulas)
    void sgdStep(int n, Buf p, Buf g, Buf momentumBuf, float lr, float momentum, float dampening,
                 float weightDecay, boolean nesterov, boolean firstStep);
    void adamStep(int n, Buf p, Buf g, Buf m, Buf v, float lr, float beta1, float beta2, float eps,
                  float weightDecay, boolean decoupled, int step);

    /**
     * Where an update measures the weights it writes (telemetry's weight norms and update ratios): per segment
     * [offsets[i], offsets[i]+sizes[i]), Σp² after the update into sumSq[i] and Σ(p_after − p_before)² into
     * sumSqDiff[i], each difference a float, with {@link #segmentNormsAndDiff}'s figures (by the next collect()).
     * before: a buffer of p's size that a backend may copy the weights into first.
     */
    record UpdateMeasure(Buf before, int[] offsets, int[] sizes, double[] sumSq, double[] sumSqDiff) {}

    /** {@link #sgdStep} that also takes `measure`'s figures (none when it is null). */
    default void sgdStep(int n, Buf p, Buf g, Buf momentumBuf, float lr, float momentum, float dampening,
                         float weightDecay, boolean nesterov, boolean firstStep, UpdateMeasure measure) {
        if (measure != null) copy(p, 0, measure.before(), 0, n);
        sgdStep(n, p, g, momentumBuf, lr, momentum, dampening, weightDecay, nesterov, firstStep);
        if (measure != null) measureUpdate(p, measure);
    }

    /** {@link #adamStep} that also takes `measure`'s figures (none when it is null). */
    default void adamStep(int n, Buf p, Buf g, Buf m, Buf v, float lr, float beta1, float beta2, float eps,
                          float weightDecay, boolean decoupled, int step, UpdateMeasure measure) {
        if (measure != null) copy(p, 0, measure.before(), 0, n);
        adamStep(n, p, g, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
        if (measure != null) measureUpdate(p, measure);
    }

    private void measureUpdate(Buf p, UpdateMeasure w) {
        segmentNormsAndDiff(p, w.before(), w.offsets(), w.sizes(), w.sumSq(), w.sumSqDiff());
    }

    // ---- gradient statistics and clipping over a segment table (one pass over all tensors)
    // Host arrays that receive results (statistics, losses) are filled by the next collect(): a GPU computes
    // them in order with the rest of the step and brings all of them back in one copy. A CPU backend fills
    // them at once.
    /**
     * For each segment [offsets[i], offsets[i]+sizes[i]): Σx², Σ|x|, max|x| (NaN if any NaN) and the number of
     * non-finite values, all in one pass; when scaleFirst != null each segment is first multiplied by
     * scaleFirst[i] in place (clip and measure in one pass); when histogram != null every value is also
     * counted into row rowOf[i] (rows of {@link HistogramBins#WIDTH} counters, zeroed first). The host arrays
     * receive the results by the next {@link #collect()}. Sums do not depend on the number of threads.
     */
    void segmentStats(Buf x, int[] offsets, int[] sizes, float[] scaleFirst, double[] sumSq, double[] sumAbs,
                      double[] maxAbs, long[] nonFinite, int[] rowOf, long[] histogram);
    /** sumSqA[i] = Σ a² and, when sumSqDiff != null, sumSqDiff[i] = Σ (a − b)² over segment i, in one pass (by the next collect()). */
    void segmentNormsAndDiff(Buf a, Buf b, int[] offsets, int[] sizes, double[] sumSqA, double[] sumSqDiff);
    /**
     * sumSq[i] = Σ x² over segment i for a reading kept to float precision (a recurrent layer's ‖∂L/∂h_t‖ per step,
     * recorded as a float; rows of rowLength values, one per batch element): a backend may sum in float where the
     * result is well inside float's range (the CPU does, ~2× faster, in groups of rows it adds in double), and must
     * give the exact {@link #segmentNormsAndDiff} figure's range and non-finite values.
     */
    default void timeGradientSums(Buf x, int[] offsets, int[] sizes, int rowLength, double[] sumSq) {
        segmentNormsAndDiff(x, null, offsets, sizes, sumSq, null);
    }
    /** x[segment i] *= factors[i]. */
    void scaleSegments(Buf x, int[] offsets, int[] sizes, float[] factors);
    /** x = clamp(x, −limit, limit) over [off, off+n); NaN stays NaN. */
    void clampValues(Buf x, int off, int n, float limit);
    /**
     * Row norms of many matrices in one pass: row r is [rowStart[r], rowStart[r] + rowLen[r]); sumSqA[r] = Σ a²
     * and, when b != null, sumSqB[r] = Σ b² over the same elements (by the next collect()).
     */
    void rowSumSquares(Buf a, Buf b, int[] rowStart, int[] rowLen, double[] sumSqA, double[] sumSqB);
    /** Every row of such a table multiplied by factors[r], in one pass. */
    void scaleRows(Buf x, int[] rowStart, int[] rowLen, float[] factors);

    /**
     * Fills every host array handed to a result-producing call since the last collect (one device-to-host
     * copy on a GPU, waiting for the work queued before it); a CPU backend has filled them already.
     */
    default void collect() {}

    /**
     * Runs r once every host array handed to a result-producing call so far has been filled: at once on a CPU
     * backend (or when nothing is waiting), otherwise at the end of the next {@link #collect()}, after those
     * arrays were filled. This lets a step's report ride on the next step's copy instead of a copy of its own.
     */
    default void whenCollected(Runnable r) {
        r.run();
    }

    /** Completes queued work; a CPU backend returns at once. */
    default void synchronize() {}

    /** Counters worth showing next to timings (the CUDA backend: graph replays and plain launches so far); "" if none. */
    default String counters() {
        return "";
    }

    @Override
    void close();
}
