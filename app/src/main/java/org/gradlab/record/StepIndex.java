package org.gradlab.record;

import org.gradlab.telemetry.StepStats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The derived index of steps.bin: each step's byte offset and scalar values, plus a pyramid of summaries
 * (min/max/last/sum per series per 2^k steps, k ≥ {@value #FIRST_SHIFT}) so an overview of any length is
 * drawn without reading step records. Saved as index.bin with the steps.bin length it covers and a CRC;
 * rebuilt from steps.bin whenever it is missing, stale or damaged.
 */
public final class StepIndex {
    static final int FIRST_SHIFT = 4;
    private static final int MAGIC = 0x474C4958; // "GLIX"
    private static final int VERSION = 2;

    private long firstStep;
    private long[] steps = new long[1024];
    private long[] offsets = new long[1024];
    private float[] scalars = new float[1024 * Series.COUNT];
    private int count;
    private long coveredBytes;
    private List<Overview> pyramid;

    public int count() {
        return count;
    }

    /** Step number of the first record (0, or where a fork branched; an imported run's first logged step). */
    public long firstStep() {
        return count > 0 ? steps[0] : firstStep;
    }

    /** Step number of the record at position i. Our own runs record every step; imported logs may skip some. */
    public long stepAt(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("record " + i + " of " + count);
        return steps[i];
    }

    /** The last recorded step (firstStep − 1 when empty). */
    public long lastStep() {
        return count > 0 ? steps[count - 1] : firstStep - 1;
    }

    /** Position of a step's record, or −1 when that step was not recorded. */
    public int positionOf(long step) {
        if (count == 0) return -1;
        long guess = step - steps[0];
        if (guess >= 0 && guess < count && steps[(int) guess] == step) return (int) guess;
        int i = java.util.Arrays.binarySearch(steps, 0, count, step);
        return i >= 0 ? i : -1;
    }

    void setFirstStep(long s) {
        firstStep = s;
    }

    /** One past the last recorded step. */
    public long nextStep() {
        return lastStep() + 1;
    }

    /** Bytes of steps.bin the index covers (the end of the last intact record). */
    public long coveredBytes() {
        return coveredBytes;
    }

    /** Byte offset of the record at position i (step firstStep + i). */
    public long offsetAt(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("record " + i + " of " + count);
        return offsets[i];
    }

    /** Record bytes at position i, frame header included. */
    long frameLengthAt(int i) {
        long end = i + 1 < count ? offsets[i + 1] : coveredBytes;
        return end - offsets[i];
    }

    /** Value of a series at position i (step firstStep + i). */
    public float valueAt(int i, Series s) {
        return scalars[i * Series.COUNT + s.ordinal()];
    }

    /** All values of one series, one per step. */
    public float[] series(Series s) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) out[i] = scalars[i * Series.COUNT + s.ordinal()];
        return out;
    }

    void add(long offset, long frameEnd, StepStats s) {
        grow();
        steps[count] = s.step();
        offsets[count] = offset;
        Series.of(s, scalars, count * Series.COUNT);
        count++;
        coveredBytes = frameEnd;
        pyramid = null;
    }

    void addScalars(long offset, long frameEnd, long step, float[] values) {
        grow();
        steps[count] = step;
        offsets[count] = offset;
        System.arraycopy(values, 0, scalars, count * Series.COUNT, Series.COUNT);
        count++;
        coveredBytes = frameEnd;
        pyramid = null;
    }

    private void grow() {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            steps = Arrays.copyOf(steps, count * 2);
            scalars = Arrays.copyOf(scalars, count * 2 * Series.COUNT);
        }
    }

    private long[] starts(int shift, int buckets) {
        long[] out = new long[buckets];
        for (int b = 0; b < buckets; b++) out[b] = steps[Math.min(count - 1, b << shift)];
        return out;
    }

    /** At most maxBuckets buckets covering all steps: per-step values when they fit, else a pyramid level. */
    public Overview overview(int maxBuckets) {
        if (maxBuckets < 1) throw new IllegalArgumentException("maxBuckets must be >= 1");
        if (count <= maxBuckets) return level0();
        for (Overview o : pyramid()) if (o.buckets() <= maxBuckets) return o;
        List<Overview> p = pyramid();
        return p.get(p.size() - 1);
    }

    private Overview level0() {
        float[] v = Arrays.copyOf(scalars, count * Series.COUNT);
        float[] sum = v.clone();
        for (int i = 0; i < sum.length; i++) if (Float.isNaN(sum[i])) sum[i] = 0;
        return new Overview(0, count, starts(0, count), count, v, v, v, sum);
    }

    private synchronized List<Overview> pyramid() {
        if (pyramid != null) return pyramid;
        List<Overview> levels = new ArrayList<>();
        int shift = FIRST_SHIFT;
        int buckets = (int) ((count + (1L << shift) - 1) >> shift);
        float[] mn = new float[buckets * Series.COUNT], mx = new float[buckets * Series.COUNT];
        float[] ls = new float[buckets * Series.COUNT], sm = new float[buckets * Series.COUNT];
        Arrays.fill(mn, Float.NaN);
        Arrays.fill(mx, Float.NaN);
        for (int i = 0; i < count; i++) {
            int b = (i >> shift) * Series.COUNT;
            for (int s = 0; s < Series.COUNT; s++) {
                float v = scalars[i * Series.COUNT + s];
                ls[b + s] = v;
                if (Float.isNaN(v)) continue;
                if (!(mn[b + s] <= v)) mn[b + s] = v;
                if (!(mx[b + s] >= v)) mx[b + s] = v;
                sm[b + s] += v;
            }
        }
        levels.add(new Overview(shift, buckets, starts(shift, buckets), count, mn, mx, ls, sm));
        while (buckets > 1) {
            Overview prev = levels.get(levels.size() - 1);
            int nb = (prev.buckets() + 1) / 2;
            float[] a = new float[nb * Series.COUNT], b2 = new float[nb * Series.COUNT];
            float[] c = new float[nb * Series.COUNT], d = new float[nb * Series.COUNT];
            for (int i = 0; i < nb; i++) {
                for (int s = 0; s < Series.COUNT; s++) {
                    int l = (2 * i) * Series.COUNT + s, r = (2 * i + 1) * Series.COUNT + s, o = i * Series.COUNT + s;
                    boolean hasR = 2 * i + 1 < prev.buckets();
                    a[o] = nanMin(prev.min()[l], hasR ? prev.min()[r] : Float.NaN);
                    b2[o] = nanMax(prev.max()[l], hasR ? prev.max()[r] : Float.NaN);
                    c[o] = hasR ? prev.last()[r] : prev.last()[l];
                    d[o] = prev.sum()[l] + (hasR ? prev.sum()[r] : 0);
                }
            }
            buckets = nb;
            levels.add(new Overview(prev.shift() + 1, nb, starts(prev.shift() + 1, nb), count, a, b2, c, d));
        }
        pyramid = levels;
        return levels;
    }

    private static float nanMin(float a, float b) {
        return Float.isNaN(a) ? b : Float.isNaN(b) ? a : Math.min(a, b);
    }

    private static float nanMax(float a, float b) {
        return Float.isNaN(a) ? b : Float.isNaN(b) ? a : Math.max(a, b);
    }

    // ------------------------------------------------------------------ index.bin
    void save(Path dir) throws IOException {
        int n = count;
        ByteBuffer b = ByteBuffer.allocate(40 + n * 16 + n * Series.COUNT * 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putLong(coveredBytes).putLong(n).putInt(Series.COUNT).putInt(0);
        b.putLong(firstStep);
        for (int i = 0; i < n; i++) b.putLong(offsets[i]);
        for (int i = 0; i < n; i++) b.putLong(steps[i]);
        for (int i = 0; i < n * Series.COUNT; i++) b.putFloat(scalars[i]);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        b.flip();
        Path tmp = dir.resolve(RunFiles.INDEX + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp); // the index is derived: better none than a half-written one
            throw e;
        }
        Files.move(tmp, dir.resolve(RunFiles.INDEX), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The saved index if it is intact and covers exactly stepsBytes of steps.bin; null otherwise. */
    static StepIndex load(Path dir, long stepsBytes, long firstStep) {
        Path file = dir.resolve(RunFiles.INDEX);
        try {
            if (RunFiles.readable(dir, file, Integer.MAX_VALUE - 8) == null) return null;
            long size = Files.size(file);
            if (size < 44 || size > Integer.MAX_VALUE - 8) return null;
            byte[] all = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            if (b.getInt() != MAGIC || b.getInt() != VERSION) return null;
            long covered = b.getLong(), n = b.getLong();
            int series = b.getInt();
            b.getInt();
            long first = b.getLong();
            if (covered > stepsBytes || first != firstStep || series != Series.COUNT || n < 0
                    || 40 + n * 16 + n * series * 4L + 4 != all.length) return null;
            CRC32C crc = new CRC32C();
            crc.update(all, 0, all.length - 4);
            if ((int) crc.getValue() != ByteBuffer.wrap(all, all.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()) return null;
            StepIndex ix = new StepIndex();
            ix.offsets = new long[(int) Math.max(n, 1)];
            ix.steps = new long[(int) Math.max(n, 1)];
            ix.scalars = new float[(int) Math.max(n, 1) * Series.COUNT];
            for (int i = 0; i < n; i++) ix.offsets[i] = b.getLong();
            for (int i = 0; i < n; i++) ix.steps[i] = b.getLong();
            for (int i = 0; i < n * Series.COUNT; i++) ix.scalars[i] = b.getFloat();
            ix.count = (int) n;
            ix.firstStep = first;
            ix.coveredBytes = covered;
            for (int i = 1; i < n; i++) if (ix.offsets[i] <= ix.offsets[i - 1] || ix.steps[i] <= ix.steps[i - 1]) return null;
            if (n > 0 && ix.steps[0] < firstStep) return null;
            if (n > 0 && (ix.offsets[0] != 0 || ix.offsets[(int) n - 1] >= covered)) return null;
            return ix;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
