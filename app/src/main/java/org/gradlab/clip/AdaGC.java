package org.gradlab.clip;

import java.util.Arrays;

/**
 * {@code adagc[:R[:B[:W[:A]]]]}: AdaGC (Wang et al. 2025), the clipping part as pytorch_optimizer's AdaGC does it.
 * Each tensor keeps γᵢ, an EMA of its own clipped gradient norms, and is clipped against its own history
 * rather than one global threshold. Steps count from 1; for t < W the global norm is clipped at A
 * (h = min(A/(‖g‖+1e-8), 1) for every tensor) and γᵢ starts as the smallest clipped norm seen; from then on
 * hᵢ = min(R·γᵢ/‖gᵢ‖, 1) and γᵢ ← B·γᵢ + (1−B)·‖hᵢgᵢ‖. A non-finite gradient leaves the state alone and the
 * step to the non-finite policy. Defaults R 1.05, B 0.98, W 100, A 1.0.
 */
final class AdaGC extends ClipStrategy {
    static final double EPS = 1e-8;

    private final double rel, beta, abs;
    private final long warmup;
    private double[] gamma;
    private long t;

    AdaGC(ClipSpec s) {
        super(s);
        rel = s.threshold();
        beta = s.extra();
        warmup = (long) s.extra2();
        abs = s.extra3();
    }

    @Override
    protected Outcome clip(GradientSegments g, float preL2) {
        int n = g.tensors();
        double sumSq = 0;
        for (int i = 0; i < n; i++) sumSq += g.sumSq[i];
        double total = Math.sqrt(sumSq);
        if (!Double.isFinite(total)) return new Outcome(preL2, Double.NaN, false, Double.NaN, ClipAction.NONE, 0);
        t++;
        if (gamma == null || gamma.length != n) gamma = new double[n];
        float[] f = g.factors();
        long parts = 0;
        boolean warm = t < warmup;
        double h0 = Math.min(abs / (total + EPS), 1.0);
        for (int i = 0; i < n; i++) {
            double norm = Math.sqrt(g.sumSq[i]);
            double h = warm ? h0 : Math.min(rel * gamma[i] / norm, 1.0); // a zero gradient: R·γ/0 = ∞, so h = 1
            float hf = (float) h;
            f[i] = hf;
            double clipped = hf * norm;
            if (warm) gamma[i] = t == 1 ? clipped : Math.min(gamma[i], clipped);
            else gamma[i] = beta * gamma[i] + (1 - beta) * clipped;
            if (hf < 1f) parts++;
        }
        if (parts > 0) g.applyFactorsLater();
        return new Outcome(preL2, warm ? h0 : Double.NaN, parts > 0, warm ? abs : Double.NaN,
                parts > 0 ? (warm ? ClipAction.SCALED : ClipAction.PER_TENSOR) : ClipAction.NONE, parts);
    }

    /** State: [t, γ₁, …, γₙ]. */
    @Override
    public double[] saveState() {
        double[] s = new double[1 + (gamma == null ? 0 : gamma.length)];
        s[0] = t;
        if (gamma != null) System.arraycopy(gamma, 0, s, 1, gamma.length);
        return s;
    }

    @Override
    public void restoreState(double[] s) {
        t = s.length == 0 ? 0 : (long) s[0];
        gamma = s.length <= 1 ? null : Arrays.copyOfRange(s, 1, s.length);
    }
}
