package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.gradlab.engine.HostCopies.down;
import static org.gradlab.engine.HostCopies.up;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The backend's LayerNorm backward on any number of threads: dx row by row, dw and db as the row-at-a-time loop's
 * sums over {@link RowsJob#LN_BLOCKS} fixed row blocks, each block's from zero, added to the gradients in block
 * order — the same bits whatever the thread count, and the blocks' padded partial sums read at their place.
 */
class LayerNormBlocksTest {
    @Test
    void theBackwardSumsTheFixedRowBlocksInOrderOnAnyThreadCount() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 6; trial++) {
            int rows = 150 + rng.nextInt(300), dim = 20 + rng.nextInt(trial % 2 == 0 ? 150 : 30);
            float[] x = rand(rng, rows * dim), w = rand(rng, dim), dout = rand(rng, rows * dim);
            float[] mean = new float[rows], rstd = new float[rows], out = new float[rows * dim];
            CpuTransformerKernels.layerNormForward(0, rows, dim, x, 0, w, 0, rand(rng, dim), 0, 1e-5f, out, 0, mean, 0, rstd, 0,
                    new double[CpuTransformerKernels.PARTS]);
            float[] dx0 = rand(rng, rows * dim), dw0 = rand(rng, dim), db0 = rand(rng, dim);
            // the reference: each block's sums from zero by the scalar loop, then added in block order
            float[] wantDx = dx0.clone(), wantDw = dw0.clone(), wantDb = db0.clone();
            for (int b = 0; b < RowsJob.LN_BLOCKS; b++) {
                int r0 = WorkerPool.splitStart(rows, b, RowsJob.LN_BLOCKS, 1), r1 = WorkerPool.splitStart(rows, b + 1, RowsJob.LN_BLOCKS, 1);
                float[] pw = new float[dim], pb = new float[dim];
                CpuTransformerKernels.layerNormBackward(r0, r1, dim, x, 0, w, 0, mean, 0, rstd, 0, dout, 0, wantDx, 0, pw, 0, pb, 0,
                        new float[CpuTransformerKernels.layerNormScratch(dim)], new double[CpuTransformerKernels.PARTS]);
                for (int k = 0; k < dim; k++) {
                    wantDw[k] += pw[k];
                    wantDb[k] += pb[k];
                }
            }
            for (int threads = 1; threads <= 3; threads++) {
                try (CpuBackend be = new CpuBackend(threads)) {
                    Buf bx = up(be, x), bw = up(be, w), bm = up(be, mean), brs = up(be, rstd), bd = up(be, dout);
                    Buf bdx = up(be, dx0), bdw = up(be, dw0), bdb = up(be, db0);
                    be.layerNormBackward(rows, dim, bx, 0, bw, 0, bm, 0, brs, 0, bd, 0, bdx, 0, bdw, 0, bdb, 0);
                    String where = "trial " + trial + " threads " + threads + " rows " + rows + " dim " + dim;
                    same(wantDx, down(be, bdx), "dx " + where);
                    same(wantDw, down(be, bdw), "dw " + where);
                    same(wantDb, down(be, bdb), "db " + where);
                }
            }
        }
    }


    /**
     * On two threads, after other row operations: the backward takes its own row blocks, whatever claims a job before
     * it left (it once read the forward's, all taken, and wrote nothing).
     */
    @Test
    void theBackwardAfterTheForwardOnTwoThreadsGivesOneThreadsBits() {
        SplittableRandom rng = new SplittableRandom(9);
        int rows = 2048, dim = 128;
        float[] x = rand(rng, rows * dim), w = rand(rng, dim), b = rand(rng, dim), dout = rand(rng, rows * dim);
        float[] dx0 = rand(rng, rows * dim), dw0 = rand(rng, dim), db0 = rand(rng, dim);
        float[][] got = new float[3][];
        for (int threads = 1; threads <= 2; threads++) {
            try (CpuBackend be = new CpuBackend(threads)) {
                Buf bx = up(be, x), bw = up(be, w), bb = up(be, b), bd = up(be, dout), out = be.alloc(rows * dim);
                Buf bm = be.alloc(rows), brs = be.alloc(rows), bdx = up(be, dx0), bdw = up(be, dw0), bdb = up(be, db0);
                for (int pass = 0; pass < 2; pass++) { // twice: the second backward after the first's blocks too
                    be.layerNormForward(rows, dim, bx, 0, bw, 0, bb, 0, 1e-5f, out, 0, bm, 0, brs, 0);
                    be.layerNormBackward(rows, dim, bx, 0, bw, 0, bm, 0, brs, 0, bd, 0, bdx, 0, bdw, 0, bdb, 0);
                }
                float[] dx = down(be, bdx), dw = down(be, bdw), db = down(be, bdb);
                got[threads] = new float[dx.length + 2 * dim];
                System.arraycopy(dx, 0, got[threads], 0, dx.length);
                System.arraycopy(dw, 0, got[threads], dx.length, dim);
                System.arraycopy(db, 0, got[threads], dx.length + dim, dim);
            }
        }
        same(got[1], got[2], "dx, dw, db on two threads against one");
    }

    private static float[] rand(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }

    private static void same(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + " at " + i + ": " + want[i] + " vs " + got[i]);
        }
    }
}
