package org.gradlab.engine.cuda;

import org.junit.jupiter.api.Tag;

/** The kernel parity cases on the GPU the probe finds; skipped with its reason where there is none. */
@Tag("gpu")
class CudaKernelParityTest extends KernelParity {
    @Override
    DeviceApi openDevice() {
        return GpuTestSupport.device();
    }
}
