package org.gradlab.engine.cuda;

import jcuda.CudaException;

/**
 * Decides once per process whether the GPU can be used, and why not. The first JCuda call on a machine
 * without a driver throws {@link UnsatisfiedLinkError} from JCudaDriver's static initializer and every later
 * one {@link NoClassDefFoundError}; both are {@link LinkageError}s, caught here together with
 * {@link CudaException}. After a failure nothing touches JCuda again: callers ask {@link #status()}.
 */
public final class CudaProbe {
    /** available, and otherwise one line saying why the CPU is used. */
    public record Status(boolean available, String device, String reason) {}

    private static volatile Status status;
    /** The answer of the one real probe (status may later say the GPU was lost). */
    private static Status probed;

    private CudaProbe() {}

    public static Status status() {
        Status s = status;
        if (s != null) return s;
        synchronized (CudaProbe.class) {
            if (status == null) status = probed = probe();
            return status;
        }
    }

    /**
     * After a sticky device error the CUDA context is lost for the rest of the process: from then on the probe
     * answers "not available", with the reason, so `auto` picks the CPU and `cuda` is refused.
     */
    static synchronized void markLost(String why) {
        status = new Status(false, null, "the GPU failed earlier in this session (" + why + "); restart GradLab to use it again");
    }

    /** For tests: back to the probe's own answer (JCuda is never probed twice). */
    static synchronized void reset() {
        status = probed;
    }

    private static Status probe() {
        if (Boolean.getBoolean("gradlab.nocuda")) return new Status(false, null, "disabled by -Dgradlab.nocuda=true");
        JCudaNatives.dropStaleCopy();
        try {
            JCudaDevice d = JCudaDevice.open();
            return new Status(true, d.description(), "");
        } catch (LinkageError e) {
            return new Status(false, null, linkageReason(e));
        } catch (CudaException e) {
            return new Status(false, null, CudaErrors.describe(e.getMessage(), "starting CUDA"));
        } catch (RuntimeException e) {
            return new Status(false, null, "CUDA start failed: " + firstLine(e.getMessage()));
        }
    }

    static String linkageReason(LinkageError e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("libcuda")) return "no NVIDIA driver on this machine (libcuda.so.1 not found)";
        if (e instanceof NoClassDefFoundError) return "the JCuda library failed to load earlier in this process";
        return "the JCuda native library does not load here (" + firstLine(m) + ")";
    }

    static String firstLine(String s) {
        if (s == null) return "no details";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
