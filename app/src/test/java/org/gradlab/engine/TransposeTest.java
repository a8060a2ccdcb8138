package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tiled transpose puts every value where the definition says, for shapes that end mid-tile, and nothing else. */
class TransposeTest {
    @Test
    void everyValueLandsAtItsTransposedPlaceAndNothingElseIsWritten() {
        SplittableRandom rng = new SplittableRandom(5);
        try (CpuBackend be = new CpuBackend(1)) {
            for (int trial = 0; trial < 120; trial++) {
                int rows = 1 + rng.nextInt(trial % 4 == 0 ? 1100 : 40), cols = 1 + rng.nextInt(trial % 4 == 1 ? 600 : 40);
                int srcOff = rng.nextInt(5), dstOff = rng.nextInt(5), n = rows * cols;
                float[] s = new float[srcOff + n + 3], before = new float[dstOff + n + 3];
                for (int i = 0; i < s.length; i++) s[i] = (float) rng.nextGaussian();
                for (int i = 0; i < before.length; i++) before[i] = -1000 - i;
                Buf src = be.alloc(s.length), dst = be.alloc(before.length);
                be.upload(s, 0, src, 0, s.length);
                be.upload(before, 0, dst, 0, before.length);
                be.transpose(src, srcOff, rows, cols, dst, dstOff);
                float[] got = new float[before.length];
                be.download(dst, 0, got, 0, got.length);
                float[] want = before.clone();
                for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) want[dstOff + j * rows + i] = s[srcOff + i * cols + j];
                for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], rows + "x" + cols + " at " + i);
            }
        }
    }
}
