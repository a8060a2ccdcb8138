package org.gradlab.record;

import java.io.IOException;
import java.nio.file.Path;

/** A run file that cannot be read as it should: names the file, the byte offset, and what was wrong. */
public final class RunFileException extends IOException {
    private final Path file;
    private final long offset;

    public RunFileException(Path file, long offset, String problem) {
        super(file + (offset >= 0 ? " at byte " + offset : "") + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    public RunFileException(Path file, long offset, String problem, Throwable cause) {
        this(file, offset, problem);
        initCause(cause);
    }

    public Path file() {
        return file;
    }

    /** Byte offset of the problem, or -1 when it concerns the file as a whole. */
    public long offset() {
        return offset;
    }
}
