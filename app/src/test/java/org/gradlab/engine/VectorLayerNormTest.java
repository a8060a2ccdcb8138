package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * LayerNorm a vector at a time, its row sums in double vectors' lanes, gives the scalar loops' bits: forward (output,
 * mean, 1/σ) and backward (dx added to what is there, dw and db accumulated over the rows in order), for widths that
 * end mid-vector and mid-group of running sums, and rows whose sums round. (Run with -XX:UseAVX=2 too: the four-double
 * vectors' branch gave the same bits.)
 */
class VectorLayerNormTest {
    @Test
    void vectorLoopsEqualTheScalarLoopsBitForBit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.ENABLED);
        SplittableRandom rng = new SplittableRandom(17);
        for (int trial = 0; trial < 150; trial++) {
            int rows = 1 + rng.nextInt(13), dim = 1 + rng.nextInt(trial % 3 == 0 ? 300 : 40);
            int r0 = rng.nextInt(rows), r1 = r0 + 1 + rng.nextInt(rows - r0);
            float eps = 1e-5f;
            float[] x = rand(rng, 3 + rows * dim, true), w = rand(rng, 1 + dim, false), b = rand(rng, 2 + dim, false);
            float[] outA = rand(rng, 2 + rows * dim, false), outB = outA.clone();
            float[] meanA = new float[rows + 1], meanB = new float[rows + 1], rsA = new float[rows + 2], rsB = new float[rows + 2];
            CpuTransformerKernels.layerNormForward(r0, r1, dim, x, 3, w, 1, b, 2, eps, outA, 2, meanA, 1, rsA, 2,
                    new double[CpuTransformerKernels.PARTS]);
            VectorLayerNorm.forward(r0, r1, dim, x, 3, w, 1, b, 2, eps, outB, 2, meanB, 1, rsB, 2,
                    new double[CpuTransformerKernels.PARTS]);
            same(outA, outB, "forward out", trial);
            same(meanA, meanB, "mean", trial);
            same(rsA, rsB, "rstd", trial);

            float[] dout = rand(rng, 1 + rows * dim, true);
            float[] dxA = rand(rng, 4 + rows * dim, false), dxB = dxA.clone();
            float[] dwA = rand(rng, 1 + dim, false), dwB = dwA.clone(), dbA = rand(rng, 3 + dim, false), dbB = dbA.clone();
            CpuTransformerKernels.layerNormBackward(r0, r1, dim, x, 3, w, 1, meanA, 1, rsA, 2, dout, 1, dxA, 4, dwA, 1, dbA, 3,
                    new float[CpuTransformerKernels.layerNormScratch(dim)], new double[CpuTransformerKernels.PARTS]);
            VectorLayerNorm.backward(r0, r1, dim, x, 3, w, 1, meanA, 1, rsA, 2, dout, 1, dxB, 4, dwB, 1, dbB, 3,
                    new float[CpuTransformerKernels.layerNormScratch(dim)], new double[CpuTransformerKernels.PARTS]);
            same(dxA, dxB, "dx", trial);
            same(dwA, dwB, "dw", trial);
            same(dbA, dbB, "db", trial);
        }
    }

    /** Values over many orders of magnitude (rows whose sums round), or plain Gaussians. */
    private static float[] rand(SplittableRandom rng, int n, boolean wide) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rng.nextGaussian() * (wide ? Math.exp(rng.nextGaussian() * 4) : 1));
        return a;
    }

    private static void same(float[] want, float[] got, String what, int trial) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    what + " trial " + trial + " at " + i + ": " + want[i] + " vs " + got[i]);
        }
    }
}
