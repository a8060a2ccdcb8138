package org.gradlab.golden;

import org.gradlab.engine.cuda.DeviceApi;
import org.gradlab.engine.cuda.EmulatedDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/** The PyTorch fixtures through the CUDA backend on the CPU emulation of its kernels (every CI run). */
@Tag("golden")
class EmulatedGoldenTest extends GoldenOnDevice {
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
