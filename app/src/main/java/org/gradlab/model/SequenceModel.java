package org.gradlab.model;

import org.gradlab.engine.Backend;
import org.gradlab.engine.Buf;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.IntBuf;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamStore;
import org.gradlab.engine.ParamTensor;

/**
 * Embedding or float input → stacked tanh-RNN/LSTM/GRU → linear head, with PyTorch names
 * ({@code emb.weight}, {@code rnn.weight_ih_l0} …, {@code head.weight}) so PyTorch weights load as they are.
 * Inputs are reordered to time-major on load; losses are means over rows, so the order does not matter.
 */
public final class SequenceModel implements Model {
    private final SequenceModelConfig cfg;
    private final ParamStore store;
    private final ParamTensor emb;
    private final RecurrentLayer[] layers;
    private final Linear head;
    private final Backend be;
    private final IntBuf tokens, targetIds;
    private final Buf inputs, targets, out, dOut, outputGrads;
    private final float[] hostIn, hostTargets, hostOut, hostOutBatchFirst;
    private final float[] lossSlot = new float[1];
    private final int[] hostTokens, hostTargetIds;
    private final int headRows;
    private int[] timeOffsets, timeSizes;
    /** Where the next backward's Σ (∂L/∂h_t)² go ({@link #measureTimeGradients}), null when not asked. */
    private double[] timeSumSq;

    public SequenceModel(Backend backend, SequenceModelConfig cfg) {
        this.cfg = cfg;
        this.be = backend;
        ParamLayout.Builder lb = new ParamLayout.Builder();
        int b = cfg.batch(), t = cfg.seq();
        emb = cfg.tokens() ? lb.add("emb.weight", "emb", InitRule.normal(1.0), cfg.vocab(), cfg.embed()) : null;
        layers = new RecurrentLayer[cfg.layers()];
        int in = cfg.tokens() ? cfg.embed() : cfg.inputSize();
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new RecurrentLayer(lb, "rnn", "rnn.l" + l, l, cfg.cell(), l == 0 ? in : cfg.hidden(),
                    cfg.hidden(), b, t);
        }
        head = new Linear(lb, "head", "head", cfg.hidden(), cfg.outputs());
        store = new ParamStore(backend, lb.build());
        // every layer's output gradient in one buffer: the gradient through time of all layers is one pass
        int grad = b * t * cfg.hidden();
        outputGrads = be.alloc(layers.length * grad);
        for (int l = 0; l < layers.length; l++) layers[l].bind(store, outputGrads, l * grad);
        head.bind(store);

        int rows = b * t;
        headRows = cfg.everyStep() ? rows : b;
        tokens = cfg.tokens() ? be.allocInt(rows) : null;
        hostTokens = cfg.tokens() ? new int[rows] : null;
        inputs = be.alloc(rows * in);
        hostIn = cfg.tokens() ? null : new float[rows * in];
        boolean classes = cfg.loss() == LossKind.CROSS_ENTROPY;
        targetIds = classes ? be.allocInt(headRows) : null;
        hostTargetIds = classes ? new int[headRows] : null;
        targets = classes ? null : be.alloc(headRows * cfg.outputs());
        hostTargets = classes ? null : new float[headRows * cfg.outputs()];
        out = be.alloc(headRows * cfg.outputs());
        dOut = be.alloc(headRows * cfg.outputs());
        hostOut = new float[headRows * cfg.outputs()];
        hostOutBatchFirst = new float[headRows * cfg.outputs()];
    }

    /**
     * Adds Pascanu et al.'s regulariser with weight α to every layer's recurrent-weight gradient (see
     * {@link PascanuRegulariser}); vanilla RNNs only.
     */
    public void regularise(double alpha) {
        for (RecurrentLayer l : layers) l.regularise(alpha);
    }

    /** Ω summed over the layers at the last backward pass; NaN without the regulariser. */
    public double omega() {
        double sum = 0;
        for (RecurrentLayer l : layers) sum += l.omega();
        return sum;
    }

    public SequenceModelConfig config() { return cfg; }
    @Override public ParamStore params() { return store; }
    @Override public int batch() { return cfg.batch(); }
    @Override public int seq() { return cfg.seq(); }
    @Override public int outputWidth() { return cfg.outputs(); }

    /** Row of batch element b at step t in time-major order. */
    private int tm(int b, int t) {
        return t * cfg.batch() + b;
    }

    @Override
    public void load(float[] features, int[] toks, float[] tgt, int[] tgtIds) {
        int bsz = cfg.batch(), t = cfg.seq();
        if (cfg.tokens()) {
            require(toks, bsz * t, "tokens");
            for (int b = 0; b < bsz; b++) {
                for (int s = 0; s < t; s++) {
                    int id = toks[b * t + s];
                    if (id < 0 || id >= cfg.vocab()) throw new IllegalArgumentException("token " + id + " outside vocabulary " + cfg.vocab());
                    hostTokens[tm(b, s)] = id;
                }
            }
            be.uploadInt(hostTokens, 0, tokens, 0, hostTokens.length);
        } else {
            int in = cfg.inputSize();
            require(features, bsz * t * in, "features");
            for (int b = 0; b < bsz; b++)
                for (int s = 0; s < t; s++)
                    System.arraycopy(features, (b * t + s) * in, hostIn, tm(b, s) * in, in);
            be.upload(hostIn, 0, inputs, 0, hostIn.length);
        }
        if (cfg.loss() == LossKind.CROSS_ENTROPY) {
            require(tgtIds, headRows, "target ids");
            if (cfg.everyStep()) {
                for (int b = 0; b < bsz; b++) for (int s = 0; s < t; s++) hostTargetIds[tm(b, s)] = tgtIds[b * t + s];
            } else {
                System.arraycopy(tgtIds, 0, hostTargetIds, 0, headRows);
            }
            be.uploadInt(hostTargetIds, 0, targetIds, 0, headRows);
        } else {
            int o = cfg.outputs();
            require(tgt, headRows * o, "targets");
            if (cfg.everyStep()) {
                for (int b = 0; b < bsz; b++)
                    for (int s = 0; s < t; s++) System.arraycopy(tgt, (b * t + s) * o, hostTargets, tm(b, s) * o, o);
            } else {
                System.arraycopy(tgt, 0, hostTargets, 0, headRows * o);
            }
            be.upload(hostTargets, 0, targets, 0, hostTargets.length);
        }
    }

    private static void require(Object a, int n, String what) {
        int len = a == null ? -1 : a instanceof int[] i ? i.length : ((float[]) a).length;
        if (len != n) throw new IllegalArgumentException(what + ": expected " + n + " values, got " + (len < 0 ? "none" : len));
    }

    /** Queues the forward pass; its loss lands in lossSlot at the backend's next collect. */
    private void runForward(boolean withGrad) {
        int rows = cfg.batch() * cfg.seq();
        if (cfg.tokens()) be.embeddingForward(tokens, 0, rows, store.params(), emb.offset(), cfg.embed(), inputs, 0, false);
        Buf x = inputs;
        int xOff = 0;
        for (RecurrentLayer l : layers) {
            l.forward(x, xOff);
            x = l.outputs();
            xOff = l.outputOffset();
        }
        int headOff = cfg.everyStep() ? xOff : xOff + (cfg.seq() - 1) * cfg.batch() * cfg.hidden();
        head.forward(x, headOff, headRows, out, 0);
        Buf d = withGrad ? dOut : null;
        if (cfg.loss() == LossKind.CROSS_ENTROPY) {
            be.queueSoftmaxCrossEntropy(headRows, cfg.outputs(), out, 0, targetIds, 0, d, 0, lossSlot);
        } else {
            be.queueMeanSquaredError(headRows * cfg.outputs(), out, 0, targets, 0, d, 0, lossSlot);
        }
    }

    @Override
    public void queueForward() {
        runForward(false);
    }

    @Override
    public float loss() {
        return lossSlot[0];
    }

    @Override
    public void queueForwardBackward() {
        store.zeroGrads();
        runForward(true);
        int bsz = cfg.batch(), hid = cfg.hidden();
        RecurrentLayer top = layers[layers.length - 1];
        Buf dTop = top.outputGrad();
        int topOff = top.outputGradOffset();
        if (cfg.everyStep()) {
            head.backward(top.outputs(), top.outputOffset(), headRows, dOut, 0, dTop, topOff, false);
        } else {
            // the steps before the last are left as they are: the top layer's backward takes them as zero
            int last = (cfg.seq() - 1) * bsz * hid;
            head.backward(top.outputs(), top.outputOffset() + last, headRows, dOut, 0, dTop, topOff + last, false);
        }
        boolean unmeasured = false;
        for (int l = layers.length - 1; l >= 0; l--) {
            boolean first = l == 0;
            Buf x = first ? inputs : layers[l - 1].outputs();
            int xOff = first ? 0 : layers[l - 1].outputOffset();
            Buf dx = first ? (cfg.tokens() ? inputs : null) : layers[l - 1].outputGrad();
            int dxOff = first ? 0 : layers[l - 1].outputGradOffset();
            // the first layer's input is no longer needed once its weight gradient is taken, so the
            // embedding gradient reuses the input buffer
            boolean fromLast = !cfg.everyStep() && l == layers.length - 1;
            if (!layers[l].backward(x, xOff, dx, dxOff, timeSumSq, l * cfg.seq(), fromLast)) unmeasured = true;
        }
        if (timeSumSq != null && unmeasured) measureOutputGrads(timeSumSq);
        timeSumSq = null;
        if (cfg.tokens()) {
            be.embeddingBackward(tokens, 0, bsz * cfg.seq(), inputs, 0, cfg.embed(), cfg.vocab(), store.grads(),
                    emb.offset());
        }
    }

    @Override
    public int timeGradientCount() {
        return layers.length * cfg.seq();
    }

    @Override
    public void measureTimeGradients(double[] sumSq) {
        if (sumSq.length != timeGradientCount()) throw new IllegalArgumentException("time gradients: " + sumSq.length
                + " sums for " + timeGradientCount() + " layer steps");
        timeSumSq = sumSq;
    }

    /** Every layer's steps in one pass over the output gradients, for a backend whose recurrence did not take them. */
    private void measureOutputGrads(double[] sumSq) {
        if (timeOffsets == null) {
            // layer-major: segment l·T + t is layer l's output gradient at step t + 1
            int n = layers.length * cfg.seq(), blk = cfg.batch() * cfg.hidden();
            timeOffsets = new int[n];
            timeSizes = new int[n];
            for (int s = 0; s < n; s++) {
                timeOffsets[s] = s * blk;
                timeSizes[s] = blk;
            }
        }
        be.timeGradientSums(outputGrads, timeOffsets, timeSizes, cfg.hidden(), sumSq);
    }

    @Override
    public float[] outputs() {
        be.download(out, 0, hostOut, 0, hostOut.length);
        if (!cfg.everyStep()) return hostOut.clone();
        int o = cfg.outputs(), bsz = cfg.batch(), t = cfg.seq();
        for (int b = 0; b < bsz; b++)
            for (int s = 0; s < t; s++) System.arraycopy(hostOut, tm(b, s) * o, hostOutBatchFirst, (b * t + s) * o, o);
        return hostOutBatchFirst.clone();
    }
}
