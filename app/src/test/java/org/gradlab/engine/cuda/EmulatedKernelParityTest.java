package org.gradlab.engine.cuda;

import org.junit.jupiter.api.AfterAll;

/**
 * The kernel parity cases on the CPU emulation of the CUDA kernels (see {@link EmulatedDevice}): the
 * kernels' indexing, reductions and the backend's launch arguments, checked on every CI run.
 */
class EmulatedKernelParityTest extends KernelParity {
    private EmulatedDevice device;

    @Override
    DeviceApi openDevice() throws Exception {
        device = EmulatedDevice.startOrSkip();
        return device;
    }

    @AfterAll
    void stopEmulator() {
        if (device != null) device.close();
    }
}
