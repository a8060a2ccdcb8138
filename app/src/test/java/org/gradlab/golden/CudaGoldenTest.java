package org.gradlab.golden;

import java.util.List;
import org.gradlab.engine.cuda.CudaBackend;
import org.gradlab.engine.cuda.GpuTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/** The PyTorch fixtures again, on the GPU, to the same tolerances as on the CPU. */
@Tag("gpu")
@Tag("golden")
class CudaGoldenTest {
    static CudaBackend gpu;

    @BeforeAll
    static void open() {
        gpu = GpuTestSupport.backend();
    }

    static CudaBackend gpu() {
        return gpu;
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
    }

    @TestFactory
    List<DynamicTest> everyModelFixtureOnTheGpu() throws Exception {
        return ModelGoldenTest.cases(gpu());
    }

    @TestFactory
    List<DynamicTest> everyClipFixtureOnTheGpu() throws Exception {
        return ClipGoldenTest.cases(gpu());
    }

    @TestFactory
    List<DynamicTest> everyOptimFixtureOnTheGpu() throws Exception {
        return OptimGoldenTest.cases(gpu());
    }
}
