package org.gradlab.engine;

/** Loss kernels: value in double, gradient wrt the input already divided by the number of rows. */
final class CpuLosses {
    private CpuLosses() {}

    /**
     * Sum of −log softmax[target] over rows [r0, r1); writes (softmax − onehot)/rows into d when d != null,
     * using `scratch` (at least `classes` floats) for the exponentials otherwise.
     */
    static double crossEntropy(int r0, int r1, int rows, int classes, float[] x, int xo, int[] t, int to,
                               float[] d, int dOff, float[] scratch) {
        double total = 0;
        float invRows = 1f / rows;
        for (int r = r0; r < r1; r++) {
            int b = xo + r * classes;
            // a vector at a time: with Math.max a 2,048 x 65 pass took 330-350 us on one thread, 180-260 so
            float max = Softmax.max(x, b, classes);
            int target = t[to + r];
            if (target < 0 || target >= classes) {
                throw new IllegalArgumentException("target " + target + " outside [0, " + classes + ") at row " + r);
            }
            float[] e = d != null ? d : scratch;
            int eo = d != null ? dOff + r * classes : 0;
            float sum = Softmax.expShiftInto(x, b, classes, max, e, eo);
            total += Math.log(sum) + max - x[b + target];
            if (d != null) {
                float scale = invRows / sum;
                Softmax.scale(d, eo, classes, scale);
                d[eo + target] -= invRows;
            }
        }
        return total;
    }

    static float meanSquaredError(int n, float[] p, int po, float[] t, int to, float[] d, int dOff) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double e = (double) p[po + i] - t[to + i];
            s += e * e;
            if (d != null) d[dOff + i] = (float) (2 * e / n);
        }
        return (float) (s / n);
    }
}
