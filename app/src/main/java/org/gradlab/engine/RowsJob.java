package org.gradlab.engine;

/**
 * The transformer's row-parallel kernels (LayerNorm, GELU, bias and column sums) in one job object: which kernel and
 * its arguments. None reduces across rows except the LayerNorm backward's dw/db, summed per fixed row block.
 */
final class RowsJob implements WorkerPool.Job {
    static final int LN_F = 0, GELU_F = 1, GELU_B = 2, ADD_BIAS = 3, COL_SUMS = 4, LN_B = 5;
    /** LayerNorm backward sums dw/db over fixed row blocks, added in block order: thread-count independent. */
    static final int LN_BLOCKS = 8;
    /**
     * Each row block's dw/db partial sums, from LN_PAD on, with LN_PAD untouched floats (a cache line) either side:
     * the blocks' arrays are allocated one after another, each row adds into all of its block's, and neighbouring
     * blocks belong to different threads (with the scratch padding of {@link ThreadScratch}, a GPT's 2,048 × 128
     * backward on two threads 197–268 → 170–239 µs, the builds in turn three times).
     */
    final float[][] lnDw = new float[LN_BLOCKS][0], lnDb = new float[LN_BLOCKS][0];
    static final int LN_PAD = 16;
    private final ThreadScratch scratch;
    int op, rows, dim, ld;
    float[] p0, p1, p2, p3, p4, p5;
    int o0, o1, o2, o3, o4, o5;
    float eps;
    boolean flag;
    /** Two threads take panels of `panel` rows (LN_B: the row blocks) as they go; null: a fixed share each. */
    RowClaims claims;
    int panel;

    RowsJob(ThreadScratch scratch) {
        this.scratch = scratch;
    }

    @Override
    public void run(int chunk, int chunks) {
        if (op == LN_B) {
            if (claims != null) {
                for (int b = claims.claim(0, chunk); b >= 0; b = claims.claim(0, chunk)) layerNormBlock(chunk, b);
            } else {
                for (int b = chunk; b < LN_BLOCKS; b += chunks) layerNormBlock(chunk, b);
            }
            return;
        }
        if (claims != null) {
            for (int p = claims.claim(0, chunk); p >= 0; p = claims.claim(0, chunk)) rows(chunk, p * panel, Math.min(rows, (p + 1) * panel));
            return;
        }
        // GELU's shares in whole vectors, as its panels: only the values past the last whole vector of all take the
        // scalar formula, so its bits do not depend on the thread count (a share ending mid-vector took it for the rest)
        int align = op == GELU_F || op == GELU_B ? 64 : 1;
        rows(chunk, WorkerPool.splitStart(rows, chunk, chunks, align), WorkerPool.splitStart(rows, chunk + 1, chunks, align));
    }

    /** LayerNorm backward's row block b: its rows' dx, and its dw/db partial sums from zero. */
    private void layerNormBlock(int chunk, int b) {
        int r0 = WorkerPool.splitStart(rows, b, LN_BLOCKS, 1), r1 = WorkerPool.splitStart(rows, b + 1, LN_BLOCKS, 1);
        java.util.Arrays.fill(lnDw[b], LN_PAD, LN_PAD + dim, 0f);
        java.util.Arrays.fill(lnDb[b], LN_PAD, LN_PAD + dim, 0f);
        float[] t = scratch.floats(chunk, CpuTransformerKernels.layerNormScratch(dim));
        double[] p = scratch.doubles(chunk, CpuTransformerKernels.PARTS);
        if (VectorSupport.ENABLED) {
            VectorLayerNorm.backward(r0, r1, dim, p0, o0, p1, o1, p2, o2, p3, o3, p4, o4, p5, o5, lnDw[b], LN_PAD,
                    lnDb[b], LN_PAD, t, p);
        } else {
            CpuTransformerKernels.layerNormBackward(r0, r1, dim, p0, o0, p1, o1, p2, o2, p3, o3, p4, o4, p5, o5,
                    lnDw[b], LN_PAD, lnDb[b], LN_PAD, t, p);
        }
    }

    /** The op on rows [r0, r1) (GELU: values [r0, r1); column sums: columns [r0, r1)). */
    private void rows(int chunk, int r0, int r1) {
        if (r1 <= r0) return;
        switch (op) {
            case ADD_BIAS -> CpuBackend.addBiasColumns(r0, r1, 0, dim, ld, p0, o0, p1, o1);
            case COL_SUMS -> {
                if (VectorSupport.ENABLED) VectorColumns.sums(r0, r1, dim, ld, p0, o0, p1, o1);
                else CpuBackend.columnSumsCols(r0, r1, dim, ld, p0, o0, p1, o1);
            }
            case LN_F -> {
                double[] p = scratch.doubles(chunk, CpuTransformerKernels.PARTS);
                if (VectorSupport.ENABLED) VectorLayerNorm.forward(r0, r1, dim, p0, o0, p1, o1, p2, o2, eps, p3, o3, p4, o4, p5, o5, p);
                else CpuTransformerKernels.layerNormForward(r0, r1, dim, p0, o0, p1, o1, p2, o2, eps, p3, o3, p4, o4, p5, o5, p);
            }
            case GELU_F -> {
                if (VectorSupport.ENABLED && !flag) VectorActivations.geluForward(r0, r1, p0, o0, p1, o1);
                else CpuTransformerKernels.geluForward(r0, r1, p0, o0, p1, o1, flag);
            }
            case GELU_B -> {
                if (VectorSupport.ENABLED && !flag) VectorActivations.geluBackward(r0, r1, p0, o0, p1, o1, p2, o2);
                else CpuTransformerKernels.geluBackward(r0, r1, p0, o0, p1, o1, p2, o2, flag);
            }
            default -> throw new IllegalStateException("rows op " + op);
        }
    }
}
