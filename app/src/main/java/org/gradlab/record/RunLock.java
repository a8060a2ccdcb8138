package org.gradlab.record;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One writer per run folder: an exclusive lock on the folder's .lock file, held for the writer's life. The
 * operating system drops it when the process ends, however it ends, so a killed writer never leaves a stale
 * lock; a second writer — another process, or another writer in this one — is refused.
 */
final class RunLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static RunLock acquire(Path dir) throws RunFileException {
        Path file = dir.resolve(RunFiles.LOCK);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new RunFileException(file, -1, "cannot create the lock file: " + e.getMessage(), e);
        }
        FileLock l = null;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            // this process already records here
        } catch (IOException e) {
            closeQuietly(ch);
            throw new RunFileException(file, -1, "cannot lock: " + e.getMessage(), e);
        }
        if (l == null) {
            closeQuietly(ch);
            throw new RunFileException(dir, -1, "another GradLab process is recording into this folder; choose another --out");
        }
        return new RunLock(ch, l);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was locked
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
