package org.gradlab.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe's own Python tests (app/src/test/python/test_*.py), run from `mvn test`. */
class ProbePythonTest {
    @Test
    void pythonTestsPass() throws Exception {
        String py = PythonTorch.find();
        PythonTorch.Result r = PythonTorch.run(List.of(py, "-m", "unittest", "discover", "-s", PythonTorch.TESTS.toString(), "-p", "test_*.py", "-v"),
                Path.of("."), 600);
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("OK"), r.output());
    }
}
