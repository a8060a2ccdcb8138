package org.gradlab.record;

import org.gradlab.run.Spike;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Thousands of random mutations and truncations of a real recorded run: opening it, reading every step,
 * the overview, the events and the checkpoints either work or fail with a {@link RunFileException} naming
 * the file — never another exception, an OutOfMemoryError or a hang.
 */
class RunFuzzTest {
    @TempDir
    Path tmp;

    @Test
    void mutatedRunsFailOnlyWithTheDocumentedException() throws Exception {
        Path base = tmp.resolve("base");
        RunRecordingTest.record(base, "gru", "charlm", 24, 10, List.of(new Spike(5, Spike.Kind.TOKENS, 0.5)), List.of());
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) files.put(base.relativize(p).toString(), Files.readAllBytes(p));
        }
        List<String> names = new ArrayList<>(files.keySet());
        SplittableRandom rng = new SplittableRandom(2026);
        Path trial = tmp.resolve("trial");
        int documented = 0, fine = 0;
        long start = System.currentTimeMillis();
        for (int i = 0; i < 3000; i++) {
            String victim = names.get(rng.nextInt(names.size()));
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path p = trial.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getKey().equals(victim) ? mutate(e.getValue(), rng) : e.getValue());
            }
            Files.deleteIfExists(trial.resolve(RunFiles.STEPS + ".torn"));
            try (RunReader r = RunReader.open(trial)) {
                for (long k = r.firstStep(); k < r.endStep(); k++) r.step(k);
                r.overview(7);
                r.overview(1000);
                RunSummary.of(r.index(), 1.0);
                for (long c : r.checkpoints()) r.checkpoint(c);
                fine++;
            } catch (RunFileException e) {
                assertTrue(e.getMessage().contains(trial.toString()), "the message names the file: " + e.getMessage());
                documented++;
            } catch (Throwable t) {
                fail("mutation " + i + " of " + victim + " escaped as " + t, t);
            }
        }
        assertTrue(documented > 100 && fine > 100, documented + " refused, " + fine + " readable");
        assertTrue(System.currentTimeMillis() - start < 120_000, "no pathological slowness");
    }

    private static byte[] mutate(byte[] in, SplittableRandom rng) {
        byte[] b = in.clone();
        switch (rng.nextInt(6)) {
            case 0 -> { // flip bits
                int n = 1 + rng.nextInt(8);
                for (int i = 0; i < n && b.length > 0; i++) b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
                return b;
            }
            case 1 -> { // truncate
                return java.util.Arrays.copyOf(b, b.length == 0 ? 0 : rng.nextInt(b.length));
            }
            case 2 -> { // overwrite a run of bytes with random values
                if (b.length == 0) return b;
                int at = rng.nextInt(b.length), n = Math.min(b.length - at, 1 + rng.nextInt(16));
                for (int i = 0; i < n; i++) b[at + i] = (byte) rng.nextInt(256);
                return b;
            }
            case 3 -> { // insert random bytes
                int at = b.length == 0 ? 0 : rng.nextInt(b.length), n = 1 + rng.nextInt(16);
                byte[] out = new byte[b.length + n];
                System.arraycopy(b, 0, out, 0, at);
                for (int i = 0; i < n; i++) out[at + i] = (byte) rng.nextInt(256);
                System.arraycopy(b, at, out, at + n, b.length - at);
                return out;
            }
            case 4 -> { // huge length fields: 0xFF runs
                if (b.length == 0) return b;
                int at = rng.nextInt(b.length), n = Math.min(b.length - at, 4);
                for (int i = 0; i < n; i++) b[at + i] = (byte) 0xFF;
                return b;
            }
            default -> { // empty the file
                return new byte[0];
            }
        }
    }
}
