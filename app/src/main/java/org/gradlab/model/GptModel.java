package org.gradlab.model;

import org.gradlab.engine.Backend;
import org.gradlab.engine.Buf;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.IntBuf;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamStore;
import org.gradlab.engine.ParamTensor;

/**
 * The tiny GPT of the golden fixtures: tok_emb + pos_emb → blocks → ln_f → head → cross-entropy over every
 * token. Rows are batch-first (b*T + t) because attention works on one sequence's T rows at a time.
 */
public final class GptModel implements Model {
    private final GptConfig cfg;
    private final Backend be;
    private final ParamStore store;
    private final ParamTensor tok, pos;
    private final GptBlock[] blocks;
    private final LayerNorm lnF;
    private final Linear head;
    private final int rows;
    private final IntBuf ids, posIds, targetIds;
    private final Buf[] xs;
    private final Buf lnOut, logits, dLogits, dLn, dStream;
    private final float[] hostOut;
    private final float[] lossSlot = new float[1];

    public GptModel(Backend backend, GptConfig cfg) {
        this.cfg = cfg;
        this.be = backend;
        ParamLayout.Builder lb = new ParamLayout.Builder();
        int d = cfg.dim();
        rows = cfg.batch() * cfg.seq();
        tok = lb.add("tok_emb.weight", "tok_emb", InitRule.normal(1.0), cfg.vocab(), d);
        pos = lb.add("pos_emb.weight", "pos_emb", InitRule.normal(1.0), cfg.blockSize(), d);
        blocks = new GptBlock[cfg.layers()];
        for (int i = 0; i < blocks.length; i++) blocks[i] = new GptBlock(lb, i, cfg);
        lnF = new LayerNorm(lb, "ln_f", "ln_f", d, rows, cfg.lnEps());
        head = new Linear(lb, "head", "head", d, cfg.vocab());
        store = new ParamStore(backend, lb.build());
        for (GptBlock b : blocks) b.bind(store);
        lnF.bind(store);
        head.bind(store);

        ids = be.allocInt(rows);
        targetIds = be.allocInt(rows);
        posIds = be.allocInt(rows);
        int[] p = new int[rows];
        for (int r = 0; r < rows; r++) p[r] = r % cfg.seq();
        be.uploadInt(p, 0, posIds, 0, rows);
        xs = new Buf[blocks.length + 1];
        for (int i = 0; i < xs.length; i++) xs[i] = be.alloc(rows * d);
        lnOut = be.alloc(rows * d);
        logits = be.alloc(rows * cfg.vocab());
        dLogits = be.alloc(rows * cfg.vocab());
        dLn = be.alloc(rows * d);
        dStream = be.alloc(rows * d);
        hostOut = new float[rows * cfg.vocab()];
    }

    public GptConfig config() { return cfg; }
    @Override public ParamStore params() { return store; }
    @Override public int batch() { return cfg.batch(); }
    @Override public int seq() { return cfg.seq(); }
    @Override public int outputWidth() { return cfg.vocab(); }

    @Override
    public void load(float[] features, int[] tokens, float[] targets, int[] tgtIds) {
        if (tokens == null || tokens.length != rows) throw new IllegalArgumentException("tokens: expected " + rows + " ids");
        if (tgtIds == null || tgtIds.length != rows) throw new IllegalArgumentException("target ids: expected " + rows + " ids");
        for (int id : tokens) {
            if (id < 0 || id >= cfg.vocab()) throw new IllegalArgumentException("token " + id + " outside vocabulary " + cfg.vocab());
        }
        be.uploadInt(tokens, 0, ids, 0, rows);
        be.uploadInt(tgtIds, 0, targetIds, 0, rows);
    }

    /** Queues the forward pass; its loss lands in lossSlot at the backend's next collect. */
    private void runForward(boolean withGrad) {
        int d = cfg.dim();
        be.embeddingForward(ids, 0, rows, store.params(), tok.offset(), d, xs[0], 0, false);
        be.embeddingForward(posIds, 0, rows, store.params(), pos.offset(), d, xs[0], 0, true);
        for (int i = 0; i < blocks.length; i++) blocks[i].forward(xs[i], xs[i + 1]);
        lnF.forward(xs[blocks.length], 0, lnOut, 0);
        head.forward(lnOut, 0, rows, logits, 0);
        be.queueSoftmaxCrossEntropy(rows, cfg.vocab(), logits, 0, targetIds, 0, withGrad ? dLogits : null, 0, lossSlot);
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
        int d = cfg.dim();
        head.backward(lnOut, 0, rows, dLogits, 0, dLn, 0, false);
        be.fill(dStream, 0, rows * d, 0f);
        lnF.backward(xs[blocks.length], 0, dLn, 0, dStream, 0);
        for (int i = blocks.length - 1; i >= 0; i--) blocks[i].backward(xs[i], dStream);
        be.embeddingBackward(ids, 0, rows, dStream, 0, d, cfg.vocab(), store.grads(), tok.offset());
        be.embeddingBackward(posIds, 0, rows, dStream, 0, d, cfg.blockSize(), store.grads(), pos.offset());
    }

    @Override
    public float[] outputs() {
        be.download(logits, 0, hostOut, 0, hostOut.length);
        return hostOut.clone();
    }
}
