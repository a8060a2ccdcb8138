package org.gradlab.record;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Names and limits of the run directory format. */
public final class RunFiles {
    public static final int FORMAT_VERSION = 1;
    public static final String MANIFEST = "run.json", EVENTS = "events.jsonl", STEPS = "steps.bin", INDEX = "index.bin", SUMMARY = "summary.bin",
            CHECKPOINTS = "checkpoints", INCOMPLETE = "INCOMPLETE", LOCK = ".lock";
    /** steps.bin frame: u32 payload length, u32 CRC32C of the payload, payload. */
    public static final int FRAME_HEADER = 8;
    /** No step record is near this; anything larger is corruption, never an allocation. */
    public static final int MAX_RECORD = 4 << 20;
    public static final long MAX_MANIFEST = 16 << 20, MAX_EVENT_LINE = 64 << 10, MAX_EVENTS = 64L << 20;

    private RunFiles() {}

    /** Marks a run as being written: the mark goes when its writer closes cleanly, and stays if it is killed. */
    static void markIncomplete(Path dir) throws IOException {
        Files.writeString(dir.resolve(INCOMPLETE), "This run's recording has not finished: it is being written, or the process writing "
                + "it was stopped before it could close it. Every step before that is intact.\n");
    }

    static void markComplete(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(INCOMPLETE));
    }

    /** Whether the run's recording did not finish cleanly (still being written, or interrupted). */
    public static boolean incomplete(Path dir) {
        return Files.exists(dir.resolve(INCOMPLETE), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * A file of a run folder that a reader may open: null when it does not exist; else a regular file (a link
     * only to a regular file inside the folder) of at most maxBytes. Devices, pipes, folders, links out of the
     * folder and oversized files are refused with the reason — a reader never blocks on a pipe or reads
     * /dev/zero into memory.
     */
    public static Path readable(Path dir, Path file, long maxBytes) throws RunFileException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return null;
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            throw new RunFileException(file, -1, "a link to nothing (" + e.getMessage() + ")");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new RunFileException(file, -1, "not a regular file (a device, a pipe or a folder): not read");
        }
        try {
            if (Files.isSymbolicLink(file) && !real.startsWith(dir.toRealPath())) {
                throw new RunFileException(file, -1, "a link out of the run folder (to " + real + "): not read");
            }
            long size = Files.size(real);
            if (size > maxBytes) throw new RunFileException(file, -1, size + " bytes: larger than a GradLab run writes (" + maxBytes + ")");
        } catch (RunFileException e) {
            throw e;
        } catch (IOException e) {
            throw new RunFileException(file, -1, "cannot read: " + e.getMessage(), e);
        }
        return file;
    }
}
