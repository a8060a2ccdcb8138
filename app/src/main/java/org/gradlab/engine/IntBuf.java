package org.gradlab.engine;

/** An int buffer owned by a {@link Backend} (token ids, class targets). */
public interface IntBuf {
    int size();
}
