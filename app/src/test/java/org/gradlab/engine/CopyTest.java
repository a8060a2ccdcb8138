package org.gradlab.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU's copy, split between threads from a few hundred thousand floats, against System.arraycopy: offsets that
 * split the range mid-vector, a short copy, and ranges of one array that overlap (copied whole, as arraycopy would).
 */
class CopyTest {
    @Test
    void copiesGiveArraycopysResultOnAnyThreadCount() {
        SplittableRandom rng = new SplittableRandom(3);
        int big = 300_001;
        float[] src = new float[big + 40];
        for (int i = 0; i < src.length; i++) src[i] = (float) rng.nextGaussian();
        int[][] cases = {{0, 0, big}, {7, 13, big}, {5, 2, 100}}; // srcOff, dstOff, n
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int[] c : cases) {
                    float[] want = new float[big + 40];
                    System.arraycopy(src, c[0], want, c[1], c[2]);
                    Buf s = be.alloc(src.length), d = be.alloc(big + 40);
                    be.upload(src, 0, s, 0, src.length);
                    be.copy(s, c[0], d, c[1], c[2]);
                    float[] got = new float[big + 40];
                    be.download(d, 0, got, 0, got.length);
                    assertArrayEquals(want, got, "threads=" + threads + " case " + java.util.Arrays.toString(c));
                }
                for (int shift : new int[] {-9, 9}) { // one array, the ranges overlapping
                    float[] want = src.clone();
                    System.arraycopy(want, 20, want, 20 + shift, big);
                    Buf a = be.alloc(src.length);
                    be.upload(src, 0, a, 0, src.length);
                    be.copy(a, 20, a, 20 + shift, big);
                    float[] got = new float[src.length];
                    be.download(a, 0, got, 0, got.length);
                    assertArrayEquals(want, got, "threads=" + threads + " overlapping by " + shift);
                }
            }
        }
    }
}
