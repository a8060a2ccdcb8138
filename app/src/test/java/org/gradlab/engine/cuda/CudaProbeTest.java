package org.gradlab.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.gradlab.engine.Backends;
import org.gradlab.engine.CpuBackend;
import org.gradlab.engine.DeviceChoice;
import org.junit.jupiter.api.Test;

/**
 * Device selection on whatever machine runs the tests: with a GPU, cuda and auto give the GPU; without one,
 * auto falls back to the CPU with a one-line reason and cuda is refused with the same reason.
 */
class CudaProbeTest {
    @Test
    void probedOnceAndCached() {
        assertSame(CudaProbe.status(), CudaProbe.status());
    }

    @Test
    void autoAndCudaFollowTheProbe() throws Exception {
        CudaProbe.Status s = CudaProbe.status();
        if (s.available()) {
            try (var o = Backends.open(DeviceChoice.AUTO, 1).backend()) {
                assertInstanceOf(CudaBackend.class, o);
            }
            try (var o = Backends.open(DeviceChoice.CUDA, 1).backend()) {
                assertTrue(o.name().startsWith("cuda ("), o.name());
            }
            return;
        }
        assertFalse(s.reason().isBlank());
        assertEquals(1, s.reason().lines().count(), "one line: " + s.reason());
        assertFalse(s.reason().contains("Exception") || s.reason().contains("Error:"), "a sentence, not a class: " + s.reason());
        Backends.Opened auto = Backends.open(DeviceChoice.AUTO, 1);
        try (var be = auto.backend()) {
            assertInstanceOf(CpuBackend.class, be);
            assertTrue(auto.note().contains("GPU not used: " + s.reason()), auto.note());
        }
        Backends.Unavailable e = assertThrows(Backends.Unavailable.class, () -> Backends.open(DeviceChoice.CUDA, 1));
        assertTrue(e.getMessage().contains(s.reason()), e.getMessage());
        // the JCuda classes are not touched again: a second probe answers from the cache
        assertSame(s, CudaProbe.status());
    }

    @Test
    void withoutADriverTheReasonSaysSo() {
        boolean driver = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1"))
                || Files.exists(Path.of("/usr/lib64/libcuda.so.1")) || Files.exists(Path.of("/usr/local/cuda/compat/libcuda.so.1"));
        org.junit.jupiter.api.Assumptions.assumeFalse(driver, "this machine has an NVIDIA driver");
        CudaProbe.Status s = CudaProbe.status();
        assertFalse(s.available());
        assertEquals("no NVIDIA driver on this machine (libcuda.so.1 not found)", s.reason());
    }

    @Test
    void deviceChoiceParsing() {
        assertEquals(DeviceChoice.CPU, DeviceChoice.parse("CPU"));
        assertEquals(DeviceChoice.CUDA, DeviceChoice.parse("gpu"));
        assertEquals(DeviceChoice.AUTO, DeviceChoice.parse(" auto "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("tpu"));
        assertTrue(e.getMessage().contains("cpu, cuda or auto"));
    }

    @Test
    void segmentTableLayoutCutsTensorsIntoBlocksThatNeverCrossThem() {
        int[] offsets = {0, 0, 8192, 30000}, sizes = {0, 8192, 8193, 1};
        int[] t = SegmentTables.layout(offsets, sizes);
        int nb = (t.length - offsets.length - 1) / 3;
        assertEquals(1 + 1 + 2 + 1, nb);
        assertEquals(java.util.List.of(0, 1, 2, 2, 3), java.util.Arrays.stream(t, 0, nb).boxed().toList());
        for (int k = 0; k < nb; k++) {
            int s = t[k];
            assertTrue(t[nb + k] >= offsets[s] && t[2 * nb + k] <= offsets[s] + sizes[s], "block " + k + " inside its tensor");
            assertTrue(t[2 * nb + k] - t[nb + k] <= SegmentTables.CHUNK);
        }
        assertEquals(java.util.List.of(0, 1, 2, 4, 5), java.util.Arrays.stream(t, 3 * nb, t.length).boxed().toList());
    }
}
