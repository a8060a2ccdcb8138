package org.gradlab.engine.cuda;

/**
 * The few device operations the CUDA backend is written against: memory, copies and launches of our PTX
 * kernels by name. {@link JCudaDevice} does them on a real GPU through JCuda's driver API; the tests also
 * run the same kernels through an emulator of the CUDA execution model, so the backend's launch code and
 * the kernels are checked on machines without a GPU. Failures are {@link DeviceError}s.
 */
public interface DeviceApi {
    /** A device allocation. */
    interface Mem {}

    /** An address inside an allocation; mem == null is the null pointer (an absent optional buffer). */
    record Ptr(Mem mem, long byteOffset) {
        public static final Ptr NULL = new Ptr(null, 0);
    }

    String description();

    /** At least `bytes` bytes, zero-filled. */
    Mem alloc(long bytes);

    void free(Mem m);

    void upload(Ptr dst, float[] src, int off, int n);

    void upload(Ptr dst, int[] src, int off, int n);

    void download(Ptr src, float[] dst, int off, int n);

    void download(Ptr src, double[] dst, int n);

    void copy(Ptr dst, Ptr src, long bytes);

    /**
     * Runs kernel `name` on a gridX × gridY grid of blocks of `threads` threads with `sharedBytes` of dynamic
     * shared memory; args are {@link Ptr}, Integer, Float or Boolean (passed as int 0/1), in the kernel's order.
     */
    void launch(String name, int gridX, int gridY, int threads, int sharedBytes, Object... args);

    /** Waits for all queued work. Downloads wait for the work before them anyway. */
    void synchronize();

    /** "N MiB free of M MiB", for out-of-memory messages. */
    String memoryInfo();

    // ---- CUDA graphs (optional): a recorded sequence of launches replayed with one call

    /** One kernel launch as {@link #launch} takes it; equal launches have equal names, shapes and arguments. */
    record Launch(String name, int gridX, int gridY, int threads, int sharedBytes, java.util.List<Object> args) {}

    default boolean supportsGraphs() {
        return false;
    }

    /** Records the launches (without running them) into an executable graph. */
    default Object captureGraph(java.util.List<Launch> launches) {
        throw new UnsupportedOperationException("no graphs on " + description());
    }

    /** Runs a captured graph, in order with the other work. */
    default void launchGraph(Object graph) {
        throw new UnsupportedOperationException("no graphs on " + description());
    }

    default void destroyGraph(Object graph) {}
}
