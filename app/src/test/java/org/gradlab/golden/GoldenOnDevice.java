package org.gradlab.golden;

import java.util.List;
import org.gradlab.engine.cuda.CudaBackend;
import org.gradlab.engine.cuda.DeviceApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/** Every model, clip and optimizer fixture through the CUDA backend on some device. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GoldenOnDevice {
    private DeviceApi device;
    private CudaBackend backend;

    abstract DeviceApi openDevice() throws Exception;

    @BeforeAll
    void open() throws Exception {
        device = openDevice();
        backend = new CudaBackend(device);
    }

    @AfterAll
    void close() throws Exception {
        if (backend != null) backend.close();
        if (device instanceof AutoCloseable c) c.close(); // the emulator's server process
    }

    @TestFactory
    List<DynamicTest> everyModelFixture() throws Exception {
        return ModelGoldenTest.cases(backend);
    }

    @TestFactory
    List<DynamicTest> everyClipFixture() throws Exception {
        return ClipGoldenTest.cases(backend);
    }

    @TestFactory
    List<DynamicTest> everyOptimFixture() throws Exception {
        return OptimGoldenTest.cases(backend);
    }
}
