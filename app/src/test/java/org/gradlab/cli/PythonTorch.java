package org.gradlab.cli;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Python that has PyTorch, for the probe's tests. Without one the tests are skipped with the reason — except
 * where GRADLAB_REQUIRE_TORCH is set (CI installs Debian's python3-torch and sets it), where that is a failure.
 */
final class PythonTorch {
    /** The probe's Python sources, from the app module (where Maven runs the tests). */
    static final Path MAIN = Path.of("src", "main", "python"), TESTS = Path.of("src", "test", "python");

    private PythonTorch() {}

    static String find() {
        for (String py : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                if (run(List.of(py, "-c", "import torch"), Path.of("."), 120).code == 0) return py;
            } catch (IOException e) {
                // not installed: try the next
            }
        }
        String why = "no python3 with PyTorch (apt-get install -y python3-torch)";
        if (System.getenv("GRADLAB_REQUIRE_TORCH") != null) Assertions.fail(why + ", and GRADLAB_REQUIRE_TORCH is set");
        Assumptions.abort(why);
        return null;
    }

    record Result(int code, String output) {}

    static Result run(List<String> command, Path dir, long timeoutSeconds) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
