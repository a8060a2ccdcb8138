package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpProfileTest {
    @Test
    void talliesEachProductByShapeOnlyWhileRecordingAndLeavesResultsAlone() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            OpProfile prof = new OpProfile();
            Backend be = OpProfile.timing(cpu, prof);
            Buf a = be.alloc(6 * 4), b = be.alloc(4 * 5), c = be.alloc(6 * 5), plain = cpu.alloc(6 * 5);
            float[] h = new float[24];
            for (int i = 0; i < h.length; i++) h[i] = i * 0.25f - 2;
            be.upload(h, 0, a, 0, 24);
            be.upload(h, 0, b, 0, 20);
            be.gemm(6, 5, 4, a, 0, 4, 1, b, 0, 5, c, 0, 5, false); // before recording: not counted
            prof.record(true);
            for (int i = 0; i < 3; i++) be.gemm(6, 5, 4, a, 0, 4, 1, b, 0, 5, c, 0, 5, false);
            be.gemm(6, 5, 4, a, 0, 1, 6, b, 0, 5, c, 0, 5, true); // A read transposed
            be.fill(c, 0, 30, 0f);
            be.gemm(6, 5, 4, a, 0, 4, 1, b, 0, 5, c, 0, 5, false);
            prof.record(false);
            cpu.gemm(6, 5, 4, a, 0, 4, 1, b, 0, 5, plain, 0, 5, false);
            float[] got = new float[30], want = new float[30];
            be.download(c, 0, got, 0, 30);
            cpu.download(plain, 0, want, 0, 30);
            assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(got), "the wrapped backend computes the same");

            List<OpProfile.Line> lines = prof.lines();
            assertEquals(3, lines.size(), lines.toString());
            OpProfile.Line g = find(lines, "gemm 6×5×4"), t = find(lines, "gemm 6×5×4 Aᵀ"), f = find(lines, "fill");
            assertEquals(4, g.calls());
            assertEquals(4 * 2.0 * 6 * 5 * 4, g.flops(), 0);
            assertEquals(1, t.calls());
            assertEquals(1, f.calls());
            assertTrue(Double.isNaN(f.gflops()) && g.gflops() > 0, lines.toString());
            assertEquals(g.totalMs() + t.totalMs() + f.totalMs(), prof.totalMs(), 1e-9);
            for (int i = 1; i < lines.size(); i++) assertTrue(lines.get(i - 1).totalMs() >= lines.get(i).totalMs(), "most time first");
        }
    }

    @Test
    void aFailingCallThrowsItsOwnException() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            OpProfile prof = new OpProfile();
            Backend be = OpProfile.timing(cpu, prof);
            prof.record(true);
            Buf small = be.alloc(4);
            assertThrows(IndexOutOfBoundsException.class, () -> be.fill(small, 0, 100, 1f),
                    "not wrapped in the proxy's UndeclaredThrowableException");
        }
    }

    private static OpProfile.Line find(List<OpProfile.Line> lines, String op) {
        return lines.stream().filter(l -> l.op().equals(op)).findFirst().orElseThrow(() -> new AssertionError(op + " in " + lines));
    }
}
