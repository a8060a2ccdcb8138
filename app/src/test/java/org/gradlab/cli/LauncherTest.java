package org.gradlab.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher script run as a user runs it, with a `java` on the PATH that writes down the arguments it was given
 * (the script's copy sits beside a built jar, so it starts no build): which collector and heap each kind of command
 * gets.
 */
class LauncherTest {
    @TempDir
    Path dir;

    /**
     * A command-line run keeps a small, fixed young generation, so that the few KB each training step allocates land
     * on pages already touched (a fresh page costs a fault, tens of microseconds in a VM that hands free memory back
     * to its host); the desktop app keeps G1, which sizes its own.
     */
    @Test
    void commandLineRunsReuseASmallYoungGeneration() throws Exception {
        List<String> train = launch("train", "--help");
        assertTrue(train.contains("-XX:+UseParallelGC"), train.toString());
        long young = megabytes(train, "-Xmn"), heap = megabytes(train, "-Xmx");
        assertTrue(young >= 16 && young <= 64, "a young generation a Pascanu run's steps cycle through: " + train);
        assertTrue(heap >= 1024 && young * 16 <= heap, "the old generation keeps the rest of the heap: " + train);
        assertEquals("--help", train.get(train.size() - 1), "the command's own arguments come last");

        List<String> ui = launch("ui");
        assertTrue(ui.contains("-XX:+UseG1GC"), ui.toString());
        assertFalse(ui.stream().anyMatch(a -> a.startsWith("-Xmn")), "G1 sizes the app's young generation: " + ui);
    }

    /** The launcher's copy beside an empty "built" jar, and a `java` on the PATH that writes its arguments down. */
    @BeforeEach
    void copyTheLauncher() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        if (!Files.exists(root.resolve("gradlab"))) root = root.getParent();
        Files.copy(root.resolve("gradlab"), dir.resolve("gradlab"));
        Path jar = dir.resolve("app/target/gradlab.jar");
        Files.createDirectories(jar.getParent());
        Files.write(jar, new byte[0]);
        Path java = Files.createDirectories(dir.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '" + dir.resolve("java-args") + "'\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The arguments the launcher hands java for these command-line arguments. */
    private List<String> launch(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", dir.resolve("gradlab").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", dir.resolve("bin") + ":" + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().remove("GRADLAB_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher returns");
        assertEquals(0, p.exitValue(), out);
        return Files.readAllLines(dir.resolve("java-args"));
    }

    /** The size an -Xmn or -Xmx argument gives, in MB (exactly one such argument). */
    private static long megabytes(List<String> args, String flag) {
        List<String> hits = args.stream().filter(a -> a.startsWith(flag)).toList();
        assertEquals(1, hits.size(), flag + " once: " + args);
        String v = hits.get(0).substring(flag.length()).toLowerCase();
        long n = Long.parseLong(v.replaceAll("[kmg]$", ""));
        return v.endsWith("g") ? n * 1024 : v.endsWith("k") ? n / 1024 : v.endsWith("m") ? n : n >> 20;
    }
}
