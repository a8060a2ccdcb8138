package org.gradlab.engine;

/**
 * What a product does to a region of C once its values are final, while the region is still in cache: a GPT's MLP
 * pre-activation is 2,048 × 512 floats (4 MB, twice a core's second-level cache), and a pass of its own after the
 * product read it back from memory. Each implementation gives the bits of the pass it replaces.
 */
interface GemmEpilogue {
    /**
     * C's `rows` rows of `cols` columns from c[start] (rows ldc apart) hold their final values. Called by the thread
     * that finished them; regions of one product never overlap.
     */
    void finished(float[] c, int start, int rows, int cols, int ldc);
}
