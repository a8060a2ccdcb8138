package org.gradlab.engine;

/** Loss kernels: value in double, gradient wrt the input already divided by the number of rows. */
final class CpuLosses {
    private CpuLosses() {}

    /** Sum of −log softmax[target] over rows [r0, r1); writes (softmax − onehot)/rows when d != null. */
    static double crossEntropy(int r0, int r1, int rows, int classes, float[] x, int xo, int[] t, int to,
                               float[] d, int dOff) {
        double total = 0;
        float invRows = 1f / rows;
        for (int r = r0; r < r1; r++) {
            int b = xo + r * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) max = Math.max(max, x[b + j]);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.exp(x[b + j] - max);
            int target = t[to + r];
            if (target < 0 || target >= classes) {
                throw new IllegalArgumentException("target " + target + " outside [0, " + classes + ") at row " + r);
            }
            double logSum = Math.log(sum) + max;
            total += logSum - x[b + target];
            if (d != null) {
                int db = dOff + r * classes;
                for (int j = 0; j < classes; j++) d[db + j] = (float) Math.exp(x[b + j] - logSum) * invRows;
                d[db + target] -= invRows;
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
