package org.gradlab.model;

import org.gradlab.engine.Backend;
import org.gradlab.engine.Buf;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamStore;
import org.gradlab.engine.ParamTensor;

/** y = x·Wᵀ + b with a PyTorch [out, in] weight; default init U(±1/√in) as nn.Linear. */
public final class Linear {
    final int in, out;
    private final ParamTensor w, b;
    private ParamStore store;
    /** Wᵀ as the forward product reads it: packed for it where the backend packs ({@link Backend#packTransposedForProducts}). */
    private Buf wT;

    public Linear(ParamLayout.Builder layout, String name, String group, int in, int out) {
        this.in = in;
        this.out = out;
        double bound = 1 / Math.sqrt(in);
        this.w = layout.add(name + ".weight", group, InitRule.uniform(bound), out, in);
        this.b = layout.add(name + ".bias", group, InitRule.uniform(bound), out);
    }

    void bind(ParamStore s) {
        this.store = s;
        this.wT = s.backend().alloc(in * out);
    }

    /** y[rows, out] = x[rows, in]·Wᵀ + b. */
    void forward(Buf x, int xOff, int rows, Buf y, int yOff) {
        Backend be = store.backend();
        be.packTransposedForProducts(in, out, store.params(), w.offset(), wT);
        be.gemmBiasPacked(rows, out, in, x, xOff, in, 1, wT, y, yOff, out, store.params(), b.offset());
    }

    /** y = x·Wᵀ + b and g = gelu(y), y then left as {@link #backwardThroughGelu} reads it (see {@link Backend#gemmBiasPackedGeluSaved}). */
    void forwardGelu(Buf x, int xOff, int rows, Buf y, int yOff, Buf g, int gOff, boolean tanhApprox) {
        Backend be = store.backend();
        be.packTransposedForProducts(in, out, store.params(), w.offset(), wT);
        be.gemmBiasPackedGeluSaved(rows, out, in, x, xOff, in, 1, wT, y, yOff, store.params(), b.offset(), g, gOff, tanhApprox);
    }

    /** y = x·Wᵀ + b + residual (see {@link Backend#gemmBiasPackedResidual}). */
    void forwardResidual(Buf x, int xOff, int rows, Buf y, int yOff, Buf residual, int resOff) {
        Backend be = store.backend();
        be.packTransposedForProducts(in, out, store.params(), w.offset(), wT);
        be.gemmBiasPackedResidual(rows, out, in, x, xOff, in, 1, wT, y, yOff, store.params(), b.offset(), residual, resOff);
    }

    /**
     * Accumulates dW, db; writes dx = (dy·W) ⊙ gelu'(pre), the gradient at the pre-activation of a GELU whose output
     * was x, pre as {@link #forwardGelu} left it (see {@link Backend#gemmGeluBackwardSaved}).
     */
    void backwardThroughGelu(Buf x, int xOff, int rows, Buf dy, int dyOff, Buf pre, int preOff, Buf dx, int dxOff,
                             boolean tanhApprox) {
        Backend be = store.backend();
        be.gemmRowSums(out, in, rows, dy, dyOff, 1, out, x, xOff, in, store.grads(), w.offset(), in, true, store.grads(), b.offset());
        be.gemmGeluBackwardSaved(rows, in, out, dy, dyOff, out, 1, store.params(), w.offset(), in, pre, preOff, dx, dxOff, tanhApprox);
    }

    /** Accumulates dW, db; writes (or adds to) dx when dx != null. */
    void backward(Buf x, int xOff, int rows, Buf dy, int dyOff, Buf dx, int dxOff, boolean accumulateDx) {
        Backend be = store.backend();
        be.gemmRowSums(out, in, rows, dy, dyOff, 1, out, x, xOff, in, store.grads(), w.offset(), in, true, store.grads(), b.offset());
        if (dx != null) be.gemm(rows, in, out, dy, dyOff, out, 1, store.params(), w.offset(), in, dx, dxOff, in, accumulateDx);
    }
}
