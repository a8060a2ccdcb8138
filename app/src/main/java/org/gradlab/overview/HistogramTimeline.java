package org.gradlab.overview;

import org.gradlab.telemetry.HistogramLayout;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Per-layer gradient histograms over time for the heatmap: columns of summed counts over 2^k steps, merged
 * pairwise (width doubling) when full, plus the most recent step's own histograms.
 */
public final class HistogramTimeline {
    private final int layers, width = HistogramLayout.WIDTH, capacity;
    private final long[][] columns; // [column][layer * width + bin]
    private int count;
    private long first = -1;
    private int shift;
    private long lastStep = -1;
    private int[] latestPre, latestPost;
    private long latestStep = -1;

    public HistogramTimeline(int layers, int capacity) {
        this(layers, capacity, 0);
    }

    /** The latest steps one per column (at least recentCapacity / 2 of them), for a zoom past the columns' width. */
    private final int recentCapacity;
    private HistogramTimeline recent, detail;

    public HistogramTimeline(int layers, int capacity, int recentCapacity) {
        this.layers = layers;
        this.capacity = capacity;
        this.recentCapacity = recentCapacity;
        this.columns = new long[capacity][];
    }

    /** A finer timeline a replay read for a window (null drops it). */
    public void setDetail(HistogramTimeline d) {
        detail = d;
    }

    /** The timeline to draw steps [from, to] from: this one, or a finer one that holds all of that window. */
    public HistogramTimeline forWindow(long from, long to) {
        if (shift == 0 || count == 0) return this;
        long hi = Math.min(to, lastStep);
        if (recent != null && recent.count > 0 && recent.first <= Math.max(from, first) && recent.lastStep >= hi) return recent;
        if (detail != null && detail.count > 0 && detail.first <= Math.max(from, first) && detail.lastStep >= hi && detail.shift < shift) {
            return detail;
        }
        return this;
    }

    private void keepRecent(long step, int[] pre, int[] post) {
        if (recent != null && recent.count > 0 && step - recent.first >= recentCapacity) {
            // a new one from the second half of the full one: its columns are single steps, copied as they are
            HistogramTimeline next = new HistogramTimeline(layers, recentCapacity);
            long from = step - recentCapacity / 2;
            for (int c = 0; c < recent.count; c++) {
                long k = recent.first + c;
                if (k < from || recent.columns[c] == null) continue;
                next.appendColumn(k, recent.columns[c]);
            }
            next.preOnly = recent.preOnly;
            recent = next;
        }
        if (recent == null) recent = new HistogramTimeline(layers, recentCapacity);
        recent.append(step, pre, post);
    }

    private void appendColumn(long step, long[] counts) {
        if (first < 0) first = step;
        lastStep = step;
        int c = (int) (step - first);
        while (count <= c) {
            columns[count] = new long[layers * width];
            count++;
        }
        System.arraycopy(counts, 0, columns[c], 0, counts.length);
    }

    private boolean preOnly;

    public void append(long step, int[] pre, int[] post) {
        if (pre == null) return;
        if (post == null) preOnly = true;
        latestPre = pre;
        latestPost = post;
        latestStep = step;
        if (first < 0) first = step;
        if (step <= lastStep) return;
        lastStep = step;
        if (recentCapacity > 0) keepRecent(step, pre, post);
        int c = (int) ((step - first) >> shift);
        while (c >= capacity) {
            compact();
            c = (int) ((step - first) >> shift);
        }
        while (count <= c) {
            if (columns[count] == null) columns[count] = new long[layers * width];
            else Arrays.fill(columns[count], 0);
            count++;
        }
        long[] col = columns[c];
        int[] src = post != null ? post : pre; // a log without post-clip histograms: its pre-clip ones, said so
        for (int i = 0; i < col.length && i < src.length; i++) col[i] += src[i];
    }

    private void compact() {
        int nc = (count + 1) / 2;
        for (int i = 0; i < nc; i++) {
            long[] a = columns[2 * i]; // slot 2i is not yet overwritten: iterations so far wrote slots < i
            if (2 * i + 1 < count) {
                long[] b = columns[2 * i + 1];
                for (int k = 0; k < a.length; k++) a[k] += b[k];
            }
            columns[i] = a;
        }
        for (int i = nc; i < count; i++) columns[i] = null;
        count = nc;
        shift++;
    }

    /** Its columns (not the recent or detail ones) and the newest step's histograms, for a run's summary file. */
    public void write(DataOutput out) throws IOException {
        out.writeLong(first);
        out.writeLong(lastStep);
        out.writeInt(shift);
        out.writeInt(count);
        out.writeBoolean(preOnly);
        for (int c = 0; c < count; c++) {
            long[] col = columns[c];
            for (long v : col) writeCount(out, v); // mostly zeros and small counts: one byte each
        }
        out.writeLong(latestStep);
        writeCounts(out, latestPre);
        writeCounts(out, latestPost);
    }

    /** Reads what {@link #write} wrote into this freshly made timeline of the same layers and capacity. */
    public void read(DataInput in) throws IOException {
        first = in.readLong();
        lastStep = in.readLong();
        shift = in.readInt();
        count = in.readInt();
        SeriesStore.checkLayout("a histogram timeline", first, lastStep, shift, count, capacity);
        preOnly = in.readBoolean();
        for (int c = 0; c < count; c++) {
            long[] col = new long[layers * width];
            for (int i = 0; i < col.length; i++) col[i] = readCount(in);
            columns[c] = col;
        }
        latestStep = in.readLong();
        latestPre = readCounts(in, layers * width);
        latestPost = readCounts(in, layers * width);
    }

    private static void writeCount(DataOutput out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    private static long readCount(DataInput in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw new IOException("a histogram count longer than 64 bits");
    }

    private static void writeCounts(DataOutput out, int[] v) throws IOException {
        out.writeInt(v == null ? -1 : v.length);
        if (v != null) for (int x : v) writeCount(out, x & 0xFFFFFFFFL);
    }

    private static int[] readCounts(DataInput in, int max) throws IOException {
        int n = in.readInt();
        if (n == -1) return null;
        if (n < 0 || n > max) throw new IOException("a histogram of " + n + " bins");
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = (int) readCount(in);
        return v;
    }

    /** True when some step had no post-clip histogram, so the columns count pre-clip values. */
    public boolean preOnly() { return preOnly; }

    public int layers() { return layers; }
    public int columns() { return count; }
    public long firstStep() { return first; }
    public long columnWidth() { return 1L << shift; }

    /** Post-clip counts of a column for one layer ({@link HistogramLayout#WIDTH} values). */
    public long count(int column, int layer, int bin) {
        return columns[column][layer * width + bin];
    }

    public int[] latestPre() { return latestPre; }
    public int[] latestPost() { return latestPost; }
    public long latestStep() { return latestStep; }

    /** Replaces the "current" histograms (replay cursor moves) without touching the timeline. */
    public void setCurrent(long step, int[] pre, int[] post) {
        latestStep = step;
        latestPre = pre;
        latestPost = post;
    }
}
