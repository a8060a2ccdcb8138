package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JIT settings the vector kernels need are passed wherever GradLab's JVMs start (see VectorSupport). */
class VectorSupportTest {
    @Test
    void testsRunWithTheRaisedTrapLimit() {
        assertTrue(VectorSupport.jitTrapLimitRaised(), "surefire's argLine must pass -XX:PerMethodTrapLimit");
        assertTrue(VectorSupport.activationsKeptApart(), "surefire's argLine must keep VectorActivations apart");
        assertTrue(VectorSupport.recompilationCutoffRaised(), "surefire's argLine must pass -XX:PerMethodRecompilationCutoff");
        assertFalse(VectorSupport.describe().contains("missing"), VectorSupport.describe());
    }

    @Test
    void theLauncherRaisesItAboveHotSpotsDefault() throws Exception {
        String vm = launcherOptions();
        Matcher m = Pattern.compile("-XX:PerMethodTrapLimit=(\\d+)").matcher(vm);
        assertTrue(m.find(), "the launcher's JVM options carry -XX:PerMethodTrapLimit");
        assertTrue(Long.parseLong(m.group(1)) > VectorSupport.DEFAULT_TRAP_LIMIT);
        Matcher cut = Pattern.compile("-XX:PerMethodRecompilationCutoff=(\\d+)").matcher(vm);
        assertTrue(cut.find(), "the launcher's JVM options carry -XX:PerMethodRecompilationCutoff");
        assertTrue(Long.parseLong(cut.group(1)) > VectorSupport.DEFAULT_RECOMPILATION_CUTOFF);
        assertTrue(vm.contains("-XX:CompileCommand=" + VectorSupport.DONT_INLINE_ACTIVATIONS),
                "the launcher keeps VectorActivations apart: " + vm);
        assertTrue(vm.contains("-XX:CompileCommand=quiet"), "without printing it on every start");
        assertTrue(Files.readString(root().resolve("gradlab")).contains("exec java \"${vm[@]}\""), "and pass them to java");
    }

    /**
     * The five places that start a JVM for GradLab (the launcher, surefire, javafx:run, the UI bench and the GPU
     * checks) write the JIT flags out each: they must name the same ones with the same values, so that a flag added
     * or changed in one cannot leave the others behind.
     */
    @Test
    void everyPlaceThatStartsAJvmPassesTheSameJitFlags() throws Exception {
        Path root = root();
        java.util.Set<String> want = jitFlags(launcherOptions());
        assertTrue(want.size() >= 5, "the launcher's JIT flags: " + want);
        String pom = Files.readString(root.resolve("app/pom.xml"));
        Matcher argLine = Pattern.compile("<argLine>([^<]*)</argLine>").matcher(pom);
        assertTrue(argLine.find(), "surefire's argLine");
        Matcher options = Pattern.compile("<options>(.*?)</options>", Pattern.DOTALL).matcher(pom);
        assertTrue(options.find(), "javafx:run's options");
        Map<String, String> places = new TreeMap<>();
        places.put("surefire's argLine", argLine.group(1));
        places.put("javafx:run's options", options.group(1));
        places.put("scripts/ui-bench.sh", Files.readString(root.resolve("scripts/ui-bench.sh")));
        places.put("scripts/gpu-checks.sh", Files.readString(root.resolve("scripts/gpu-checks.sh")));
        places.forEach((where, text) -> org.junit.jupiter.api.Assertions.assertEquals(want, jitFlags(text),
                where + " passes the launcher's JIT flags"));
    }

    /** The repository's root: the tests run from app/ under Maven, from the root in an IDE. */
    private static Path root() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        return Files.exists(dir.resolve("gradlab")) ? dir : dir.getParent();
    }

    /** The launcher's JVM options: its vm=(...) array. */
    private static String launcherOptions() throws Exception {
        Matcher vm = Pattern.compile("^vm=\\(([^)]*)\\)", Pattern.MULTILINE).matcher(Files.readString(root().resolve("gradlab")));
        assertTrue(vm.find(), "the launcher's vm=(...) options");
        return vm.group(1);
    }

    private static java.util.Set<String> jitFlags(String text) {
        Matcher m = Pattern.compile("-XX:(?:Per\\w+=\\d+|CompileCommand=[^\\s\"'<]+)").matcher(text);
        java.util.Set<String> out = new java.util.TreeSet<>();
        while (m.find()) out.add(m.group());
        return out;
    }

    /**
     * The rule that makes the flag enough: exp's lane math (a vector in, a vector out) is called only from
     * VectorActivations' loops, which C2 compiles on their own, and those loops pass arrays, never vectors.
     */
    @Test
    void onlyVectorActivationsCallsTheVectorLaneMath() throws Exception {
        Pattern call = Pattern.compile("VectorMath\\.(exp|tanh|sigmoid|erfHalf)\\(");
        Map<String, String> sources = engineSources();
        sources.forEach((name, text) -> {
            if (!name.equals("VectorMath.java") && !name.equals("VectorActivations.java")) {
                assertFalse(call.matcher(text).find(), name + " calls VectorMath's vector lane math");
            }
        });
        assertTrue(call.matcher(sources.get("VectorActivations.java")).find());
    }

    /**
     * Outside VectorMath's lane math no method takes or returns a vector: where C2 does not inline the callee, the
     * vector is boxed at the call (VectorNorms.lanesInOrder, not inlined, boxed one per block of gradient values).
     */
    @Test
    void vectorsCrossNoOtherCall() throws Exception {
        String type = "(FloatVector|DoubleVector|IntVector)";
        Pattern signature = Pattern.compile("static\\s+" + type + "\\s+\\w+\\s*\\((?!float c\\))|\\(([^)(]*,\\s*)?"
                + type + "\\s+\\w+\\s*[,)]");
        Map<String, String> sources = engineSources();
        sources.forEach((name, text) -> {
            Matcher m = signature.matcher(text);
            if (!name.equals("VectorMath.java")) {
                assertFalse(m.find(), name + " passes a vector to or from a method: " + (m.hitEnd() ? "" : m.group()));
            }
        });
        assertTrue(sources.size() > 30);
        assertTrue(signature.matcher(sources.get("VectorMath.java")).find(), "the pattern sees VectorMath's");
    }

    /** The engine package's main sources by file name (the tests run from app/ under Maven, from the root in an IDE). */
    private static Map<String, String> engineSources() throws Exception {
        Path dir = Path.of("src/main/java/org/gradlab/engine");
        if (!Files.isDirectory(dir)) dir = Path.of("app").resolve(dir);
        Map<String, String> out = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                out.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        return out;
    }
}
