package org.gradlab.engine.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;

/**
 * JCuda copies its native library out of its jar into java.io.tmpdir only when no file of that name is
 * there yet, with no checksum: a copy cut short (a full disk, a killed process) would be loaded, and fail,
 * forever. Before the probe loads it, a copy that differs from the jar's is deleted, so JCuda extracts a
 * fresh one. Touches files only, never JCuda's classes.
 */
final class JCudaNatives {
    static final String VERSION = "12.0.0";

    private JCudaNatives() {}

    /** The driver binding's file name as JCuda's LibUtils names it on this platform, or null if unsupported. */
    static String driverLibraryName() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("linux") ? "linux" : os.contains("windows") ? "windows" : os.contains("mac") ? "apple" : null;
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") ? "aarch64"
                : arch.startsWith("ppc64") ? "ppc_64" : null;
        return o == null || a == null ? null : System.mapLibraryName("JCudaDriver-" + VERSION + "-" + o + "-" + a);
    }

    /** Deletes dir/name when it differs from the jar's /lib/name; true when something was deleted. */
    static boolean dropStaleCopy(Path dir, String name) {
        if (name == null) return false;
        Path copy = dir.resolve(name);
        if (!Files.isRegularFile(copy)) return false;
        try (InputStream in = JCudaNatives.class.getResourceAsStream("/lib/" + name)) {
            if (in == null) return false;
            byte[] jar = in.readAllBytes();
            if (Files.size(copy) == jar.length && Arrays.equals(sha256(jar), sha256(Files.readAllBytes(copy)))) return false;
            Files.delete(copy);
            return true;
        } catch (IOException e) {
            return false;   // unreadable or not ours to delete: JCuda's own error will say what is wrong
        }
    }

    static void dropStaleCopy() {
        dropStaleCopy(Path.of(System.getProperty("java.io.tmpdir")), driverLibraryName());
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
