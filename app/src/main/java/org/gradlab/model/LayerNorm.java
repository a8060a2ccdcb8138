package org.gradlab.model;

import org.gradlab.engine.Buf;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamStore;
import org.gradlab.engine.ParamTensor;

/** nn.LayerNorm(dim) over rows, weight 1 and bias 0 by default. */
final class LayerNorm {
    private final int dim, rows;
    private final float eps;
    private final ParamTensor w, b;
    private ParamStore store;
    private Buf mean, rstd;

    LayerNorm(ParamLayout.Builder layout, String name, String group, int dim, int rows, float eps) {
        this.dim = dim;
        this.rows = rows;
        this.eps = eps;
        w = layout.add(name + ".weight", group, InitRule.constant(1), dim);
        b = layout.add(name + ".bias", group, InitRule.constant(0), dim);
    }

    void bind(ParamStore s) {
        store = s;
        mean = s.backend().alloc(rows);
        rstd = s.backend().alloc(rows);
    }

    void forward(Buf x, int xOff, Buf out, int outOff) {
        store.backend().layerNormForward(rows, dim, x, xOff, store.params(), w.offset(), store.params(), b.offset(),
                eps, out, outOff, mean, 0, rstd, 0);
    }

    /** dx += ∂L/∂x. */
    void backward(Buf x, int xOff, Buf dOut, int dOutOff, Buf dx, int dxOff) {
        store.backend().layerNormBackward(rows, dim, x, xOff, store.params(), w.offset(), mean, 0, rstd, 0, dOut,
                dOutOff, dx, dxOff, store.grads(), w.offset(), store.grads(), b.offset());
    }
}
