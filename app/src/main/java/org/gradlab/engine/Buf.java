package org.gradlab.engine;

/** A float buffer owned by a {@link Backend}: host memory on the CPU backend, device memory on CUDA. */
public interface Buf {
    /** Number of floats. */
    int size();
}
