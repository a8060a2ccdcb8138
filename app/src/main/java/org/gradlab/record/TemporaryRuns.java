package org.gradlab.record;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Runs written only for the moment (a bench's recording, a TensorBoard run imported for Replay): made and removed here. */
public final class TemporaryRuns {
    private TemporaryRuns() {}

    /** A new empty directory under the system's temporary directory, named prefix + a random number. */
    public static Path create(String prefix) throws IOException {
        return Files.createTempDirectory(prefix);
    }

    /**
     * Deletes dir and everything under it, best effort: a temporary directory left behind is harmless. Links are
     * removed, never followed, so nothing outside dir is touched.
     */
    public static void delete(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left behind
                }
            });
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // left behind
        }
    }
}
