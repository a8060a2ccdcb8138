package org.gradlab.engine;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JIT setting the vector kernels need is passed wherever GradLab's JVMs start (see VectorSupport). */
class VectorSupportTest {
    @Test
    void testsRunWithTheRaisedTrapLimit() {
        assertTrue(VectorSupport.jitTrapLimitRaised(), "surefire's argLine must pass -XX:PerMethodTrapLimit");
        assertFalse(VectorSupport.describe().contains("not raised"), VectorSupport.describe());
    }

    @Test
    void theLauncherRaisesItAboveHotSpotsDefault() throws Exception {
        Path launcher = Path.of(System.getProperty("user.dir")).resolveSibling("gradlab");
        if (!Files.exists(launcher)) launcher = Path.of("gradlab");
        Matcher m = Pattern.compile("^vm=\\(.*-XX:PerMethodTrapLimit=(\\d+)", Pattern.MULTILINE).matcher(Files.readString(launcher));
        assertTrue(m.find(), "the launcher's JVM options carry -XX:PerMethodTrapLimit");
        assertTrue(Long.parseLong(m.group(1)) > VectorSupport.DEFAULT_TRAP_LIMIT);
        assertTrue(Files.readString(launcher).contains("exec java \"${vm[@]}\""), "and pass them to java");
    }
}
