package org.gradlab.task;

import java.util.Locale;

/**
 * The three tanh-RNN initialisations of Pascanu, Mikolov and Bengio 2013 (§5): "sigmoid" N(0, 0.01²),
 * "basic tanh" N(0, 0.1²), and "smart tanh": input/output weights N(0, 0.01²), a sparse recurrent matrix
 * with 15 incoming connections per unit rescaled to spectral radius 0.95. Biases are zero in all three.
 */
public enum PascanuInit {
    SIGMOID("sigmoid"), BASIC_TANH("basic-tanh"), SMART_TANH("smart-tanh");

    public enum Role { INPUT, RECURRENT, OUTPUT, BIAS }

    public static final int SMART_INCOMING = 15;
    public static final double SMART_RADIUS = 0.95;

    public final String cliName;

    PascanuInit(String cliName) {
        this.cliName = cliName;
    }

    public static PascanuInit parse(String s) {
        for (PascanuInit p : values()) if (p.cliName.equals(s.toLowerCase(Locale.ROOT))) return p;
        throw new IllegalArgumentException("unknown initialisation '" + s + "' (expected sigmoid, basic-tanh or smart-tanh)");
    }

    /** Values for a [rows, cols] tensor in the given role (row-major, PyTorch [out, in] layout). */
    public float[] values(Role role, int rows, int cols, Rng rng) {
        float[] w = new float[rows * cols];
        if (role == Role.BIAS) return w;
        if (this == SMART_TANH && role == Role.RECURRENT) return smartRecurrent(rows, rng);
        double std = this == BASIC_TANH ? 0.1 : 0.01;
        for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextGaussian() * std);
        return w;
    }

    private static float[] smartRecurrent(int h, Rng rng) {
        double[] w = new double[h * h];
        int incoming = Math.min(SMART_INCOMING, h);
        for (int i = 0; i < h; i++) {
            // unit i receives `incoming` distinct connections (row i of the [out, in] matrix)
            int placed = 0;
            while (placed < incoming) {
                int j = rng.nextInt(h);
                if (w[i * h + j] != 0) continue;
                w[i * h + j] = rng.nextGaussian();
                placed++;
            }
        }
        double rho = SpectralRadius.estimate(w, h);
        float[] out = new float[h * h];
        double s = rho > 0 ? SMART_RADIUS / rho : 1;
        for (int i = 0; i < out.length; i++) out[i] = (float) (w[i] * s);
        return out;
    }
}
