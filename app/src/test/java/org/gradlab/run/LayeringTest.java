package org.gradlab.run;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md's layering, checked on the sources: each package imports only the GradLab packages below it,
 * no engine-side package touches JavaFX, and JCuda is used only inside engine/cuda (behind its probe).
 */
class LayeringTest {
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            // kernels is the module that packages the PTX (kernels/), not a package of this one
            Map.entry("engine", Set.of("kernels")),
            Map.entry("model", Set.of("engine")),
            Map.entry("optim", Set.of("engine")),
            Map.entry("clip", Set.of("engine")),
            Map.entry("telemetry", Set.of("engine", "clip")),
            Map.entry("task", Set.of()),
            Map.entry("run", Set.of("engine", "model", "optim", "clip", "telemetry", "task")),
            // record serialises the run config, which holds the optimizer config (optim) — types only, no math
            Map.entry("record", Set.of("engine", "clip", "telemetry", "run", "optim")),
            Map.entry("cli", Set.of("engine", "model", "optim", "clip", "telemetry", "task", "run", "record")),
            Map.entry("ui", Set.of("clip", "telemetry", "run", "record", "optim")));
    private static final Set<String> NO_UI = Set.of("engine", "model", "optim", "clip", "telemetry", "task", "record");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void packagesDependDownwardOnly() throws IOException {
        Path root = Path.of("src/main/java/org/gradlab");
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f).getName(0).toString();
                if (f.getParent().equals(root)) continue;
                Set<String> allowed = ALLOWED.get(pkg);
                if (allowed == null) {
                    problems.add(f + ": package '" + pkg + "' is not in DESIGN.md's table");
                    continue;
                }
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    String imp = m.group(2);
                    if (imp.startsWith("org.gradlab.")) {
                        String target = imp.substring("org.gradlab.".length()).split("\\.")[0];
                        if (!target.equals(pkg) && !allowed.contains(target)) problems.add(f + " imports " + imp);
                    }
                    if (NO_UI.contains(pkg) && (imp.startsWith("javafx.") || imp.startsWith("org.controlsfx."))) {
                        problems.add(f + " imports " + imp);
                    }
                    boolean cudaPackage = root.relativize(f).startsWith(Path.of("engine", "cuda"));
                    if (imp.startsWith("jcuda.") && !cudaPackage) problems.add(f + " imports " + imp + " outside engine/cuda");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
