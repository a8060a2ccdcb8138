package org.gradlab.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's commands cannot rot unseen: every bash block is either marked runnable (CI runs it through
 * scripts/readme-commands.sh) or says why it is not run.
 */
class ReadmeTest {
    @Test
    void everyBashBlockIsRunByCiOrSaysWhyNot() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
        List<String> unmarked = new ArrayList<>();
        int runnable = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals("```bash")) continue;
            String before = i > 0 ? lines.get(i - 1) : "";
            if (before.equals("<!-- runnable -->")) runnable++;
            else if (!before.matches("<!-- not run: .{10,} -->")) unmarked.add("README.md line " + (i + 1) + ": " + lines.get(i + 1));
        }
        assertTrue(unmarked.isEmpty(), "bash blocks with neither mark:\n" + String.join("\n", unmarked));
        assertTrue(runnable >= 4, "the README's CLI examples run in CI: " + runnable);
    }

    @Test
    void aMavenCommandThatSelectsTheAppModuleAlsoBuildsWhatItNeeds() throws Exception {
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (line.contains("mvn") && line.contains("-pl app")) assertTrue(line.contains("-am"), "needs -am on a fresh machine: " + line);
        }
    }
}
