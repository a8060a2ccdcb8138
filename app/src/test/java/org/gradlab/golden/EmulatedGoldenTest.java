package org.gradlab.golden;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        assumeTrue(EmulatedDevice.available(), "g++ not on PATH");
        device = EmulatedDevice.start();
        return device;
    }

    @AfterAll
    void stopEmulator() {
        if (device != null) device.close();
    }
}
