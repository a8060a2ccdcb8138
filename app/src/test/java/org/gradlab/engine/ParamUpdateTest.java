package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optimizer updates: the vector loops against the scalar reference bit for bit (every SGD and Adam variant, lengths
 * that end mid-vector, ranges that start mid-vector), and the CPU backend's update measured as it goes (one to three
 * threads, two cut into blocks, or segments that leave gaps) against the update apart followed by the norms pass — the
 * weights, the optimizer's state and the figures, all bit for bit — and the unmeasured update split over the threads.
 */
class ParamUpdateTest {
    private interface Setter {
        void set(ParamUpdate u, float[] p, float[] g, float[] m, float[] v);
    }

    /** Each optimizer variant the backend can be asked for. */
    private static final Setter[] VARIANTS = {
        (u, p, g, m, v) -> u.sgd(p, g, null, 0.05f, 0f, 0f, 0f, false, false),
        (u, p, g, m, v) -> u.sgd(p, g, m, 0.1f, 0.9f, 0.1f, 0.01f, true, false),
        (u, p, g, m, v) -> u.sgd(p, g, m, 0.1f, 0.9f, 0f, 0f, false, true),
        (u, p, g, m, v) -> u.sgd(p, g, m, 0.1f, 0.5f, 0.2f, 0.001f, false, false),
        (u, p, g, m, v) -> u.adam(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 1),
        (u, p, g, m, v) -> u.adam(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, false, 7),
        (u, p, g, m, v) -> u.adam(p, g, m, v, 3e-4f, 0.8f, 0.99f, 1e-6f, 0.1f, true, 40),
    };

    @Test
    void vectorLoopsGiveTheScalarLoopsBits() {
        SplittableRandom r = new SplittableRandom(3);
        for (int variant = 0; variant < VARIANTS.length; variant++) {
            for (int n : new int[] {1, 15, 16, 17, 100, 1_000, 4_099}) {
                int from = n > 20 ? 3 : 0;
                float[][] a = state(r, n), b = copy(a), start = copy(a);
                ParamUpdate vec = new ParamUpdate(), ref = new ParamUpdate();
                VARIANTS[variant].set(vec, a[0], a[1], a[2], a[3]);
                VARIANTS[variant].set(ref, b[0], b[1], b[2], b[3]);
                vec.apply(from, n);
                ref.applyScalar(from, n);
                for (int k = 0; k < 4; k++) {
                    assertArrayEquals(b[k], a[k], "variant " + variant + " n=" + n + " array " + k);
                }
                assertTrue(a[0][n - 1] != start[0][n - 1], "variant " + variant + " n=" + n + ": the last weight updated");
            }
        }
    }

    @Test
    void anUpdateMeasuredAsItGoesGivesTheSeparatePassesBits() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 6; trial++) {
            int segments = 1 + r.nextInt(5);
            int[] offsets = new int[segments], sizes = new int[segments];
            boolean gaps = trial == 5;
            int n = 0;
            for (int s = 0; s < segments; s++) {
                if (gaps) n += 5; // a value between tensors: updated, not measured
                offsets[s] = n;
                sizes[s] = trial == 0 ? 1 + r.nextInt(40) : 1 + r.nextInt(90_000); // past a 32k block now and then
                n += sizes[s];
            }
            float[][] start = state(r, n);
            boolean adam = trial % 2 == 0;
            float[][] want = null;
            double[] wantSq = null, wantDiff = null;
            for (int threads : new int[] {1, 2, 3}) {
                try (CpuBackend be = new CpuBackend(threads)) {
                    Buf[] bufs = new Buf[4];
                    for (int k = 0; k < 4; k++) {
                        bufs[k] = be.alloc(n);
                        be.upload(start[k], 0, bufs[k], 0, n);
                    }
                    Buf before = be.alloc(n);
                    double[] sq = new double[segments], diff = new double[segments];
                    Backend.UpdateMeasure measure = new Backend.UpdateMeasure(before, offsets, sizes, sq, diff);
                    step(be, n, bufs, adam, measure);
                    float[][] got = download(be, bufs, n);
                    if (want == null) {
                        // the reference: one thread, the update apart, then the norms pass against a copy from before it
                        try (CpuBackend one = new CpuBackend(1)) {
                            Buf[] ref = new Buf[4];
                            for (int k = 0; k < 4; k++) {
                                ref[k] = one.alloc(n);
                                one.upload(start[k], 0, ref[k], 0, n);
                            }
                            Buf copy = one.alloc(n);
                            one.copy(ref[0], 0, copy, 0, n);
                            step(one, n, ref, adam, null);
                            wantSq = new double[segments];
                            wantDiff = new double[segments];
                            one.segmentNormsAndDiff(ref[0], copy, offsets, sizes, wantSq, wantDiff);
                            want = download(one, ref, n);
                        }
                    }
                    String where = "trial " + trial + " threads " + threads;
                    for (int k = 0; k < 4; k++) assertArrayEquals(want[k], got[k], where + " array " + k);
                    assertArrayEquals(wantSq, sq, where + " Σp²");
                    assertArrayEquals(wantDiff, diff, where + " Σ(Δp)²");
                    for (int s = 0; s < segments; s++) assertTrue(diff[s] > 0 && sq[s] > 0, where + " segment " + s + " measured");
                    // and unmeasured, the threads' even shares
                    for (int k = 0; k < 4; k++) be.upload(start[k], 0, bufs[k], 0, n);
                    step(be, n, bufs, adam, null);
                    float[][] plain = download(be, bufs, n);
                    for (int k = 0; k < 4; k++) assertArrayEquals(want[k], plain[k], where + " unmeasured, array " + k);
                }
            }
        }
    }

    private static void step(CpuBackend be, int n, Buf[] b, boolean adam, Backend.UpdateMeasure measure) {
        if (adam) be.adamStep(n, b[0], b[1], b[2], b[3], 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, false, 5, measure);
        else be.sgdStep(n, b[0], b[1], b[2], 0.1f, 0.9f, 0f, 0.001f, true, false, measure);
    }

    /** p, g, m, v: weights around 1, gradients around 10^-3, a first moment of either sign, a positive second. */
    private static float[][] state(SplittableRandom r, int n) {
        float[][] a = new float[4][n];
        for (int i = 0; i < n; i++) {
            a[0][i] = (float) r.nextGaussian();
            a[1][i] = (float) (r.nextGaussian() * 1e-3);
            a[2][i] = (float) (r.nextGaussian() * 1e-4);
            a[3][i] = (float) (r.nextDouble() * 1e-6);
        }
        return a;
    }

    private static float[][] copy(float[][] a) {
        float[][] b = new float[a.length][];
        for (int k = 0; k < a.length; k++) b[k] = a[k].clone();
        return b;
    }

    private static float[][] download(CpuBackend be, Buf[] b, int n) {
        float[][] out = new float[b.length][n];
        for (int k = 0; k < b.length; k++) be.download(b[k], 0, out[k], 0, n);
        return out;
    }
}
