package org.gradlab.model;

import org.gradlab.engine.Backend;
import org.gradlab.engine.Buf;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamStore;

/**
 * x ← x + proj(attn(ln1(x))); x ← x + mlp.proj(gelu(mlp.fc(ln2(x)))). Names as {@code blocks.i.attn.qkv} etc.
 * Gradient groups: {@code blocks.i.attn} (ln1, qkv, proj) and {@code blocks.i.mlp} (ln2, fc, proj).
 */
final class GptBlock {
    private final GptConfig cfg;
    private final int rows;
    private final LayerNorm ln1, ln2;
    private final Linear qkv, proj, fc, fcProj;
    private Backend be;
    private Buf a, qkvOut, att, attOut, xa, m, f, g, dA, dQkv, dAttOut, dM, dF;

    GptBlock(ParamLayout.Builder lb, int i, GptConfig cfg) {
        this.cfg = cfg;
        this.rows = cfg.batch() * cfg.seq();
        String p = "blocks." + i, ga = p + ".attn", gm = p + ".mlp";
        int d = cfg.dim();
        ln1 = new LayerNorm(lb, p + ".ln1", ga, d, rows, cfg.lnEps());
        qkv = new Linear(lb, p + ".attn.qkv", ga, d, 3 * d);
        proj = new Linear(lb, p + ".attn.proj", ga, d, d);
        ln2 = new LayerNorm(lb, p + ".ln2", gm, d, rows, cfg.lnEps());
        fc = new Linear(lb, p + ".mlp.fc", gm, d, 4 * d);
        fcProj = new Linear(lb, p + ".mlp.proj", gm, 4 * d, d);
    }

    void bind(ParamStore s) {
        be = s.backend();
        ln1.bind(s); qkv.bind(s); proj.bind(s); ln2.bind(s); fc.bind(s); fcProj.bind(s);
        int d = cfg.dim(), t = cfg.seq();
        a = be.alloc(rows * d);
        qkvOut = be.alloc(rows * 3 * d);
        att = be.alloc(cfg.batch() * cfg.heads() * t * t);
        attOut = be.alloc(rows * d);
        xa = be.alloc(rows * d);
        m = be.alloc(rows * d);
        f = be.alloc(rows * 4 * d);
        g = be.alloc(rows * 4 * d);
        dA = be.alloc(rows * d);
        dQkv = be.alloc(rows * 3 * d);
        dAttOut = be.alloc(rows * d);
        dM = be.alloc(rows * d);
        dF = be.alloc(rows * 4 * d);
    }

    /** y = block(x); x and y must differ. */
    void forward(Buf x, Buf y) {
        int d = cfg.dim();
        ln1.forward(x, 0, a, 0);
        qkv.forward(a, 0, rows, qkvOut, 0);
        be.attentionForward(cfg.batch(), cfg.seq(), d, cfg.heads(), qkvOut, 0, att, 0, attOut, 0);
        // the residual adds and GELU taken as each product finishes its part (the same bits as passes after it)
        proj.forwardResidual(attOut, 0, rows, xa, 0, x, 0);
        ln2.forward(xa, 0, m, 0);
        fc.forwardGelu(m, 0, rows, f, 0, g, 0, cfg.geluTanh()); // f: kept for GELU's backward only, in the backend's form
        fcProj.forwardResidual(g, 0, rows, y, 0, xa, 0);
    }

    /** dStream holds ∂L/∂y on entry and ∂L/∂x on return (the residual path accumulates in place). */
    void backward(Buf x, Buf dStream) {
        int d = cfg.dim();
        fcProj.backwardThroughGelu(g, 0, rows, dStream, 0, f, 0, dF, 0, cfg.geluTanh());
        fc.backward(m, 0, rows, dF, 0, dM, 0, false);
        ln2.backward(xa, 0, dM, 0, dStream, 0);
        proj.backward(attOut, 0, rows, dStream, 0, dAttOut, 0, false);
        be.attentionBackward(cfg.batch(), cfg.seq(), d, cfg.heads(), qkvOut, 0, att, 0, dAttOut, 0, dQkv, 0);
        qkv.backward(a, 0, rows, dQkv, 0, dA, 0, false);
        ln1.backward(x, 0, dA, 0, dStream, 0);
    }
}
