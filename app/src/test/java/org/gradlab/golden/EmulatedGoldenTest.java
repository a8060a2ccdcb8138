package org.gradlab.golden;

import org.gradlab.engine.cuda.DeviceApi;
import org.gradlab.engine.cuda.EmulatedDevice;
import org.junit.jupiter.api.Tag;

/** The PyTorch fixtures through the CUDA backend on the CPU emulation of its kernels (every CI run). */
@Tag("golden")
class EmulatedGoldenTest extends GoldenOnDevice {
    @Override
    DeviceApi openDevice() throws Exception {
        return EmulatedDevice.startOrSkip();
    }
}
