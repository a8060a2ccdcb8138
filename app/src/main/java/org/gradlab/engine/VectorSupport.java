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

    /**
     * HotSpot's default PerMethodTrapLimit. C2 adds up the class-check traps recorded by every method a compile inlines,
     * the Vector API's shared ones included; past this many it gives each profiled call a virtual fallback, the vector's
     * class stops being a constant, the intrinsics fail and the kernel boxes every vector (GELU 2-3x slower, the GEMM's
     * tail columns 3x). Which kernels suffer depends on the order the JIT met them, so the launcher raises the limit.
     */
    static final long DEFAULT_TRAP_LIMIT = 100;

    private VectorSupport() {}

    public static String describe() {
        if (!ENABLED) return "scalar";
        return "vector (" + VectorGemm.describe() + (jitTrapLimitRaised() ? "" : "; -XX:PerMethodTrapLimit not raised: "
                + "run through ./gradlab, or kernels may run 2-3x slower") + ")";
    }

    /** Whether this JVM runs with PerMethodTrapLimit above HotSpot's default (see {@link #DEFAULT_TRAP_LIMIT}). */
    public static boolean jitTrapLimitRaised() {
        return TrapLimit.RAISED;
    }

    /** Read once, on first use: the management bean costs ~30 ms to start, and the answer cannot change. */
    private static final class TrapLimit {
        static final boolean RAISED = read();
    }

    private static boolean read() {
        try {
            String v = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("PerMethodTrapLimit").getValue();
            return Long.parseLong(v) > DEFAULT_TRAP_LIMIT;
        } catch (RuntimeException | LinkageError notHotSpot) {
            return true; // another JVM: nothing to say about HotSpot's limit
        }
    }
}
