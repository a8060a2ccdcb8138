package org.gradlab.ui.vm;

import org.gradlab.engine.cuda.CudaProbe;

/** The line the start screen shows about the GPU: which one will train, or why runs use the CPU. */
public final class DeviceStatus {
    private DeviceStatus() {}

    /** Probes once (the first call may take a moment on a machine with a GPU: the driver compiles our PTX). */
    public static String line() {
        CudaProbe.Status s = CudaProbe.status();
        return s.available() ? "GPU: " + s.device() : "GPU: not used — " + s.reason();
    }

    public static boolean gpuAvailable() {
        return CudaProbe.status().available();
    }
}
