package org.gradlab.engine;

/**
 * {@link VectorGemm#pack} (or, transposed, {@link VectorGemm#packTransposed}) of one B by the pool's threads, each its
 * share of the strips: a layer's weight laid out for its products once a step, 1 MB for the LSTM anchor's W_hh.
 */
final class PackJob implements WorkerPool.Job {
    /** Floats from which a B is packed by all the threads (under it one thread: the hand-off costs more than the copy). */
    static final int PARALLEL_FLOATS = 1 << 16;
    boolean transposed;
    int k, n, off, ld;
    float[] src, dst;

    @Override
    public void run(int chunk, int chunks) {
        if (transposed) VectorGemm.packTransposed(k, n, src, off, dst, chunk, chunks);
        else VectorGemm.pack(k, n, src, off, ld, dst, chunk, chunks);
    }
}
