package org.gradlab.engine;

import org.gradlab.engine.cuda.CudaBackend;
import org.gradlab.engine.cuda.CudaProbe;

/** Opens the backend a {@link DeviceChoice} asks for, with a one-line note of what was chosen and why. */
public final class Backends {
    private Backends() {}

    /** The backend and the line to show the user ("cuda: NVIDIA H100…" or "cpu: no NVIDIA driver…"). */
    public record Opened(Backend backend, String note) {}

    /** Thrown when the GPU was asked for and cannot be used; the message says why in one line. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }

    /** cpuThreads ≤ 0 means every core. */
    public static Opened open(DeviceChoice choice, int cpuThreads) throws Unavailable {
        if (choice != DeviceChoice.CPU) {
            CudaProbe.Status gpu = CudaProbe.status();
            if (gpu.available()) {
                CudaBackend be = new CudaBackend();
                return new Opened(be, "device: " + be.name());
            }
            if (choice == DeviceChoice.CUDA) throw new Unavailable("CUDA was asked for but cannot be used: " + gpu.reason());
            CpuBackend be = cpu(cpuThreads);
            return new Opened(be, "device: " + be.name() + " — GPU not used: " + gpu.reason());
        }
        CpuBackend be = cpu(cpuThreads);
        return new Opened(be, "device: " + be.name());
    }

    private static CpuBackend cpu(int threads) {
        return threads > 0 ? new CpuBackend(threads) : new CpuBackend();
    }
}
