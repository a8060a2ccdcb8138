package org.gradlab.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX is what the sources compile to, and every GPU generation we support assembles it.
 * No GPU is needed: the hash check always runs; the rebuild and ptxas checks need the CUDA toolkit
 * (nvcc/ptxas on PATH, as on the development and CI machines).
 */
class PtxMatchesSourcesTest {
    /** sm_75 (Turing, the lowest CUDA 13 supports) through sm_90 (Hopper). */
    static final List<String> ARCHES = List.of("sm_75", "sm_80", "sm_86", "sm_89", "sm_90");

    static final Path DIR = Path.of(System.getProperty("gradlab.kernels.dir", "."));

    static List<Path> sources(String glob) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(DIR.resolve("src/cuda"))) {
            s.filter(p -> p.getFileName().toString().endsWith(glob)).sorted().forEach(out::add);
        }
        return out;
    }

    static String name(Path p) {
        String f = p.getFileName().toString();
        return f.substring(0, f.lastIndexOf('.'));
    }

    @Test
    void everySourceHasItsPtxAndIsListed() throws IOException {
        List<String> cu = sources(".cu").stream().map(PtxMatchesSourcesTest::name).toList();
        List<String> ptx;
        try (Stream<Path> s = Files.list(DIR.resolve("ptx"))) {
            ptx = s.map(PtxMatchesSourcesTest::name).sorted().toList();
        }
        assertEquals(cu, ptx, "kernels/ptx must hold one PTX per .cu (run kernels/scripts/build-ptx.sh)");
        assertEquals(cu, Kernels.MODULES.stream().sorted().toList(), "Kernels.MODULES lists every family");
    }

    @Test
    void ptxHeaderNamesTheHashOfTheCurrentSources() throws Exception {
        for (Path cu : sources(".cu")) {
            String expected = sourcesHash(cu);
            String first = Files.readAllLines(DIR.resolve("ptx/" + name(cu) + ".ptx")).get(0);
            assertEquals("// gradlab-sources-sha256: " + expected, first,
                    cu.getFileName() + " changed since its PTX was built: run kernels/scripts/build-ptx.sh");
        }
    }

    @Test
    void packagedPtxIsNulTerminatedForTheDriver() {
        for (String m : Kernels.MODULES) {
            byte[] b = Kernels.ptx(m);
            assertEquals(0, b[b.length - 1]);
            String text = new String(b, 0, b.length - 1, StandardCharsets.US_ASCII);
            assertTrue(text.contains(".visible .entry"), m + " has kernels");
            assertEquals(-1, text.indexOf('\0'), "no NUL inside the text");
        }
    }

    @Test
    void rebuildingWithNvccGivesTheCommittedPtx(@TempDir Path tmp) throws Exception {
        assumeTrue(onPath("nvcc"), "nvcc not on PATH");
        // another toolkit writes other (valid) PTX: compare bytes only against the nvcc that made the files
        String made = Files.readAllLines(DIR.resolve("ptx/matmul.ptx")).stream()
                .filter(l -> l.startsWith("// Cuda compilation tools")).findFirst().orElse("?").substring(3);
        String here = output(List.of("nvcc", "--version")).lines()
                .filter(l -> l.startsWith("Cuda compilation tools")).findFirst().orElse("none");
        assumeTrue(made.equals(here), "the PTX was made by '" + made + "', this nvcc is '" + here + "'");
        run(List.of("bash", DIR.resolve("scripts/build-ptx.sh").toString(), tmp.toString()));
        for (Path cu : sources(".cu")) {
            String n = name(cu) + ".ptx";
            assertArrayEquals(Files.readAllBytes(DIR.resolve("ptx/" + n)), Files.readAllBytes(tmp.resolve(n)),
                    n + " differs from a fresh nvcc build");
        }
    }

    @Test
    void ptxasAssemblesEveryModuleForSm75ThroughSm90(@TempDir Path tmp) throws Exception {
        assumeTrue(onPath("ptxas"), "ptxas not on PATH");
        for (String m : Kernels.MODULES) {
            for (String arch : ARCHES) {
                run(List.of("ptxas", "-arch=" + arch, DIR.resolve("ptx/" + m + ".ptx").toString(),
                        "-o", tmp.resolve(m + "." + arch + ".cubin").toString()));
                assertTrue(Files.size(tmp.resolve(m + "." + arch + ".cubin")) > 0);
            }
        }
    }

    /** SHA-256 of the .cu followed by every shared header, in name order (as build-ptx.sh computes it). */
    static String sourcesHash(Path cu) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(Files.readAllBytes(cu));
        for (Path h : sources(".cuh")) md.update(Files.readAllBytes(h));
        return HexFormat.of().formatHex(md.digest());
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    static void run(List<String> cmd) throws IOException, InterruptedException {
        output(cmd);
    }

    static String output(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }
}
