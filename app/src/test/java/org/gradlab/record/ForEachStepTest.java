package org.gradlab.record;

import org.gradlab.clip.ClipAction;
import org.gradlab.clip.ClipReport;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.ParamLayout;
import org.gradlab.telemetry.StepStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sequential pass a replay opens with: every record in order with the index position it sits at (also when a
 * second thread decodes ahead, on long runs), each equal to what step(k) reads; a damaged record in the middle
 * stops the pass with the step and byte offset, from the decoding thread as from the visitor's.
 */
class ForEachStepTest {
    @TempDir
    Path tmp;

    static Path write(Path dir, int steps) throws Exception {
        ParamLayout.Builder b = new ParamLayout.Builder();
        b.add("a.weight", "a", InitRule.uniform(1), 3);
        b.add("b.weight", "b", InitRule.uniform(1), 2);
        try (RunWriter w = RunWriter.create(dir, RunManifest.imported(b.build(), new RunManifest.Imported("test", "synthetic")))) {
            for (int k = 0; k < steps; k++) {
                float[] t = {k, 2 * k}, l = {k + 0.5f, k + 1.5f};
                w.onStep(new StepStats(k, 0, 0, k * 0.25f, 1e-3, new ClipReport(k, k, k, 1, false, 1, 0, ClipAction.NONE, 0, t, t, l, l),
                        false, new float[] {1, 2}, new float[] {3, 4}, null, null));
            }
        }
        return dir;
    }

    @Test
    void everyRecordInOrderWithItsPositionShortAndLongPasses() throws Exception {
        for (int steps : new int[] {1_000, 30_000}) {
            Path dir = write(tmp.resolve("r" + steps), steps);
            try (RunReader r = RunReader.open(dir)) {
                List<Long> seen = new ArrayList<>();
                r.forEachStep((i, s) -> {
                    assertEquals(i, s.step(), "position " + i);
                    assertEquals(i * 0.25f, s.loss());
                    assertEquals(i + 0.5f, s.clip().layerPre()[0]);
                    seen.add(s.step());
                });
                assertEquals(steps, seen.size());
                List<Long> part = new ArrayList<>();
                r.forEachStep(steps / 3, steps / 3 + 25_000, (i, s) -> part.add(s.step()));
                assertEquals(Math.min(steps, steps / 3 + 25_000) - steps / 3, part.size());
                assertEquals(steps / 3, (long) part.get(0));
            }
        }
    }

    @Test
    void aDamagedRecordStopsThePassWithItsStep() throws Exception {
        Path dir = write(tmp.resolve("bad"), 30_000);
        long off;
        try (RunReader r = RunReader.open(dir)) {
            off = r.index().offsetAt(21_000);
        }
        try (FileChannel ch = FileChannel.open(dir.resolve(RunFiles.STEPS), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x55, 0x55}), off + RunFiles.FRAME_HEADER + 3); // inside the payload: the checksum fails
        }
        try (RunReader r = RunReader.open(dir)) {
            int[] visited = {0};
            RunFileException e = assertThrows(RunFileException.class, () -> r.forEachStep((i, s) -> visited[0]++));
            assertTrue(e.getMessage().contains("step 21000"), e.getMessage());
            assertEquals(21_000, visited[0], "every record before it was handed out");
            // a visitor that fails stops the pass too (and its decoding thread)
            RunFileException mine = new RunFileException(dir, -1, "visitor says no");
            assertEquals(mine, assertThrows(RunFileException.class, () -> r.forEachStep((i, s) -> {
                if (i == 100) throw mine;
            })));
        }
    }
}
