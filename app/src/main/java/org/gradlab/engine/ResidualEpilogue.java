package org.gradlab.engine;

/**
 * C value e += residual[resOff + e] on each finished region of a product's C (m × n, ldc = n): the float adds of
 * {@link CpuBackend#addInPlace}, in which C is the destination, while C's region is still in cache.
 */
final class ResidualEpilogue implements GemmEpilogue {
    private int cBase;
    private float[] residual;
    private int resOff;

    ResidualEpilogue set(int cOff, float[] residual, int resOff) {
        this.cBase = cOff;
        this.residual = residual;
        this.resOff = resOff;
        return this;
    }

    void clear() {
        residual = null;
    }

    @Override
    public void finished(float[] c, int start, int rows, int cols, int ldc) {
        for (int r = 0, o = start; r < rows; r++, o += ldc) {
            int src = resOff + (o - cBase);
            for (int j = 0; j < cols; j++) c[o + j] += residual[src + j];
        }
    }
}
