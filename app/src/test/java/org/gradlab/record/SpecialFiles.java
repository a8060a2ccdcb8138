package org.gradlab.record;

import java.nio.file.Path;

/** Special files for the fault tests. */
public final class SpecialFiles {
    private SpecialFiles() {}

    /** Makes a named pipe where the machine has mkfifo; false where it cannot (the link cases cover the same refusal). */
    public static boolean mkfifo(Path p) {
        try {
            return new ProcessBuilder("mkfifo", p.toString()).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
