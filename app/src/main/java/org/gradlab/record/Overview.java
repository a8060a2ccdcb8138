package org.gradlab.record;

/**
 * A run's scalar series reduced to at most a given number of buckets of 2^shift steps each: per bucket and
 * series the min, max, last value and sum over 2^shift consecutive records (steps) (NaN-aware: NaN values are skipped in min/max/sum and counted by
 * the NON_FINITE series). shift 0 means one bucket per step.
 */
public record Overview(int shift, int buckets, long[] starts, long steps, float[] min, float[] max, float[] last, float[] sum) {
    public float min(int bucket, Series s) { return min[bucket * Series.COUNT + s.ordinal()]; }
    public float max(int bucket, Series s) { return max[bucket * Series.COUNT + s.ordinal()]; }
    public float last(int bucket, Series s) { return last[bucket * Series.COUNT + s.ordinal()]; }
    public float sum(int bucket, Series s) { return sum[bucket * Series.COUNT + s.ordinal()]; }

    /** First step of a bucket. */
    public long bucketStart(int bucket) {
        return starts[bucket];
    }

    /** Records in a bucket (the last may be short). */
    public int stepsIn(int bucket) {
        return (int) Math.min(1L << shift, steps - ((long) bucket << shift));
    }
}
