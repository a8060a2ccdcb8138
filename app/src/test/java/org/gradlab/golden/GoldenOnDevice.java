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
    private CudaBackend backend;

    abstract DeviceApi openDevice() throws Exception;

    @BeforeAll
    void open() throws Exception {
        backend = new CudaBackend(openDevice());
    }

    @AfterAll
    void close() {
        if (backend != null) backend.close();
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
