package org.gradlab.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** A file channel that behaves like a disk that fills up after `room` more bytes: then every write fails. */
final class FullDiskChannel extends FileChannel {
    private final FileChannel inner;
    private long room;

    FullDiskChannel(FileChannel inner, long room) {
        this.inner = inner;
        this.room = room;
    }

    private int take(ByteBuffer src) throws IOException {
        if (src.remaining() > room) throw new IOException("No space left on device");
        int n = inner.write(src);
        room -= n;
        return n;
    }

    @Override public int write(ByteBuffer src) throws IOException { return take(src); }
    @Override public int write(ByteBuffer src, long position) throws IOException {
        if (src.remaining() > room) throw new IOException("No space left on device");
        int n = inner.write(src, position);
        room -= n;
        return n;
    }
    @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long n = 0;
        for (int i = offset; i < offset + length; i++) n += take(srcs[i]);
        return n;
    }
    @Override public int read(ByteBuffer dst) throws IOException { return inner.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return inner.read(dsts, offset, length); }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return inner.read(dst, position); }
    @Override public long position() throws IOException { return inner.position(); }
    @Override public FileChannel position(long p) throws IOException { inner.position(p); return this; }
    @Override public long size() throws IOException { return inner.size(); }
    @Override public FileChannel truncate(long size) throws IOException { inner.truncate(size); return this; }
    @Override public void force(boolean metaData) throws IOException { inner.force(metaData); }
    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException { return inner.transferTo(position, count, target); }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException { throw new IOException("not supported"); }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { return inner.map(mode, position, size); }
    @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return inner.lock(position, size, shared); }
    @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return inner.tryLock(position, size, shared); }
    @Override protected void implCloseChannel() throws IOException { inner.close(); }
}
