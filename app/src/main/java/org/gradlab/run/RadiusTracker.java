package org.gradlab.run;

import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamTensor;
import org.gradlab.engine.VectorMatVec;
import org.gradlab.task.Rng;
import org.gradlab.task.SpectralRadius;

import java.util.ArrayList;
import java.util.List;

/**
 * The spectral radius of each square recurrent matrix (a vanilla RNN's W_hh) while a run trains. Each
 * measurement is a Gelfand power iteration ({@link SpectralRadius}); the first starts cold (200 settling, 2,000
 * averaging iterations), later ones from the previous measurement's vector: the matrix moves little between
 * measurements, so 30 settling and 120 averaging iterations stay within 1% of the exact radius (checked
 * against PyTorch's eigenvalues by RadiusTrackerTest) at H² × 150 multiply-adds.
 */
public final class RadiusTracker {
    static final int BURN = 30, ITERS = 120, COLD_BURN = 200, COLD_ITERS = 2000;
    private boolean warm;
    private final List<ParamTensor> matrices = new ArrayList<>();
    private final List<double[]> vectors = new ArrayList<>();
    /** Each matrix column-major, for {@link VectorMatVec} (the same sums as the row loop, the same bits). */
    private final List<double[]> columns = new ArrayList<>();

    public RadiusTracker(ParamLayout layout) {
        Rng r = new Rng(12345);
        for (ParamTensor t : layout.tensors()) {
            if (!t.name().contains("weight_hh") || t.shape().length != 2 || t.shape()[0] != t.shape()[1]) continue;
            matrices.add(t);
            double[] x = new double[t.shape()[0]];
            for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
            vectors.add(x);
            columns.add(new double[x.length * x.length]);
        }
    }

    /** The names of the matrices measured, in the order {@link #measure} returns them; empty for other models. */
    public static List<String> names(ParamLayout layout) {
        List<String> out = new ArrayList<>();
        for (ParamTensor t : new RadiusTracker(layout).matrices) out.add(t.name());
        return out;
    }

    public boolean any() {
        return !matrices.isEmpty();
    }

    /** ρ of each matrix in the flat weights `params` (laid out as the layout this tracker was made for). */
    public float[] measure(float[] params) {
        float[] out = new float[matrices.size()];
        for (int m = 0; m < out.length; m++) {
            ParamTensor t = matrices.get(m);
            int n = t.shape()[0], off = t.offset();
            double[] at = columns.get(m);
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) at[j * n + i] = params[off + i * n + j];
            out[m] = (float) SpectralRadius.estimate((x, y) -> VectorMatVec.multiply(at, n, x, y), n, vectors.get(m),
                    warm ? BURN : COLD_BURN, warm ? ITERS : COLD_ITERS);
        }
        warm = true;
        return out;
    }
}
