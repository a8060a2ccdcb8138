package org.gradlab.run;

import org.gradlab.engine.CpuBackend;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamTensor;
import org.gradlab.model.Model;
import org.gradlab.task.SpectralRadius;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spectral radius of each recurrent matrix of a tanh RNN (W_hh, H × H): above 1 the gradient through time
 * can grow step by step, well below 1 it fades. Estimated by Gelfand's formula over a power iteration
 * ({@link SpectralRadius}); other models' recurrent matrices are not square per gate and are left out.
 */
public final class RecurrentSpectrum {
    private RecurrentSpectrum() {}

    /** ρ(W_hh) per layer of the weights `params` laid out as `layout` (empty for models without square recurrent matrices). */
    public static Map<String, Double> of(ParamLayout layout, float[] params) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (ParamTensor t : layout.tensors()) {
            if (!t.name().contains("weight_hh") || t.shape().length != 2 || t.shape()[0] != t.shape()[1]) continue;
            int n = t.shape()[0];
            double[] a = new double[n * n];
            for (int i = 0; i < a.length; i++) a[i] = params[t.offset() + i];
            out.put(t.name(), SpectralRadius.estimate(a, n));
        }
        return out;
    }

    /** ρ(W_hh) per layer as the run's config initialises them from its seed. */
    public static Map<String, Double> atInit(RunConfig c) {
        if (!Models.vanillaRnn(c.model())) return Map.of();
        try (CpuBackend be = new CpuBackend(1)) {
            Model m = Models.create(be, c, Tasks.create(c.task(), c.batch(), c.seq(), c.seed()).shape());
            return of(m.params().layout(), m.params().readParams());
        }
    }
}
