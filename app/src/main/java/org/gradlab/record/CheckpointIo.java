package org.gradlab.record;

import org.gradlab.run.Snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * checkpoints/step-NNNNNNNN.ckpt: a {@link Snapshot} (weights, optimizer state, clip spec and state, lr,
 * policy) with a CRC32C at the end, written to a temporary file, forced, then renamed, so a checkpoint is
 * either whole or absent.
 */
public final class CheckpointIo {
    private static final int MAGIC = 0x474C434B; // "GLCK"
    private static final Pattern NAME = Pattern.compile("step-(\\d{1,19})\\.ckpt");

    private CheckpointIo() {}

    public static Path fileFor(Path dir, long step) {
        return dir.resolve(RunFiles.CHECKPOINTS).resolve(String.format("step-%010d.ckpt", step));
    }

    public static void write(Path dir, Snapshot s) throws IOException {
        ByteSink out = new ByteSink();
        out.u32(MAGIC);
        out.u32(RunFiles.FORMAT_VERSION);
        out.varLong(s.step());
        out.f64(s.lr());
        str(out, s.clipSpec());
        str(out, s.nonFinitePolicy());
        out.varLong(s.params().length);
        out.floats(s.params());
        out.varLong(s.optimizerState().length);
        for (float[] a : s.optimizerState()) {
            out.varLong(a.length);
            out.floats(a);
        }
        out.varLong(s.clipState().length);
        for (double d : s.clipState()) out.f64(d);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.length());
        out.u32((int) crc.getValue());
        Path file = fileFor(dir, s.step());
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(out.array(), 0, out.length());
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp); // a half-written checkpoint is never left behind
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void str(ByteSink out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.varLong(b.length);
        out.bytes(b, 0, b.length);
    }

    /** Steps that have a checkpoint, ascending. */
    public static List<Long> list(Path dir) throws IOException {
        Path d = dir.resolve(RunFiles.CHECKPOINTS);
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(d)) return out;
        try (Stream<Path> s = Files.list(d)) {
            for (Path p : s.toList()) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) out.add(Long.parseLong(m.group(1)));
            }
        }
        out.sort(null);
        return out;
    }

    public static Snapshot read(Path dir, long step, int expectedParams) throws RunFileException {
        Path file = fileFor(dir, step);
        byte[] all;
        try {
            // weights and up to 8 optimizer arrays, a few strings, and an adaptive clip's history (at most one
            // value per step taken; AutoClip without a window keeps them all)
            long max = 36L * expectedParams + 8L * (step + 1) + (1 << 16);
            if (RunFiles.readable(dir, file, Math.min(max, Integer.MAX_VALUE - 16)) == null) {
                throw new RunFileException(file, -1, "no such checkpoint");
            }
            all = Files.readAllBytes(file);
        } catch (RunFileException e) {
            throw e;
        } catch (IOException e) {
            throw new RunFileException(file, -1, "cannot read: " + e.getMessage(), e);
        }
        if (all.length < 12) throw new RunFileException(file, 0, "too short to be a checkpoint");
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 4);
        int stored = ByteBuffer.wrap(all, all.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int) crc.getValue() != stored) throw new RunFileException(file, all.length - 4, "checksum mismatch");
        ByteSource in = new ByteSource(all, 0, all.length - 4);
        try {
            if (in.u32() != MAGIC) throw new RunFileException(file, 0, "not a GradLab checkpoint");
            int v = in.u32();
            if (v != RunFiles.FORMAT_VERSION) throw new RunFileException(file, 4, "checkpoint format version " + v + " is not supported");
            long s = in.varLong();
            double lr = in.f64();
            String clip = readStr(in);
            String policy = readStr(in);
            float[] params = in.floats(in.count(expectedParams, "parameter count"));
            if (params.length != expectedParams) throw new RunFileException(file, in.position(), "has " + params.length
                    + " parameters, the run's layout has " + expectedParams);
            int nState = in.count(8, "optimizer state arrays");
            float[][] opt = new float[nState][];
            for (int i = 0; i < nState; i++) opt[i] = in.floats(in.count(expectedParams, "optimizer state size"));
            int nClip = in.count((int) Math.min(Integer.MAX_VALUE - 16, step + 16), "clip state size");
            double[] clipState = new double[nClip];
            for (int i = 0; i < nClip; i++) clipState[i] = in.f64();
            if (s != step) throw new RunFileException(file, 8, "records step " + s + " but is named for step " + step);
            return new Snapshot(s, params, opt, clip, clipState, lr, policy);
        } catch (ByteSource.Malformed m) {
            throw new RunFileException(file, m.position, m.getMessage());
        }
    }

    private static String readStr(ByteSource in) throws ByteSource.Malformed {
        int n = in.count(4096, "string length");
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) in.u8();
        return new String(b, StandardCharsets.UTF_8);
    }
}
