package org.gradlab.engine;

/**
 * Whether the Vector API fast paths are used. They need {@code --add-modules jdk.incubator.vector}
 * (the {@code ./gradlab} launcher and the test build pass it); {@code -Dgradlab.scalar=true} forces the
 * plain scalar path, which is always there as the reference for the fast one.
 */
public final class VectorSupport {
    public static final boolean ENABLED =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !Boolean.getBoolean("gradlab.scalar");

    private VectorSupport() {}

    public static String describe() {
        return ENABLED ? "vector (" + VectorGemm.describe() + ")" : "scalar";
    }
}
