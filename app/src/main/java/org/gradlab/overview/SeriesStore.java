package org.gradlab.overview;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * One scalar series of a run for drawing: buckets of 2^k consecutive steps each keeping min, max and last
 * (NaN values are counted, not averaged away). When the buckets fill up, neighbours merge and the bucket width
 * doubles — so a million-step run costs a fixed few hundred kilobytes and any full-run view stays exact in
 * its per-pixel min/max/last.
 *
 * Zoomed in past the buckets' width, a window is drawn from a finer store ({@link #forWindow}): the recent
 * steps one per bucket (kept as they arrive, when the store is made with a recent capacity), or a detail store
 * for a window that a replay read from its records ({@link #setDetail}).
 */
public final class SeriesStore {
    private final int capacity;
    /** The latest steps one per bucket (covers at least the last recentCapacity / 2 steps); null when not kept. */
    private SeriesStore recent;
    private final int recentCapacity;
    private SeriesStore detail;
    private float[] min, max, last;
    private int[] nonFinite;
    private long first = -1;
    private int shift;
    private int buckets;
    private long lastStep = -1;

    public SeriesStore(int capacity) {
        this(capacity, 0);
    }

    /** With recentCapacity > 0, also keeps the last recentCapacity / 2 or more steps one per bucket, for deep zoom. */
    public SeriesStore(int capacity, int recentCapacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("capacity must be a power of two >= 2");
        this.capacity = capacity;
        this.recentCapacity = recentCapacity;
        min = new float[capacity];
        max = new float[capacity];
        last = new float[capacity];
        nonFinite = new int[capacity];
    }

    public void append(long step, float v) {
        if (first < 0) first = step;
        if (step <= lastStep) return; // already have it (a re-delivered step)
        lastStep = step;
        if (recentCapacity > 0) keepRecent(step, v);
        int b = (int) ((step - first) >> shift);
        while (b >= capacity) {
            compact();
            b = (int) ((step - first) >> shift);
        }
        while (buckets <= b) {
            min[buckets] = Float.NaN;
            max[buckets] = Float.NaN;
            last[buckets] = Float.NaN;
            nonFinite[buckets] = 0;
            buckets++;
        }
        last[b] = v;
        if (!Float.isFinite(v)) {
            nonFinite[b]++;
            return;
        }
        if (!(min[b] <= v)) min[b] = v;
        if (!(max[b] >= v)) max[b] = v;
    }

    /** Appends to the one-per-bucket store; when it is full, starts a new one holding its second half. */
    private void keepRecent(long step, float v) {
        if (recent != null && recent.buckets > 0 && step - recent.first >= recentCapacity) {
            SeriesStore next = new SeriesStore(recentCapacity);
            long from = step - recentCapacity / 2;
            for (int b = 0; b < recent.buckets; b++) {
                long k = recent.first + b;
                if (k < from) continue;
                if (recent.nonFinite[b] > 0) next.append(k, recent.last[b]);
                else if (!Float.isNaN(recent.last[b])) next.append(k, recent.last[b]);
            }
            recent = next;
        }
        if (recent == null) recent = new SeriesStore(recentCapacity);
        recent.append(step, v);
    }

    /** A finer store read for a window (a replay's records around its zoom); null drops it. */
    public void setDetail(SeriesStore d) {
        detail = d;
    }

    /**
     * The store to draw steps [from, to] from: this one, or where its buckets are wider than one step, a finer one
     * that holds all of that window — the recent steps or a replay's detail — so a one-step spike stays one step wide.
     */
    public SeriesStore forWindow(long from, long to) {
        if (shift == 0 || buckets == 0) return this;
        long hi = Math.min(to, lastStep);
        if (recent != null && recent.buckets > 0 && recent.first <= Math.max(from, first) && recent.lastStep >= hi) return recent;
        if (detail != null && detail.buckets > 0 && detail.first <= Math.max(from, first) && detail.lastStep >= hi
                && detail.shift < shift) return detail;
        return this;
    }

    private void compact() {
        int nb = (buckets + 1) / 2;
        for (int i = 0; i < nb; i++) {
            int l = 2 * i, r = 2 * i + 1;
            boolean hasR = r < buckets;
            min[i] = nanMin(min[l], hasR ? min[r] : Float.NaN);
            max[i] = nanMax(max[l], hasR ? max[r] : Float.NaN);
            last[i] = hasR ? last[r] : last[l];
            nonFinite[i] = nonFinite[l] + (hasR ? nonFinite[r] : 0);
        }
        Arrays.fill(min, nb, buckets, Float.NaN);
        buckets = nb;
        shift++;
    }

    private static float nanMin(float a, float b) {
        return Float.isNaN(a) ? b : Float.isNaN(b) ? a : Math.min(a, b);
    }

    private static float nanMax(float a, float b) {
        return Float.isNaN(a) ? b : Float.isNaN(b) ? a : Math.max(a, b);
    }

    /** Its buckets (not the recent or detail stores), for a run's summary file. */
    public void write(DataOutput out) throws IOException {
        out.writeLong(first);
        out.writeLong(lastStep);
        out.writeInt(shift);
        out.writeInt(buckets);
        for (int b = 0; b < buckets; b++) {
            out.writeFloat(min[b]);
            out.writeFloat(max[b]);
            out.writeFloat(last[b]);
            out.writeInt(nonFinite[b]);
        }
    }

    /** A store of `capacity` buckets as {@link #write} wrote it; a bucket layout no store could have is refused. */
    public static SeriesStore read(DataInput in, int capacity) throws IOException {
        SeriesStore s = new SeriesStore(capacity);
        s.first = in.readLong();
        s.lastStep = in.readLong();
        s.shift = in.readInt();
        s.buckets = in.readInt();
        checkLayout("a series store", s.first, s.lastStep, s.shift, s.buckets, capacity);
        for (int b = 0; b < s.buckets; b++) {
            s.min[b] = in.readFloat();
            s.max[b] = in.readFloat();
            s.last[b] = in.readFloat();
            s.nonFinite[b] = in.readInt();
        }
        return s;
    }

    /**
     * Refuses a read pyramid whose buckets no store could have made: `count` buckets of 2^shift steps from `first`
     * must end at the bucket holding `last` (or be empty), within `capacity`. Shared by every pyramid's read.
     */
    static void checkLayout(String what, long first, long last, int shift, int count, int capacity) throws IOException {
        boolean empty = count == 0 && last == -1;
        if (count < 0 || count > capacity || shift < 0 || shift > 62
                || (!empty && (first < 0 || last < first || ((last - first) >> shift) != count - 1))) {
            throw new IOException(what + " with " + count + " buckets of 2^" + shift + " steps over " + first + ".." + last);
        }
    }

    public boolean isEmpty() { return buckets == 0; }
    public int buckets() { return buckets; }
    public long firstStep() { return first; }
    public long lastStep() { return lastStep; }
    /** Steps per bucket (a power of two). */
    public long bucketWidth() { return 1L << shift; }
    public float min(int b) { return min[b]; }
    public float max(int b) { return max[b]; }
    public float last(int b) { return last[b]; }
    public int nonFinite(int b) { return nonFinite[b]; }
    public long bucketStart(int b) { return first + ((long) b << shift); }

    /** The bucket holding a step, clamped to the stored range. */
    public int bucketOf(long step) {
        if (buckets == 0) return -1;
        long b = (step - first) >> shift;
        return (int) Math.max(0, Math.min(buckets - 1, b));
    }

    /** The value of exactly step k where a bucket holds that step alone; NaN otherwise (not stored, or merged with others). */
    public float exactlyAt(long k) {
        if (buckets == 0 || shift != 0 || k < first || k > lastStep) return Float.NaN;
        return last[bucketOf(k)];
    }

    /** Last value at or before a step (NaN if none). */
    public float valueAt(long step) {
        int b = bucketOf(step);
        return b < 0 ? Float.NaN : last[b];
    }
}
