package org.gradlab.engine.cuda;

/**
 * The kernel parity cases on the CPU emulation of the CUDA kernels (see {@link EmulatedDevice}): the
 * kernels' indexing, reductions and the backend's launch arguments, checked on every CI run.
 */
class EmulatedKernelParityTest extends KernelParity {
    @Override
    DeviceApi openDevice() throws Exception {
        return EmulatedDevice.startOrSkip();
    }
}
