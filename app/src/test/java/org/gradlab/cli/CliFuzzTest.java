package org.gradlab.cli;

import org.gradlab.record.RunFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.gradlab.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A careless or hostile user's run folders, through every reading command: files mutated, truncated, emptied
 * or deleted; replaced by a pipe, a link to /dev/zero, a link out of the folder or a folder; fork references
 * tampered. Every probe ends — exit 0 or a one-line error with exit code 2 — within seconds, without a stack
 * trace, an internal error or running out of memory.
 */
class CliFuzzTest {
    @TempDir
    Path tmp;

    @Test
    void everyCommandEndsCleanlyOnEveryMutatedFolder() throws Exception {
        Path base = tmp.resolve("base"), branch = base.resolve("forks").resolve("b");
        assertTrue(run(CliFaultsTest.tiny("--steps", "30", "--checkpoint-every", "10", "--out", base.toString())).code() == 0);
        assertTrue(run("fork", base.toString(), "--at", "15", "--clip", "value:0.1", "--steps", "10", "--out", base.resolve("forks").toString(),
                "--threads", "1").code() == 0);
        try (Stream<Path> s = Files.list(base.resolve("forks"))) {
            Path made = s.filter(Files::isDirectory).findFirst().orElseThrow();
            Files.move(made, branch);
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(base)) {
            files = s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().equals(RunFiles.LOCK)).map(base::relativize).toList();
        }
        SplittableRandom rng = new SplittableRandom(20);
        ExecutorService one = Executors.newSingleThreadExecutor();
        int probes = 0, refused = 0;
        long slowest = 0;
        try {
            for (int trial = 0; trial < 300; trial++) {
                Path t = tmp.resolve("t" + trial);
                copy(base, t);
                Path victim = t.resolve(files.get(rng.nextInt(files.size())));
                String how = mutate(victim, t, rng);
                Path run = victim.startsWith(t.resolve("forks")) ? t.resolve("forks").resolve("b") : t;
                String[][] commands = {{"inspect", run.toString()}, {"inspect", run.toString(), "--step", Integer.toString(rng.nextInt(40))},
                    {"inspect", run.toString(), "--csv"}, {"fork", run.toString(), "--at", Integer.toString(rng.nextInt(40)), "--clip", "none",
                    "--steps", "2", "--out", t.resolve("out" + trial).toString(), "--threads", "1"},
                    {"export", run.toString(), "--tensorboard", t.resolve("tb").toString()}};
                for (String[] c : commands) {
                    long t0 = System.nanoTime();
                    Future<CliTest.Result> f = one.submit(() -> run(c));
                    CliTest.Result r;
                    try {
                        r = f.get(30, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        fail("hung: " + String.join(" ", c) + " after " + how);
                        return;
                    } catch (java.util.concurrent.ExecutionException e) {
                        fail(String.join(" ", c) + " after " + how + " threw " + e.getCause(), e.getCause());
                        return;
                    }
                    slowest = Math.max(slowest, System.nanoTime() - t0);
                    probes++;
                    String what = String.join(" ", c) + " after " + how + ": " + r.err();
                    assertTrue(r.code() == 0 || r.code() == 2, "exit " + r.code() + ": " + what);
                    assertTrue(!r.err().contains("\tat ") && !r.err().contains("internal error") && !r.err().contains("Exception"), what);
                    if (r.code() == 2) {
                        refused++;
                        assertTrue(r.err().startsWith("gradlab: "), what);
                    }
                }
            }
        } finally {
            one.shutdownNow();
        }
        assertTrue(refused > 50 && probes - refused > 50, refused + " of " + probes + " probes refused");
        assertTrue(slowest < 20_000_000_000L, "the slowest probe took " + slowest / 1e9 + " s");
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path d = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(d);
                else if (!p.getFileName().toString().equals(RunFiles.LOCK)) Files.copy(p, d);
            }
        }
    }

    /** One mutation of one file; returns what was done, for the failure message. */
    private static String mutate(Path f, Path root, SplittableRandom rng) throws Exception {
        String name = root.relativize(f).toString();
        int kind = rng.nextInt(10);
        switch (kind) {
            case 0 -> {
                Files.delete(f);
                if (!org.gradlab.record.SpecialFiles.mkfifo(f)) Files.createSymbolicLink(f, Path.of("/dev/zero"));
                return name + " -> a pipe";
            }
            case 1 -> {
                Files.delete(f);
                Files.createSymbolicLink(f, Path.of("/dev/zero"));
                return name + " -> /dev/zero";
            }
            case 2 -> {
                Path outside = root.resolveSibling(root.getFileName() + "-outside");
                Files.write(outside, Files.readAllBytes(f));
                Files.delete(f);
                Files.createSymbolicLink(f, outside);
                return name + " -> a link out of the folder";
            }
            case 3 -> {
                Files.delete(f);
                Files.createDirectories(f);
                return name + " -> a folder";
            }
            case 4 -> {
                Files.delete(f);
                return name + " deleted";
            }
            case 5 -> {
                if (!name.endsWith(RunFiles.MANIFEST)) return mutateBytes(f, rng, name);
                String json = Files.readString(f);
                String[] tamper = {"\"run\" : \".\"", "\"run\" : \"../../../../etc\"", "\"run\" : \"../..\"", "\"step\" : -7", "\"step\" : \"abc\"",
                    "\"hidden\" : 65536", "\"shape\" : [ 4, 5, 5581, 8681, 49477, 384773 ]"};
                String t = tamper[rng.nextInt(tamper.length)];
                String out = t.startsWith("\"run\"") ? json.replaceFirst("\"run\" : \"[^\"]*\"", t.replace("\\", "\\\\"))
                        : t.startsWith("\"step\"") ? json.replaceFirst("\"step\" : \\d+", t)
                        : t.startsWith("\"hidden\"") ? json.replaceFirst("\"hidden\" : \\d+", t) : json.replaceFirst("\"shape\" : \\[[^\\]]*\\]", t);
                Files.writeString(f, out);
                return name + " tampered: " + t;
            }
            default -> {
                return mutateBytes(f, rng, name);
            }
        }
    }

    private static String mutateBytes(Path f, SplittableRandom rng, String name) throws Exception {
        byte[] b = Files.readAllBytes(f);
        if (b.length == 0) return name + " (empty, unchanged)";
        switch (rng.nextInt(3)) {
            case 0 -> {
                for (int i = 0; i < 1 + rng.nextInt(8); i++) b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
                Files.write(f, b);
                return name + " bits flipped";
            }
            case 1 -> {
                Files.write(f, java.util.Arrays.copyOf(b, rng.nextInt(b.length)));
                return name + " truncated";
            }
            default -> {
                int at = rng.nextInt(b.length);
                for (int i = at; i < Math.min(b.length, at + 4); i++) b[i] = (byte) 0xFF;
                Files.write(f, b);
                return name + " 0xFF run";
            }
        }
    }
}
