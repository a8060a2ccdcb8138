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

    /**
     * HotSpot's default PerMethodRecompilationCutoff. Each time a compiled method deoptimizes, the methods it inlined
     * count a recompile, the Vector API's shared ones too; once one of them holds more than half this many (or as many
     * traps of one kind), C2 gives every profiled call inside it a virtual fallback, whatever PerMethodTrapLimit says.
     * A warm-up past ~200 such deoptimizations (usual by the time an LSTM's activations compile) left activate4 with
     * seven of its eight stores boxed in some JVMs, and 10-56 virtual calls across the kernels; raised, 4 in every JVM,
     * all on a tail that never ran.
     */
    static final long DEFAULT_RECOMPILATION_CUTOFF = 400;

    private VectorSupport() {}

    /**
     * The CompileCommand that keeps {@link VectorActivations}' loops out of their callers, so that exp's lane math
     * always inlines into them (see that class).
     */
    static final String DONT_INLINE_ACTIVATIONS = "dontinline,org.gradlab.engine.VectorActivations::*";

    public static String describe() {
        if (!ENABLED) return "scalar";
        String missing = (jitTrapLimitRaised() ? "" : " -XX:PerMethodTrapLimit")
                + (recompilationCutoffRaised() ? "" : " -XX:PerMethodRecompilationCutoff")
                + (activationsKeptApart() ? "" : " -XX:CompileCommand=" + DONT_INLINE_ACTIVATIONS);
        return "vector (" + VectorGemm.describe() + (missing.isEmpty() ? "" : "; JIT flags missing:" + missing
                + ": run through ./gradlab, or kernels may run 2-4x slower") + ")";
    }

    /** Whether this JVM runs with PerMethodTrapLimit above HotSpot's default (see {@link #DEFAULT_TRAP_LIMIT}). */
    public static boolean jitTrapLimitRaised() {
        return Jit.TRAP_LIMIT_RAISED;
    }

    /** Whether this JVM runs with PerMethodRecompilationCutoff above HotSpot's default (see {@link #DEFAULT_RECOMPILATION_CUTOFF}). */
    public static boolean recompilationCutoffRaised() {
        return Jit.RECOMPILATION_CUTOFF_RAISED;
    }

    /** Whether this JVM was told not to inline {@link VectorActivations} (see {@link #DONT_INLINE_ACTIVATIONS}). */
    public static boolean activationsKeptApart() {
        return Jit.ACTIVATIONS_APART;
    }

    /** Read once, on first use: the management bean costs ~30 ms to start, and the answers cannot change. */
    private static final class Jit {
        static final boolean TRAP_LIMIT_RAISED = option("PerMethodTrapLimit", v -> Long.parseLong(v) > DEFAULT_TRAP_LIMIT);
        static final boolean RECOMPILATION_CUTOFF_RAISED = option("PerMethodRecompilationCutoff",
                v -> Long.parseLong(v) > DEFAULT_RECOMPILATION_CUTOFF);
        static final boolean ACTIVATIONS_APART = option("CompileCommand",
                v -> v.lines().anyMatch(DONT_INLINE_ACTIVATIONS::equals));
    }

    private static boolean option(String name, java.util.function.Predicate<String> ok) {
        try {
            return ok.test(java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError notHotSpot) {
            return true; // another JVM: nothing to say about HotSpot's settings
        }
    }
}
