package org.gradlab.engine.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** GPU tests run where {@link CudaProbe} finds a usable GPU and are skipped (with the reason) elsewhere. */
public final class GpuTestSupport {
    private GpuTestSupport() {}

    public static void assumeGpu() {
        CudaProbe.Status s = CudaProbe.status();
        assumeTrue(s.available(), "no usable GPU: " + s.reason());
    }

    /** The GPU, or the test is skipped. */
    public static DeviceApi device() {
        assumeGpu();
        return JCudaDevice.open();
    }
}
