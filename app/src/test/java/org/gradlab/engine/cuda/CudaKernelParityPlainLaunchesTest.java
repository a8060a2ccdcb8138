package org.gradlab.engine.cuda;

import org.junit.jupiter.api.Tag;

/** The kernel parity cases on the GPU with CUDA graphs off, to tell a kernel fault from a graph fault. */
@Tag("gpu")
class CudaKernelParityPlainLaunchesTest extends KernelParity {
    @Override
    DeviceApi openDevice() {
        return GpuTestSupport.device();
    }

    @Override
    boolean graphs() {
        return false;
    }
}
