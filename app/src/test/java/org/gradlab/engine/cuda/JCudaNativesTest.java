package org.gradlab.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A truncated or altered copy of JCuda's native library in the temp folder is removed; a good one stays. */
class JCudaNativesTest {
    @Test
    void staleCopiesGoAndGoodOnesStay(@TempDir Path tmp) throws Exception {
        String name = JCudaNatives.driverLibraryName();
        assertNotNull(name, "this platform has a JCuda build");
        byte[] jar;
        try (InputStream in = JCudaNatives.class.getResourceAsStream("/lib/" + name)) {
            assertNotNull(in, "the natives jar is on the class path: /lib/" + name);
            jar = in.readAllBytes();
        }
        assertFalse(JCudaNatives.dropStaleCopy(tmp, name), "nothing there: nothing to do");
        Files.write(tmp.resolve(name), Arrays.copyOf(jar, jar.length / 2));
        assertTrue(JCudaNatives.dropStaleCopy(tmp, name), "a copy cut short is deleted");
        assertFalse(Files.exists(tmp.resolve(name)));
        byte[] altered = jar.clone();
        altered[altered.length / 3] ^= 1;
        Files.write(tmp.resolve(name), altered);
        assertTrue(JCudaNatives.dropStaleCopy(tmp, name), "same size, other bytes: deleted");
        Files.write(tmp.resolve(name), jar);
        assertFalse(JCudaNatives.dropStaleCopy(tmp, name), "an exact copy stays");
        assertArrayEquals(jar, Files.readAllBytes(tmp.resolve(name)));
    }
}
