package org.gradlab.golden;

import org.gradlab.engine.cuda.DeviceApi;
import org.gradlab.engine.cuda.GpuTestSupport;
import org.junit.jupiter.api.Tag;

/** The PyTorch fixtures on the GPU the probe finds, to the CPU's tolerances; skipped where there is none. */
@Tag("gpu")
@Tag("golden")
class CudaGoldenTest extends GoldenOnDevice {
    @Override
    DeviceApi openDevice() {
        return GpuTestSupport.device();
    }
}
