package org.gradlab.model;

import org.gradlab.engine.Backend;
import org.gradlab.engine.Buf;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamStore;
import org.gradlab.engine.ParamTensor;

/**
 * One layer of nn.RNN(tanh) / nn.LSTM / nn.GRU with PyTorch's parameter names and shapes. Storage is
 * time-major ([T, B, ·] as T*B rows) so each step is one contiguous block: the input projection for all
 * steps is one GEMM, the recurrence one [B, H]·[H, G·H] GEMM per step, and the weight gradients are one
 * GEMM each over all steps after the backward loop.
 */
final class RecurrentLayer {
    private final CellType cell;
    private final int in, hid, gh, batch, seq;
    private final ParamTensor wih, whh, bih, bhh;
    private ParamStore store;
    private Buf wihT, whhT, whhProducts, xg, hg, gates, hs, cs, dH, dPreX, dPreH, dc, dSink;
    /** Where this layer's output gradient starts in dH (the model keeps every layer's in one buffer). */
    private int dHOff;
    /** Pascanu's regulariser on W_hh, when the run asks for it (vanilla RNNs only). */
    private PascanuRegulariser omega;

    RecurrentLayer(ParamLayout.Builder layout, String prefix, String group, int layer, CellType cell, int in,
                   int hidden, int batch, int seq) {
        this.cell = cell;
        this.in = in;
        this.hid = hidden;
        this.gh = cell.gates * hidden;
        this.batch = batch;
        this.seq = seq;
        InitRule init = InitRule.uniform(1 / Math.sqrt(hidden));
        wih = layout.add(prefix + ".weight_ih_l" + layer, group, init, gh, in);
        whh = layout.add(prefix + ".weight_hh_l" + layer, group, init, gh, hidden);
        bih = layout.add(prefix + ".bias_ih_l" + layer, group, init, gh);
        bhh = layout.add(prefix + ".bias_hh_l" + layer, group, init, gh);
    }

    /** Allocates the layer's work buffers; its output gradient is dH[dHOff, dHOff + T·B·H), owned by the model. */
    void bind(ParamStore s, Buf dH, int dHOff) {
        store = s;
        this.dH = dH;
        this.dHOff = dHOff;
        Backend be = s.backend();
        int rows = batch * seq;
        // W_ihᵀ as the input projection reads it (for a gated layer, packed for the product)
        wihT = be.alloc(in * gh);
        whhT = cell.gates == 1 ? be.alloc(hid * gh) : null;
        // W_hhᵀ packed for the forward's products, then W_hh for the backward's (same size, never both at once)
        whhProducts = cell.gates == 1 ? null : be.alloc(hid * gh);
        xg = be.alloc(rows * gh);
        hg = be.alloc(rows * gh);
        // a step's gates may overwrite its input projection where the backend's cells allow it (xg is read once)
        gates = cell.gates == 1 ? null : be.cellGatesOverInput() ? xg : be.alloc(rows * gh);
        hs = be.alloc((seq + 1) * batch * hid);
        cs = cell == CellType.LSTM ? be.alloc((seq + 1) * batch * hid) : null;
        dPreX = be.alloc(rows * gh);
        dPreH = cell == CellType.GRU ? be.alloc(rows * gh) : dPreX;
        dc = be.alloc(batch * hid);
        dSink = be.alloc(batch * hid);
    }

    /** Adds α·∂Ω/∂W_hh to every backward pass from now on (after {@link #bind}). */
    void regularise(double alpha) {
        if (cell.gates != 1) throw new IllegalArgumentException("Pascanu's regulariser applies to vanilla RNN layers only");
        omega = new PascanuRegulariser(store.backend(), alpha, seq, batch, hid, dHOff);
    }

    /** Ω at the last backward pass; NaN without the regulariser. */
    double omega() {
        return omega == null ? Double.NaN : omega.omega();
    }

    /** Outputs h_1..h_T as T*B rows of width H, starting at {@link #outputOffset()}. */
    Buf outputs() {
        return hs;
    }

    int outputOffset() {
        return batch * hid;
    }

    /** Gradient wrt the outputs, filled by the layer above (or the head) before {@link #backward}, from {@link #outputGradOffset()}. */
    Buf outputGrad() {
        return dH;
    }

    int outputGradOffset() {
        return dHOff;
    }

    void forward(Buf x, int xOff) {
        Backend be = store.backend();
        Buf p = store.params();
        int rows = batch * seq;
        be.fill(hs, 0, batch * hid, 0f);
        if (cell.gates == 1) {
            be.transpose(p, wih.offset(), gh, in, wihT, 0);
            be.transpose(p, whh.offset(), gh, hid, whhT, 0);
            be.rnnSequenceForward(cell == CellType.RNN_SIGMOID, seq, batch, in, hid, x, xOff, wihT, whhT, p, bih.offset(),
                    bhh.offset(), xg, hg, hs);
            return;
        }
        be.packTransposedForProducts(in, gh, p, wih.offset(), wihT);
        be.gemmBiasPacked(rows, gh, in, x, xOff, in, 1, wihT, xg, 0, gh, p, bih.offset());
        if (cs != null) be.fill(cs, 0, batch * hid, 0f);
        // every time step multiplies by W_hhᵀ: laid out for the products once, not read in place T times
        be.packTransposedForProducts(hid, gh, p, whh.offset(), whhProducts);
        be.gatedSequenceForward(cell == CellType.LSTM, seq, batch, hid, whhProducts, p, bhh.offset(), xg, hg, gates, hs, cs);
    }

    /**
     * Uses (and overwrites) {@link #outputGrad()}; writes dx (overwriting) when dx != null. With stepSumSq, returns
     * whether Σ (∂L/∂h_t)² of each step went into stepSumSq[stepOff + t] on the way (the backend's recurrence takes
     * them where it can; otherwise the caller measures the output gradient after). With fromLast, only the last step's
     * output gradient is set (a loss on the sequence's end); the steps before it are taken as zero.
     */
    boolean backward(Buf x, int xOff, Buf dx, int dxOff, double[] stepSumSq, int stepOff, boolean fromLast) {
        Backend be = store.backend();
        Buf p = store.params(), g = store.grads();
        int rows = batch * seq;
        if (cell == CellType.LSTM) be.fill(dc, 0, batch * hid, 0f);
        boolean measured = false;
        if (cell.gates == 1 && fromLast) {
            measured = be.rnnSequenceBackwardFromLast(cell == CellType.RNN_SIGMOID, seq, batch, hid, p, whh.offset(), hs, dH,
                    dHOff, dPreX, stepSumSq, stepOff);
        } else if (cell.gates == 1) {
            measured = be.rnnSequenceBackward(cell == CellType.RNN_SIGMOID, seq, batch, hid, p, whh.offset(), hs, dH, dHOff,
                    dPreX, stepSumSq, stepOff);
        } else {
            if (fromLast) be.fill(dH, dHOff, (seq - 1) * batch * hid, 0f);
            be.packForProducts(gh, hid, p, whh.offset(), whhProducts);
            measured = be.gatedSequenceBackward(cell == CellType.LSTM, seq, batch, hid, whhProducts, gates, hg, hs, cs, dH,
                    dHOff, dc, dPreX, dPreH, dSink, stepSumSq, stepOff);
        }
        // each weight gradient with its bias's sums of the same pre-activation gradient, taken as the product reads it;
        // a single-gate cell's two biases share one pre-activation gradient and both slots start at zeroGrads' 0, so
        // the second sum would repeat the first bit for bit (8.5 µs of a 50-unit RNN's ~850 µs step): a copy
        if (dPreH == dPreX) be.gemm(gh, hid, rows, dPreH, 0, 1, gh, hs, 0, hid, g, whh.offset(), hid, true);
        else be.gemmRowSums(gh, hid, rows, dPreH, 0, 1, gh, hs, 0, hid, g, whh.offset(), hid, true, g, bhh.offset());
        if (omega != null) omega.addGradient(be, p, whh.offset(), dPreX, dH, g);
        be.gemmRowSums(gh, in, rows, dPreX, 0, 1, gh, x, xOff, in, g, wih.offset(), in, true, g, bih.offset());
        if (dPreH == dPreX) be.copy(g, bih.offset(), g, bhh.offset(), gh);
        if (dx != null) be.gemm(rows, in, gh, dPreX, 0, gh, 1, p, wih.offset(), in, dx, dxOff, in, false);
        return measured;
    }
}
